package io.angler.k8s.operator;

import io.angler.core.offer.Offer;
import io.angler.k8s.crd.ContributionSpecs;
import io.angler.node.lease.Lease;
import io.angler.node.lease.LeaseStore;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * TEST DOUBLE. The ledger half of a provider runtime, with no discovery or sessions: it knows the
 * published offers and the leases, and computes the units remaining. The operator tests that do
 * not need the DHT or the MPC run the operator with it; ProviderNodeRuntimeTest runs the real one.
 */
public class LocalLedger implements ProviderRuntime {
    private final Map<String, Offer> offers = new LinkedHashMap<>();
    private final Map<String, Lease> leases = new HashMap<>();

    @Override
    public synchronized void restore(LeaseStore store, List<ContributionSpecs.Checked> restored) {
        leases.clear();
        for (Lease l : store.all()) {
            leases.put(l.id(), l);
        }
        for (ContributionSpecs.Checked c : restored) {
            offers.put(c.offer().name(), c.offer());
        }
    }

    @Override
    public synchronized void publish(Offer offer, List<Integer> precisions) {
        offers.put(offer.name(), offer);
    }

    @Override
    public synchronized void withdraw(String offerName) {
        offers.remove(offerName);
    }

    @Override
    public synchronized long remaining(String offerName) {
        Offer offer = offers.get(offerName);
        if (offer == null) {
            return 0;
        }
        long used = leases.values().stream().filter(l -> l.offer().equals(offerName)).mapToLong(Lease::units).sum();
        return Math.max(0, offer.quantity() - used);
    }

    @Override
    public String announceProblem(String offerName) {
        return "";
    }

    @Override
    public synchronized Optional<Lease> lease(String leaseId) {
        return Optional.ofNullable(leases.get(leaseId));
    }

    @Override
    public synchronized void leaseEnded(Lease lease) {
        leases.remove(lease.id());
    }

    /** Records a lease granted by a session (the provider runtime's claim path). */
    public synchronized void leaseGranted(Lease lease) {
        leases.put(lease.id(), lease);
    }

    public synchronized Optional<Offer> offer(String name) {
        return Optional.ofNullable(offers.get(name));
    }

    public synchronized List<Lease> leases() {
        return List.copyOf(leases.values());
    }
}
