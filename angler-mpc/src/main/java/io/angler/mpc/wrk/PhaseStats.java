package io.angler.mpc.wrk;

/**
 * Where one phase of a WRK session went, from one party's point of view.
 *
 * @param name the phase: {@code base-ot}, {@code ot-extension}, {@code authenticated-bits},
 *     {@code triples}, {@code garbling}, {@code online} or {@code output}
 * @param millis wall-clock time this party spent in the phase (computing and waiting)
 * @param cpuMillis CPU time of this party's protocol thread in the phase (0 where the JVM cannot
 *     measure it): the computing part of {@code millis}, and a figure that stays meaningful when
 *     many parties share a few cores
 * @param bytesSent payload bytes this party sent to all peers in the phase
 * @param bytesReceived payload bytes it received
 * @param rounds communication rounds (each: send to every peer, then read from every peer)
 */
public record PhaseStats(String name, double millis, double cpuMillis, long bytesSent, long bytesReceived, long rounds) {
    /** The sum of {@code phases}, named "total". */
    public static PhaseStats total(java.util.List<PhaseStats> phases) {
        double millis = 0;
        double cpu = 0;
        long sent = 0;
        long received = 0;
        long rounds = 0;
        for (PhaseStats p : phases) {
            millis += p.millis;
            cpu += p.cpuMillis;
            sent += p.bytesSent;
            received += p.bytesReceived;
            rounds += p.rounds;
        }
        return new PhaseStats("total", millis, cpu, sent, received, rounds);
    }
}
