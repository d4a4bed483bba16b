package io.angler.node.select;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Chooses a session's providers from probed candidates (SPEC 1.4): sorted by RTT, at most the
 * maximum number, then the slowest dropped one at a time until the runtime model predicts the
 * session fits the time budget. The candidates not chosen are kept, fastest first, as backups for
 * a retry after a failure.
 *
 * <p>The model's "largest RTT" is estimated as the largest requester-to-provider RTT of the
 * chosen set: providers in one pool sit in the same geohash cell as each other, near the
 * requester, so their pairwise RTTs are of the same order.
 */
public final class Selection {
    private final RuntimeModel model;

    public Selection(RuntimeModel model) {
        this.model = model;
    }

    public RuntimeModel model() {
        return model;
    }

    /**
     * A session's providers, fastest first, and the backups.
     *
     * @param providers the chosen providers (their session order is decided by the caller)
     * @param backups candidates not chosen, fastest first
     * @param predictedMs the model's prediction for the chosen set
     */
    public record Plan(List<Probed> providers, List<Probed> backups, double predictedMs) {
        public Plan {
            providers = List.copyOf(providers);
            backups = List.copyOf(backups);
        }
    }

    /** Chooses from {@code candidates}; throws {@link SelectionException} if no set fits. */
    public Plan choose(List<Probed> candidates, SelectionLimits limits) {
        List<Probed> sorted = new ArrayList<>(candidates);
        sorted.sort(Comparator.comparingDouble(Probed::rttMs).thenComparing(Probed::fingerprint));
        if (sorted.size() < limits.minProviders()) {
            throw new SelectionException("too few providers: " + sorted.size() + " answered the probe, the request"
                    + " needs at least " + limits.minProviders() + " (widen the search area or lower --max-providers)");
        }
        int k = Math.min(limits.maxProviders(), sorted.size());
        double budgetMs = limits.budget().toNanos() / 1e6;
        while (k > limits.minProviders() && predict(sorted, k) > budgetMs) {
            k--; // drop the slowest
        }
        double predicted = predict(sorted, k);
        if (predicted > budgetMs) {
            throw new SelectionException(String.format(Locale.ROOT,
                    "no session fits the time budget: the fastest %d provider(s) (largest RTT %.1f ms) are predicted"
                            + " to take %.0f ms, the budget is %.0f ms (raise --budget-ms%s)",
                    k, sorted.get(k - 1).rttMs(), predicted, budgetMs,
                    limits.minProviders() > 1 ? " or lower --max-providers" : ""));
        }
        return new Plan(sorted.subList(0, k), sorted.subList(k, sorted.size()), predicted);
    }

    private double predict(List<Probed> sorted, int k) {
        return model.predictMs(k + 1, sorted.get(k - 1).rttMs());
    }
}
