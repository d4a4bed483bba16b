package io.angler.node.limit;

import io.angler.node.config.RateLimitSettings;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.function.LongSupplier;

/**
 * Limits how often one requester may start sessions with this provider, by certificate identity
 * and by network address: repeated sessions are how a requester would probe a provider's capacity
 * (SPEC 2). Identities cost nothing to make, so the address limit is the one that binds a
 * determined prober; an IPv6 requester is counted by its /64, which one host usually owns whole.
 */
public final class SessionRateLimiter {
    private final TokenBuckets byIdentity;
    private final TokenBuckets byAddress;

    public SessionRateLimiter(RateLimitSettings settings) {
        this(settings, System::nanoTime);
    }

    public SessionRateLimiter(RateLimitSettings settings, LongSupplier nanoTime) {
        this.byIdentity = new TokenBuckets(settings.perIdentity(), settings.maxTracked(), nanoTime);
        this.byAddress = new TokenBuckets(settings.perAddress(), settings.maxTracked(), nanoTime);
    }

    /** Whether a session from this identity and address may start now; takes a token from both if so. */
    public synchronized Decision admit(String identity, InetAddress address) {
        String addressKey = addressKey(address);
        if (!byAddress.tryTake(addressKey)) {
            return Decision.ADDRESS_LIMITED;
        }
        if (!byIdentity.tryTake(identity)) {
            byAddress.giveBack(addressKey);
            return Decision.IDENTITY_LIMITED;
        }
        return Decision.ADMITTED;
    }

    /** IPv4 addresses whole, IPv6 addresses by their /64 prefix. */
    static String addressKey(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet6Address) {
            return HexFormat.of().formatHex(b, 0, 8) + "::/64";
        }
        if (address instanceof Inet4Address) {
            return address.getHostAddress();
        }
        return HexFormat.of().formatHex(b);
    }

    public enum Decision {
        ADMITTED,
        IDENTITY_LIMITED,
        ADDRESS_LIMITED
    }
}
