package io.angler.mpc;

import java.util.List;
import java.util.Set;

/**
 * A session ended without an output: a protocol check failed, a peer disconnected or timed out,
 * or a peer sent an abort notice. Every honest party that sees this discards everything it
 * computed in the session.
 *
 * <p>With a dishonest majority nobody can identify a cheater in general, so the exception says
 * exactly what <em>this</em> party knows, and how ({@link #evidence()}):
 * <ul>
 *   <li>{@link Evidence#CHECK}: a check failed on a message that {@link #peer()} sent to this party,
 *       and no other party could have made it fail: direct evidence that {@code peer()} deviated;</li>
 *   <li>{@link Evidence#DEPARTURE}: {@link #peer()} disconnected or stayed silent past the timeout
 *       without an abort notice (it crashed, lost its network, or misbehaved);</li>
 *   <li>{@link Evidence#REPORT}: another party's abort notice ended the session here;
 *       {@link #report()} says who reported what and whom it blamed. A report is a claim, not
 *       evidence: a malicious reporter can name anyone;</li>
 *   <li>{@link Evidence#NONE}: a failure nobody can attribute (e.g. the AND-triple check, or a
 *       broadcast inconsistency that any party could have caused), or a local one.</li>
 * </ul>
 * After an abort the engine also collects, for a short while, the notices of the other parties
 * ({@link #reports()}), so that a caller can see the whole picture, not only the first message
 * that reached it.
 *
 * <p>Messages name the check or the step and the parties involved, never a secret value.
 */
public class MpcAbortException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** Steps that, naming a peer, say that the peer left or went silent rather than sent something wrong. */
    private static final Set<String> DEPARTURES = Set.of("disconnect", "timeout", "connect");
    /** Steps that never point at a peer: this side's own state. */
    private static final Set<String> LOCAL = Set.of("channel", "interrupted", "internal-error", "listen");

    /** How this party came to abort; see the class comment. */
    public enum Evidence {
        NONE, CHECK, DEPARTURE, REPORT;

        /** The wire code of an abort notice. */
        public byte code() {
            return (byte) ordinal();
        }

        /** The evidence of wire code {@code c}, or NONE for an unknown code. */
        public static Evidence ofCode(int c) {
            Evidence[] all = values();
            return c >= 0 && c < all.length ? all[c] : NONE;
        }
    }

    /**
     * One party's abort notice as this party received it.
     *
     * @param reporter the party that sent the notice
     * @param evidence how the reporter came to abort: CHECK or DEPARTURE naming {@code blamed}, NONE
     *     (nobody to blame), or REPORT (it followed {@code blamed}'s notice)
     * @param check the check or step the reporter names
     * @param blamed the party the reporter names, or -1
     */
    public record Report(int reporter, Evidence evidence, String check, int blamed) {
    }

    private final String check;
    private final Evidence evidence;
    private final int peer;
    private final Report report;
    private List<Report> reports = List.of();
    private List<Integer> departed = List.of();

    /**
     * @param check short stable name of the failed check or step, e.g. {@code "output-mac"}
     * @param peer the party whose message failed the check here ({@code disconnect}, {@code timeout},
     *     {@code connect}: the party that left or could not be reached), or -1 if none
     * @param detail what happened, without secret values
     */
    public MpcAbortException(String check, int peer, String detail) {
        this(check, classify(check, peer), LOCAL.contains(check) ? -1 : peer, null, detail);
    }

    public MpcAbortException(String check, int peer, String detail, Throwable cause) {
        this(check, peer, detail);
        initCause(cause);
    }

    private MpcAbortException(String check, Evidence evidence, int peer, Report report, String detail) {
        super(check + (peer >= 0 ? " (party " + peer + ")" : "") + ": " + detail);
        this.check = check;
        this.evidence = evidence;
        this.peer = peer;
        this.report = report;
    }

    /**
     * The abort of a party that received {@code report}: it names the reporter's check, and points at
     * nobody by itself.
     */
    public static MpcAbortException reported(Report report) {
        String blame = switch (report.evidence()) {
            case CHECK -> ", blaming party " + report.blamed();
            case DEPARTURE -> ", saying party " + report.blamed() + " left";
            case REPORT -> ", following party " + report.blamed() + "'s notice";
            case NONE -> "";
        };
        return new MpcAbortException(report.check(), Evidence.REPORT, -1, report,
                "party " + report.reporter() + " aborted the session after this check failed" + blame);
    }

    private static Evidence classify(String check, int peer) {
        if (peer < 0 || LOCAL.contains(check)) {
            return Evidence.NONE;
        }
        return DEPARTURES.contains(check) ? Evidence.DEPARTURE : Evidence.CHECK;
    }

    /** The name of the failed check or step (for a report: the reporter's). */
    public String check() {
        return check;
    }

    /** How this party came to abort. */
    public Evidence evidence() {
        return evidence;
    }

    /**
     * The party this party has direct evidence against ({@link Evidence#CHECK} or
     * {@link Evidence#DEPARTURE}), or -1. A relayed report never sets it: see {@link #report()}.
     */
    public int peer() {
        return peer;
    }

    /** For {@link Evidence#REPORT}: the notice that ended the session here; otherwise null. */
    public Report report() {
        return report;
    }

    /** The abort notices collected from the other parties after the abort (possibly none). */
    public List<Report> reports() {
        return reports;
    }

    /**
     * The parties that, while the notices were collected, closed their connection to this party
     * without sending one: an honest party always sends its notice before it leaves, so these left
     * (crashed, lost their network, or misbehaved). Direct evidence, like {@link Evidence#DEPARTURE}.
     */
    public List<Integer> departed() {
        return departed;
    }

    /** Records what was collected after the abort: the notices, and who left without one. */
    public MpcAbortException withReports(List<Report> collected, List<Integer> leftWithoutNotice) {
        this.reports = List.copyOf(collected);
        this.departed = List.copyOf(leftWithoutNotice);
        return this;
    }
}
