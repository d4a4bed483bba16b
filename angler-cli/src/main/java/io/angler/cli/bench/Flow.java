package io.angler.cli.bench;

/** The two flows the WAN benchmark compares. */
public enum Flow {
    /** The placement under MPC (WRK): nobody learns another party's input. */
    PRIVATE("private"),
    /** The baseline: providers reveal capacity and price to the requester, who places in the clear. */
    PLAINTEXT("plaintext");

    private final String label;

    Flow(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
