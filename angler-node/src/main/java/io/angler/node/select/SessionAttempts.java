package io.angler.node.select;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A requester's bounded retries (SPEC 2, "Aborts"): after a session fails, the parties seen to
 * fail are excluded for good and a new set is chosen from the remaining candidates, backups
 * included, until a session succeeds or the attempts run out.
 */
public final class SessionAttempts {
    private final List<Probed> candidates;
    private final SelectionLimits limits;
    private final Selection selection;
    private final int maxAttempts;
    private final Set<String> excluded = new LinkedHashSet<>();
    private int attempts;

    public SessionAttempts(List<Probed> candidates, SelectionLimits limits, Selection selection, int maxAttempts) {
        if (maxAttempts < 1 || maxAttempts > 16) {
            throw new IllegalArgumentException("attempts " + maxAttempts + " is outside 1..16");
        }
        this.candidates = List.copyOf(candidates);
        this.limits = limits;
        this.selection = selection;
        this.maxAttempts = maxAttempts;
    }

    /** The first session's plan. */
    public Selection.Plan first() {
        if (attempts != 0) {
            throw new IllegalStateException("first() was already called");
        }
        return next();
    }

    /**
     * The plan for the next attempt after a failure in which the parties with these fingerprints
     * were seen to fail (possibly none, when the failure could not be attributed).
     *
     * @throws SelectionException when the attempts are used up or too few candidates remain
     */
    public Selection.Plan afterFailure(Collection<String> failedFingerprints) {
        if (attempts == 0) {
            throw new IllegalStateException("afterFailure() before first()");
        }
        excluded.addAll(failedFingerprints);
        if (attempts >= maxAttempts) {
            throw new SelectionException("gave up after " + attempts + " attempt(s); excluded "
                    + excluded.size() + " provider(s) that failed");
        }
        return next();
    }

    private Selection.Plan next() {
        List<Probed> remaining = new ArrayList<>();
        for (Probed p : candidates) {
            if (!excluded.contains(p.fingerprint())) {
                remaining.add(p);
            }
        }
        attempts++;
        try {
            return selection.choose(remaining, limits);
        } catch (SelectionException e) {
            throw new SelectionException(excluded.isEmpty() ? e.getMessage()
                    : e.getMessage() + " after excluding " + excluded.size() + " provider(s) that failed");
        }
    }

    public int attempts() {
        return attempts;
    }

    public Set<String> excluded() {
        return Collections.unmodifiableSet(excluded);
    }
}
