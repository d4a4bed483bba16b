package io.angler.mpc.wrk;

/** Waits briefly for threads that are shutting down, then reports how many are alive. */
final class ThreadLeaks {
    private ThreadLeaks() {
    }

    static int settle(int expected) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        int now = Thread.activeCount();
        while (now > expected && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            now = Thread.activeCount();
        }
        return now;
    }
}
