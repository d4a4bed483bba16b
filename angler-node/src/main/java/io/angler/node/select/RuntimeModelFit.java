package io.angler.node.select;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Fits a {@link RuntimeModel} to measured sessions by least squares. Only the terms the samples
 * can determine are fitted; the others keep the prior's values. With sessions measured only on
 * loopback (RTT near 0) the round-trip terms cannot be seen, so they stay as they were, and a
 * benchmark with a single party count fixes only the constant.
 */
public final class RuntimeModelFit {
    /** Below this spread of RTTs (ms) the samples say nothing about the RTT terms. */
    static final double MIN_RTT_SPREAD_MS = 1.0;

    private RuntimeModelFit() {
    }

    /**
     * One measured session.
     *
     * @param parties parties in the session, requester included
     * @param rttMs largest round-trip time among them, ms
     * @param ms measured duration, ms
     */
    public record Sample(int parties, double rttMs, double ms) {
        public Sample {
            if (parties < 2 || !(rttMs >= 0) || !(ms >= 0) || !Double.isFinite(rttMs) || !Double.isFinite(ms)) {
                throw new IllegalArgumentException("sample: parties " + parties + " (at least 2), rtt " + rttMs
                        + " and duration " + ms + " (finite, not negative)");
            }
        }
    }

    public static RuntimeModel fit(List<Sample> samples, RuntimeModel prior, String source) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("runtime model fit: no samples");
        }
        Set<Integer> partyCounts = new HashSet<>();
        double minRtt = Double.MAX_VALUE;
        double maxRtt = 0;
        Set<Integer> partyCountsWithRttSpread = new HashSet<>();
        for (Sample s : samples) {
            partyCounts.add(s.parties());
            minRtt = Math.min(minRtt, s.rttMs());
            maxRtt = Math.max(maxRtt, s.rttMs());
        }
        for (int n : partyCounts) {
            double lo = Double.MAX_VALUE;
            double hi = 0;
            for (Sample s : samples) {
                if (s.parties() == n) {
                    lo = Math.min(lo, s.rttMs());
                    hi = Math.max(hi, s.rttMs());
                }
            }
            if (hi - lo >= MIN_RTT_SPREAD_MS) {
                partyCountsWithRttSpread.add(n);
            }
        }
        // Which of [1, n, n^2, rtt, n*rtt] the data can determine.
        boolean[] free = new boolean[5];
        free[0] = true;
        free[1] = partyCounts.size() >= 2;
        free[2] = partyCounts.size() >= 3;
        free[3] = maxRtt - minRtt >= MIN_RTT_SPREAD_MS;
        free[4] = partyCountsWithRttSpread.size() >= 2;
        double[] priorCoef = {prior.base(), prior.perParty(), prior.perPartySquared(), prior.rounds(), prior.roundsPerParty()};

        List<Integer> cols = new ArrayList<>();
        for (int j = 0; j < 5; j++) {
            if (free[j]) {
                cols.add(j);
            }
        }
        int k = cols.size();
        double[][] ata = new double[k][k];
        double[] aty = new double[k];
        for (Sample s : samples) {
            double[] x = features(s);
            double y = s.ms();
            for (int j = 0; j < 5; j++) {
                if (!free[j]) {
                    y -= priorCoef[j] * x[j]; // fixed terms move to the left-hand side
                }
            }
            for (int a = 0; a < k; a++) {
                aty[a] += x[cols.get(a)] * y;
                for (int b = 0; b < k; b++) {
                    ata[a][b] += x[cols.get(a)] * x[cols.get(b)];
                }
            }
        }
        double[] solved = solve(ata, aty);
        double[] coef = priorCoef.clone();
        for (int a = 0; a < k; a++) {
            coef[cols.get(a)] = solved[a];
        }
        return new RuntimeModel(coef[0], coef[1], coef[2], coef[3], coef[4], source);
    }

    static double[] features(Sample s) {
        double n = s.parties();
        return new double[] {1, n, n * n, s.rttMs(), n * s.rttMs()};
    }

    /** Gaussian elimination with partial pivoting on the (small, symmetric) normal equations. */
    static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[][] m = new double[n][];
        for (int i = 0; i < n; i++) {
            m[i] = new double[n + 1];
            System.arraycopy(a[i], 0, m[i], 0, n);
            m[i][n] = b[i];
        }
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) {
                    pivot = r;
                }
            }
            if (Math.abs(m[pivot][col]) < 1e-12) {
                throw new IllegalArgumentException("runtime model fit: the samples do not determine the model"
                        + " (add samples with other party counts or RTTs)");
            }
            double[] t = m[col];
            m[col] = m[pivot];
            m[pivot] = t;
            for (int r = 0; r < n; r++) {
                if (r != col) {
                    double f = m[r][col] / m[col][col];
                    for (int c = col; c <= n; c++) {
                        m[r][c] -= f * m[col][c];
                    }
                }
            }
        }
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = m[i][n] / m[i][i];
        }
        return x;
    }

    /**
     * Reads samples from a CSV file with the header {@code parties,rtt_ms,ms} (as the benchmark
     * writes them), one session per line.
     */
    public static List<Sample> readCsv(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot be read: " + e.getMessage());
        }
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#") || (i == 0 && line.startsWith("parties"))) {
                continue;
            }
            String[] f = line.split(",");
            try {
                if (f.length != 3) {
                    throw new IllegalArgumentException("expected 3 fields, found " + f.length);
                }
                out.add(new Sample(Integer.parseInt(f[0].strip()), Double.parseDouble(f[1].strip()),
                        Double.parseDouble(f[2].strip())));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": '" + line + "' is not parties,rtt_ms,ms ("
                        + e.getMessage() + ")");
            }
        }
        return out;
    }
}
