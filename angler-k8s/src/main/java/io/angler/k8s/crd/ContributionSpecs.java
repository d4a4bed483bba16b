package io.angler.k8s.crd;

import io.angler.core.geo.Geohash;
import io.angler.core.offer.LeaseLimits;
import io.angler.core.offer.Offer;
import io.angler.core.offer.PriceFunction;
import io.angler.core.placement.PlacementWidths;
import io.angler.core.unit.ResourceUnit;
import java.time.Duration;
import java.util.List;

/**
 * Turns a PoolContribution into an {@link Offer}, checking everything the API server's schema
 * checks and more (the price formula, the unit's quantities, the precisions against the location):
 * the operator must not trust that the schema was enforced. Every error names the field.
 */
public final class ContributionSpecs {

    private ContributionSpecs() {
    }

    /** A checked offer and the precisions it is announced at. */
    public record Checked(Offer offer, List<Integer> precisions) {
    }

    /** @throws IllegalArgumentException naming the first field that is wrong */
    public static Checked check(PoolContribution pc) {
        String name = pc.getMetadata().getName();
        PoolContribution.Spec spec = pc.getSpec();
        if (spec == null) {
            throw new IllegalArgumentException("spec: is missing");
        }
        if (spec.unit() == null || spec.unit().isEmpty()) {
            throw new IllegalArgumentException("spec.unit: is missing (example: {cpu: 200m, memory: 128Mi})");
        }
        ResourceUnit unit = field("spec.unit", () -> ResourceUnit.of(spec.unit()));
        if (spec.quantity() == null) {
            throw new IllegalArgumentException("spec.quantity: is missing");
        }
        if (spec.quantity() < 0) {
            throw new IllegalArgumentException("spec.quantity: " + spec.quantity() + " is negative");
        }
        if (spec.quantity() > PlacementWidths.DEFAULT.maxUnits()) {
            throw new IllegalArgumentException("spec.quantity: " + spec.quantity() + " is more than the "
                    + PlacementWidths.DEFAULT.maxUnits() + " units the placement circuit holds");
        }
        if (spec.price() == null) {
            throw new IllegalArgumentException("spec.price: is missing (example: (2*(q-r))+20)");
        }
        PriceFunction price = field("spec.price", () -> PriceFunction.parse(spec.price()));
        // A formula that parses can still fail for some (q, r) (division by zero, a negative
        // price); evaluating it at the ends of the range catches the common mistakes now rather
        // than in the middle of a session.
        long q = spec.quantity();
        field("spec.price", () -> price.evaluate(q, q));
        field("spec.price", () -> price.evaluate(q, 0));
        if (spec.location() == null) {
            throw new IllegalArgumentException("spec.location: is missing (example: dn5bpsbw)");
        }
        Geohash location = field("spec.location", () -> Geohash.of(spec.location()));
        LeaseLimits limits = limits(spec.leaseLimits());
        List<Integer> precisions = spec.announcePrecisions() == null || spec.announcePrecisions().isEmpty()
                ? defaultPrecisions(location)
                : List.copyOf(spec.announcePrecisions());
        Offer offer = field("metadata.name", () -> new Offer(name, unit, q, price, location, limits));
        field("spec.announcePrecisions", () -> offer.poolKeys(precisions));
        return new Checked(offer, precisions);
    }

    /** The default precisions that the location is precise enough for. */
    private static List<Integer> defaultPrecisions(Geohash location) {
        List<Integer> fit = Offer.DEFAULT_ANNOUNCE_PRECISIONS.stream().filter(p -> p <= location.precision()).toList();
        return fit.isEmpty() ? List.of(location.precision()) : fit;
    }

    private static LeaseLimits limits(PoolContribution.LeaseLimitsSpec spec) {
        if (spec == null) {
            return LeaseLimits.DEFAULT;
        }
        Duration min = spec.minDuration() == null ? LeaseLimits.DEFAULT.minDuration()
                : KubeDuration.parse("spec.leaseLimits.minDuration", spec.minDuration());
        Duration max = spec.maxDuration() == null ? LeaseLimits.DEFAULT.maxDuration()
                : KubeDuration.parse("spec.leaseLimits.maxDuration", spec.maxDuration());
        long minUnits = spec.minUnits() == null ? LeaseLimits.DEFAULT.minUnits() : spec.minUnits();
        return field("spec.leaseLimits", () -> new LeaseLimits(min, max, minUnits));
    }

    private interface Check<T> {
        T get();
    }

    /** Runs a core constructor and prefixes its message with the resource field. */
    private static <T> T field(String field, Check<T> check) {
        try {
            return check.get();
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
        }
    }
}
