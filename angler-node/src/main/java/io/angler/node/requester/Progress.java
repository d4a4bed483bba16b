package io.angler.node.requester;

/** Where a request reports its long steps (the command line prints them on stderr). */
@FunctionalInterface
public interface Progress {
    Progress NONE = line -> { };

    /** One line saying what is happening now; never a secret (no request size, no price limit). */
    void step(String line);
}
