package io.angler.dht;

import java.time.Duration;
import java.util.List;

/**
 * What a widening search did.
 *
 * @param candidates distinct providers, nearest first (own cell, neighbours, then coarser)
 * @param lookups every lookup made, in order
 * @param timedOut true if the timeout ended the search before the target or the coarsest
 *     precision was reached
 * @param elapsed the whole search
 */
public record Search(List<Candidate> candidates, List<Lookup> lookups, boolean timedOut, Duration elapsed) {
    public Search {
        candidates = List.copyOf(candidates);
        lookups = List.copyOf(lookups);
    }

    public int messages() {
        return lookups.stream().mapToInt(Lookup::messages).sum();
    }
}
