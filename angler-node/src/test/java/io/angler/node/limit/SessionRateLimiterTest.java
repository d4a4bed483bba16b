package io.angler.node.limit;

import static org.assertj.core.api.Assertions.assertThat;

import io.angler.node.config.RateLimitSettings;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SessionRateLimiterTest {
    final AtomicLong nanos = new AtomicLong();

    void advanceSeconds(double s) {
        nanos.addAndGet((long) (s * 1e9));
    }

    @Test
    void aBucketAllowsItsBurstThenRefillsAtItsRate() {
        TokenBuckets b = new TokenBuckets(new RateLimitSettings.Bucket(3, 60), 100, nanos::get);
        assertThat(b.tryTake("x")).isTrue();
        assertThat(b.tryTake("x")).isTrue();
        assertThat(b.tryTake("x")).isTrue();
        assertThat(b.tryTake("x")).isFalse();
        assertThat(b.tryTake("y")).as("keys are independent").isTrue();
        advanceSeconds(0.9);
        assertThat(b.tryTake("x")).isFalse();
        advanceSeconds(0.1);
        assertThat(b.tryTake("x")).as("60 per minute: one token a second").isTrue();
        assertThat(b.tryTake("x")).isFalse();
        advanceSeconds(3600);
        int taken = 0;
        while (b.tryTake("x")) {
            taken++;
        }
        assertThat(taken).as("never more than the burst").isEqualTo(3);
    }

    @Test
    void memoryStaysBoundedUnderAFloodOfKeys() {
        TokenBuckets b = new TokenBuckets(new RateLimitSettings.Bucket(2, 1), 100, nanos::get);
        for (int i = 0; i < 100_000; i++) {
            b.tryTake("key-" + i);
            assertThat(b.tracked()).isLessThanOrEqualTo(100);
        }
    }

    @Test
    void idleKeysAreForgottenBeforeActiveOnes() {
        TokenBuckets b = new TokenBuckets(new RateLimitSettings.Bucket(2, 60), 16, nanos::get);
        for (int i = 0; i < 15; i++) {
            b.tryTake("idle-" + i);
        }
        advanceSeconds(10); // the idle ones refill completely
        b.tryTake("active");
        b.tryTake("active");
        assertThat(b.tryTake("active")).isFalse();
        b.tryTake("new-1");
        b.tryTake("new-2"); // the table is full: the refilled idle keys go, not "active"
        assertThat(b.tryTake("active")).as("the active key kept its empty bucket").isFalse();
        assertThat(b.tracked()).isLessThanOrEqualTo(16);
    }

    @Test
    void identityAndAddressAreLimitedSeparately() throws Exception {
        SessionRateLimiter limiter = new SessionRateLimiter(
                new RateLimitSettings(new RateLimitSettings.Bucket(2, 1), new RateLimitSettings.Bucket(3, 1), 100), nanos::get);
        InetAddress a = InetAddress.getByName("192.0.2.1");
        InetAddress b = InetAddress.getByName("192.0.2.2");
        assertThat(limiter.admit("alice", a)).isEqualTo(SessionRateLimiter.Decision.ADMITTED);
        assertThat(limiter.admit("alice", a)).isEqualTo(SessionRateLimiter.Decision.ADMITTED);
        assertThat(limiter.admit("alice", b)).isEqualTo(SessionRateLimiter.Decision.IDENTITY_LIMITED);
        // The refused attempt gave its address token back: one left at a.
        assertThat(limiter.admit("bob", a)).isEqualTo(SessionRateLimiter.Decision.ADMITTED);
        assertThat(limiter.admit("carol", a)).as("fresh identities do not escape the address limit")
                .isEqualTo(SessionRateLimiter.Decision.ADDRESS_LIMITED);
    }

    @Test
    void ipv6RequestersAreCountedByTheirSlash64() throws Exception {
        SessionRateLimiter limiter = new SessionRateLimiter(
                new RateLimitSettings(new RateLimitSettings.Bucket(100, 1), new RateLimitSettings.Bucket(1, 1), 100), nanos::get);
        assertThat(limiter.admit("a", InetAddress.getByName("2001:db8:1:2::1"))).isEqualTo(SessionRateLimiter.Decision.ADMITTED);
        assertThat(limiter.admit("b", InetAddress.getByName("2001:db8:1:2:ffff::9")))
                .isEqualTo(SessionRateLimiter.Decision.ADDRESS_LIMITED);
        assertThat(limiter.admit("c", InetAddress.getByName("2001:db8:1:3::1"))).isEqualTo(SessionRateLimiter.Decision.ADMITTED);
    }
}
