package io.angler.k8s;

import java.time.Duration;

/** Polls an assertion until it holds: controllers act asynchronously. */
public final class Eventually {
    private Eventually() {
    }

    public interface Check {
        void run() throws Exception;
    }

    public static void eventually(Check check) {
        eventually(Duration.ofSeconds(20), check);
    }

    public static void eventually(Duration timeout, Check check) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                check.run();
                return;
            } catch (AssertionError | Exception e) {
                if (System.nanoTime() > deadline) {
                    throw e instanceof AssertionError a ? a : new AssertionError(e);
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}
