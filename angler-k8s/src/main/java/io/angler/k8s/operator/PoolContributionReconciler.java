package io.angler.k8s.operator;

import io.angler.k8s.crd.ContributionSpecs;
import io.angler.k8s.crd.PoolContribution;
import io.angler.k8s.crd.PoolLease;
import io.fabric8.kubernetes.api.model.Condition;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles PoolContributions: a valid spec is published to the provider node (announced, or
 * re-priced when it changed), an invalid one is withdrawn and gets a {@code Ready=False} condition
 * naming the field, a deleted one is withdrawn. {@code Ready} turns True once the offer is stored
 * in the pool's DHT ({@code Announcing} until then). The status carries the units remaining and
 * the active leases; lease changes trigger a reconcile through an informer on PoolLeases.
 */
public final class PoolContributionReconciler implements Reconciler<PoolContribution>, Cleaner<PoolContribution> {
    public static final String READY = "Ready";
    /** How soon a failed publish is retried. */
    static final Duration RETRY_PUBLISH = Duration.ofSeconds(30);
    /** How soon an offer whose announcement is under way is looked at again. */
    static final Duration CHECK_ANNOUNCED = Duration.ofSeconds(3);
    private static final Logger LOG = LoggerFactory.getLogger(PoolContributionReconciler.class);

    private final ProviderRuntime node;
    private final String leaseNamespace;
    private final Clock clock;

    public PoolContributionReconciler(ProviderRuntime node, String leaseNamespace, Clock clock) {
        this.node = node;
        this.leaseNamespace = leaseNamespace;
        this.clock = clock;
    }

    @Override
    public List<EventSource<?, PoolContribution>> prepareEventSources(EventSourceContext<PoolContribution> context) {
        var config = InformerEventSourceConfiguration.from(PoolLease.class, PoolContribution.class)
                .withName("poolleases")
                .withNamespaces(leaseNamespace)
                .withSecondaryToPrimaryMapper((PoolLease pl) -> pl.getSpec() == null || pl.getSpec().offer() == null
                        ? Set.of() : Set.of(new ResourceID(pl.getSpec().offer())))
                .build();
        return List.of(new InformerEventSource<>(config, context));
    }

    @Override
    public UpdateControl<PoolContribution> reconcile(PoolContribution pc, Context<PoolContribution> context) {
        String name = pc.getMetadata().getName();
        long generation = pc.getMetadata().getGeneration() == null ? 0 : pc.getMetadata().getGeneration();
        List<Condition> previous = pc.getStatus() == null ? null : pc.getStatus().conditions();
        int activeLeases = context.getSecondaryResources(PoolLease.class).size();

        ContributionSpecs.Checked checked;
        try {
            checked = ContributionSpecs.check(pc);
        } catch (IllegalArgumentException e) {
            node.withdraw(name); // an edit that broke a published offer must take it out of the pool
            LOG.warn("poolcontribution {}: invalid, not announced: {}", name, e.getMessage());
            return status(pc, new PoolContribution.Status(generation, null, activeLeases,
                    Conditions.set(previous, READY, false, "InvalidSpec", e.getMessage(), generation, clock.instant())));
        }
        try {
            node.publish(checked.offer(), checked.precisions());
        } catch (IllegalArgumentException e) {
            node.withdraw(name); // an edit that now collides must not leave the old version announced
            LOG.warn("poolcontribution {}: not announced: {}", name, e.getMessage());
            return status(pc, new PoolContribution.Status(generation, null, activeLeases,
                    Conditions.set(previous, READY, false, "Conflict", e.getMessage(), generation, clock.instant())))
                    .rescheduleAfter(RETRY_PUBLISH);
        } catch (RuntimeException e) {
            LOG.warn("poolcontribution {}: announcing failed, retrying in {} s: {}", name, RETRY_PUBLISH.toSeconds(),
                    e.getMessage());
            return status(pc, new PoolContribution.Status(generation, node.remaining(name), activeLeases,
                    Conditions.set(previous, READY, false, "AnnounceFailed", String.valueOf(e.getMessage()),
                            generation, clock.instant())))
                    .rescheduleAfter(RETRY_PUBLISH);
        }
        long remaining = node.remaining(name);
        String counts = remaining + " units remaining, " + activeLeases + " active leases";
        String problem = node.announceProblem(name);
        if (!problem.isEmpty()) {
            LOG.info("poolcontribution {}: serving sessions, not yet stored in the DHT: {}", name, problem);
            return status(pc, new PoolContribution.Status(generation, remaining, activeLeases,
                    Conditions.set(previous, READY, false, "Announcing", "announcing at geohash precisions "
                            + checked.precisions() + ", not yet stored in the pool's DHT: " + problem + "; " + counts,
                            generation, clock.instant())))
                    .rescheduleAfter(CHECK_ANNOUNCED);
        }
        // The log gets no counts: remaining capacity is what the pool must not learn, and logs travel.
        LOG.info("poolcontribution {}: announced at geohash precisions {}", name, checked.precisions());
        return status(pc, new PoolContribution.Status(generation, remaining, activeLeases,
                Conditions.set(previous, READY, true, "Announced", "announced at geohash precisions "
                        + checked.precisions() + "; " + counts, generation, clock.instant())));
    }

    private static UpdateControl<PoolContribution> status(PoolContribution pc, PoolContribution.Status status) {
        pc.setStatus(status);
        return UpdateControl.patchStatus(pc);
    }

    @Override
    public DeleteControl cleanup(PoolContribution pc, Context<PoolContribution> context) {
        node.withdraw(pc.getMetadata().getName());
        LOG.info("poolcontribution {}: deleted, withdrawn from the pool", pc.getMetadata().getName());
        return DeleteControl.defaultDelete();
    }
}
