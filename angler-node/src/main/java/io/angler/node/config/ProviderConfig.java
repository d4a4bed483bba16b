package io.angler.node.config;

import io.angler.core.offer.Offer;
import io.angler.core.pool.PoolKey;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A provider's configuration: the node, its offers and how leases are provisioned. Read from YAML
 * by {@link ProviderConfigLoader}; see docs/operations.md for the file format.
 *
 * @param source the file it was read from (for messages), or null when built in code
 * @param node the node's own settings
 * @param offers the offers, names unique, no two sharing a pool key
 * @param provisioner how leases are provisioned
 */
public record ProviderConfig(Path source, NodeSettings node, List<OfferConfig> offers, ProvisionerSettings provisioner) {
    public ProviderConfig {
        offers = List.copyOf(offers);
        if (node == null || provisioner == null) {
            throw new IllegalArgumentException("provider: node and provisioner settings are required");
        }
        if (offers.isEmpty()) {
            throw new IllegalArgumentException("provider: needs at least one offer");
        }
        Map<String, Offer> names = new HashMap<>();
        Map<PoolKey, String> keys = new HashMap<>();
        for (OfferConfig oc : offers) {
            if (names.put(oc.offer().name(), oc.offer()) != null) {
                throw new IllegalArgumentException("offer name '" + oc.offer().name() + "' is used twice");
            }
            for (PoolKey k : oc.poolKeys()) {
                String other = keys.put(k, oc.offer().name());
                if (other != null && !other.equals(oc.offer().name())) {
                    throw new IllegalArgumentException("offers '" + other + "' and '" + oc.offer().name()
                            + "' share the pool key of cell " + k.cell() + " (same unit and area): a session"
                            + " could not tell them apart; merge them or use different locations");
                }
            }
        }
    }

    public List<Offer> offerList() {
        return offers.stream().map(OfferConfig::offer).toList();
    }

    /** The offer announced under {@code key}, if any. */
    public Optional<Offer> offerFor(PoolKey key) {
        for (OfferConfig oc : offers) {
            if (oc.poolKeys().contains(key)) {
                return Optional.of(oc.offer());
            }
        }
        return Optional.empty();
    }
}
