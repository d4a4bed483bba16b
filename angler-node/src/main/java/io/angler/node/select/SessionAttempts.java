package io.angler.node.select;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A requester's bounded retries (SPEC 2, "Aborts"): after a session fails, a new set is chosen from
 * the remaining candidates, backups included, until a session succeeds or the attempts run out.
 * Who is excluded follows what the requester knows (docs/protocol.md, "Failures and retries"):
 * <ol>
 *   <li><b>Certain</b>: a provider whose message failed a check at the requester, or that left
 *       without an abort notice, is excluded at once (an honest provider does neither).</li>
 *   <li><b>Suspected</b>: a provider's abort notice blaming another provider is a claim the
 *       requester cannot check: either the blamed one cheated or the reporter lies, so the pair
 *       holds at least one cheater. Nobody is excluded for one such pair; a provider that is in a
 *       suspected pair of two different failed sessions is excluded (a cheater that keeps cheating,
 *       or lying, is in every pair; an honest provider only in those the cheaters choose).</li>
 *   <li>If a failure excluded nobody and the next attempt is the last, every provider in any
 *       suspected pair so far is excluded, so the last attempt runs without anyone ever named.</li>
 * </ol>
 */
public final class SessionAttempts {
    private final List<Probed> candidates;
    private final SelectionLimits limits;
    private final Selection selection;
    private final int maxAttempts;
    private final Set<String> excluded = new LinkedHashSet<>();
    /** Members of the suspected pairs of earlier failed attempts. */
    private final Set<String> suspected = new LinkedHashSet<>();
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

    /** As {@link #afterFailure(Collection, Collection)} with no suspected pairs. */
    public Selection.Plan afterFailure(Collection<String> failedFingerprints) {
        return afterFailure(failedFingerprints, List.of());
    }

    /**
     * The plan for the next attempt after a failure in which the parties with the fingerprints in
     * {@code certain} were seen to fail, and each of {@code suspectedPairs} was named by an abort
     * notice (a reporter and whom it blamed), by the rule of the class comment.
     *
     * @throws SelectionException when the attempts are used up or too few candidates remain
     */
    public Selection.Plan afterFailure(Collection<String> certain, Collection<Set<String>> suspectedPairs) {
        if (attempts == 0) {
            throw new IllegalStateException("afterFailure() before first()");
        }
        int before = excluded.size();
        excluded.addAll(certain);
        Set<String> now = new LinkedHashSet<>();
        suspectedPairs.forEach(now::addAll);
        for (String f : now) {
            if (suspected.contains(f)) {
                excluded.add(f);
            }
        }
        suspected.addAll(now);
        if (excluded.size() == before && attempts == maxAttempts - 1) {
            excluded.addAll(suspected);
        }
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
