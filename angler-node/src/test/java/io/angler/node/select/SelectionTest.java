package io.angler.node.select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SelectionTest {
    /** 10 ms per party, 20 ms per round trip: easy to check by hand. */
    static final RuntimeModel SIMPLE = new RuntimeModel(0, 10, 0, 20, 0, "test");

    static Probed p(int i, double rtt) {
        return new Probed(InetSocketAddress.createUnresolved("p" + i, 7400), String.format("%064x", i), rtt);
    }

    @Test
    void theSlowestAreDroppedUntilThePredictionFitsTheBudget() {
        List<Probed> c = List.of(p(1, 5), p(2, 1), p(3, 9), p(4, 2), p(5, 20));
        Selection s = new Selection(SIMPLE);
        // All 5: 6 parties, rtt 20 -> 60 + 400 = 460. Four: 50 + 180 = 230. Three: 40 + 100 = 140.
        Selection.Plan plan = s.choose(c, new SelectionLimits(Duration.ofMillis(200), 10, 1));
        assertThat(plan.providers()).extracting(Probed::rttMs).containsExactly(1.0, 2.0, 5.0);
        assertThat(plan.predictedMs()).isEqualTo(140.0);
        assertThat(plan.backups()).extracting(Probed::rttMs).containsExactly(9.0, 20.0);
        assertThat(s.choose(c, new SelectionLimits(Duration.ofMillis(1000), 2, 1)).providers())
                .as("the maximum party count applies first").extracting(Probed::rttMs).containsExactly(1.0, 2.0);
    }

    @Test
    void clearMessagesWhenNothingFits() {
        Selection s = new Selection(SIMPLE);
        assertThatThrownBy(() -> s.choose(List.of(p(1, 1)), new SelectionLimits(Duration.ofSeconds(1), 4, 2)))
                .isInstanceOf(SelectionException.class)
                .hasMessageContaining("too few providers: 1 answered the probe, the request needs at least 2");
        assertThatThrownBy(() -> s.choose(List.of(p(1, 100), p(2, 200)), new SelectionLimits(Duration.ofMillis(50), 4, 1)))
                .hasMessageContaining("the fastest 1 provider(s) (largest RTT 100.0 ms) are predicted to take 2020 ms,"
                        + " the budget is 50 ms (raise --budget-ms)");
    }

    /** The oracle: among every subset of the candidates, the largest that fits wins. */
    @Test
    void agreesWithExhaustiveSearchOverSubsets() {
        Random rnd = new Random(11);
        RuntimeModel model = RuntimeModel.loadDefault();
        Selection s = new Selection(model);
        for (int trial = 0; trial < 300; trial++) {
            int n = 1 + rnd.nextInt(9);
            List<Probed> c = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                c.add(p(i, rnd.nextInt(80)));
            }
            int min = 1 + rnd.nextInt(2);
            int max = min + rnd.nextInt(6);
            SelectionLimits limits = new SelectionLimits(Duration.ofMillis(100 + rnd.nextInt(3000)), max, min);
            int best = -1;
            double bestRtt = 0;
            for (int mask = 1; mask < (1 << n); mask++) {
                int size = Integer.bitCount(mask);
                if (size < min || size > max) {
                    continue;
                }
                double rtt = 0;
                for (int i = 0; i < n; i++) {
                    if ((mask >> i & 1) == 1) {
                        rtt = Math.max(rtt, c.get(i).rttMs());
                    }
                }
                if (model.predictMs(size + 1, rtt) <= limits.budget().toMillis()
                        && (size > best || (size == best && rtt < bestRtt))) {
                    best = size;
                    bestRtt = rtt;
                }
            }
            if (best < 0) {
                assertThatThrownBy(() -> s.choose(c, limits)).isInstanceOf(SelectionException.class);
            } else {
                Selection.Plan plan = s.choose(c, limits);
                assertThat(plan.providers()).hasSize(best);
                assertThat(plan.providers().stream().mapToDouble(Probed::rttMs).max().orElseThrow()).isEqualTo(bestRtt);
                assertThat(plan.providers().size() + plan.backups().size()).isEqualTo(n);
            }
        }
    }

    @Test
    void retriesExcludeFailedPartiesUseBackupsAndAreBounded() {
        List<Probed> c = List.of(p(1, 1), p(2, 2), p(3, 3), p(4, 4), p(5, 5));
        SessionAttempts attempts = new SessionAttempts(c, new SelectionLimits(Duration.ofSeconds(10), 3, 1),
                new Selection(SIMPLE), 3);
        assertThat(attempts.first().providers()).containsExactly(p(1, 1), p(2, 2), p(3, 3));
        Selection.Plan second = attempts.afterFailure(Set.of(p(2, 2).fingerprint()));
        assertThat(second.providers()).as("the backup p4 replaces the failed p2").containsExactly(p(1, 1), p(3, 3), p(4, 4));
        Selection.Plan third = attempts.afterFailure(Set.of(p(1, 1).fingerprint()));
        assertThat(third.providers()).containsExactly(p(3, 3), p(4, 4), p(5, 5));
        assertThat(attempts.excluded()).hasSize(2);
        assertThatThrownBy(() -> attempts.afterFailure(Set.of())).hasMessageContaining("gave up after 3 attempt(s)");

        SessionAttempts few = new SessionAttempts(c.subList(0, 2), new SelectionLimits(Duration.ofSeconds(10), 3, 2),
                new Selection(SIMPLE), 3);
        few.first();
        assertThatThrownBy(() -> few.afterFailure(Set.of(p(1, 1).fingerprint())))
                .hasMessageContaining("too few providers").hasMessageContaining("after excluding 1 provider(s) that failed");
    }

    @Test
    void aClaimExcludesNobodyAloneButARepeatedSuspectIsExcludedAndTheLastAttemptDropsSuspects() {
        List<Probed> c = List.of(p(1, 1), p(2, 2), p(3, 3), p(4, 4), p(5, 5));
        SelectionLimits three = new SelectionLimits(Duration.ofSeconds(10), 3, 1);
        SessionAttempts attempts = new SessionAttempts(c, three, new Selection(SIMPLE), 3);
        List<Probed> first = attempts.first().providers();
        // p1's notice blames p2 (or p2's blames p1): one of them cheated, nobody knows which.
        Selection.Plan second = attempts.afterFailure(Set.of(), List.of(Set.of(p(1, 1).fingerprint(), p(2, 2).fingerprint())));
        assertThat(second.providers()).as("a single claim excludes nobody").isEqualTo(first);
        // Next time p1 is in the pair again, with p3: p1 is excluded, p2 and p3 (suspected once) are not.
        Selection.Plan third = attempts.afterFailure(Set.of(), List.of(Set.of(p(1, 1).fingerprint(), p(3, 3).fingerprint())));
        assertThat(third.providers()).containsExactly(p(2, 2), p(3, 3), p(4, 4));
        assertThat(attempts.excluded()).containsExactly(p(1, 1).fingerprint());

        // With two attempts the second is the last: both of the first failure's suspects stay out of it.
        SessionAttempts two = new SessionAttempts(c, three, new Selection(SIMPLE), 2);
        two.first();
        Selection.Plan last = two.afterFailure(Set.of(), List.of(Set.of(p(1, 1).fingerprint(), p(2, 2).fingerprint())));
        assertThat(last.providers()).containsExactly(p(3, 3), p(4, 4), p(5, 5));

        // Certain evidence excludes at once, and then the last attempt keeps the suspects.
        SessionAttempts certain = new SessionAttempts(c, three, new Selection(SIMPLE), 2);
        certain.first();
        Selection.Plan after = certain.afterFailure(Set.of(p(3, 3).fingerprint()),
                List.of(Set.of(p(1, 1).fingerprint(), p(2, 2).fingerprint())));
        assertThat(after.providers()).containsExactly(p(1, 1), p(2, 2), p(4, 4));
    }

    @Test
    void fittingRecoversAKnownModel() {
        RuntimeModel truth = new RuntimeModel(40, 3, 14, 9, 0.5, "truth");
        Random rnd = new Random(5);
        List<RuntimeModelFit.Sample> samples = new ArrayList<>();
        for (int n : new int[] {3, 5, 9, 17}) {
            for (double rtt : new double[] {0, 5, 10, 20}) {
                for (int r = 0; r < 5; r++) {
                    samples.add(new RuntimeModelFit.Sample(n, rtt, truth.predictMs(n, rtt) * (1 + 0.01 * rnd.nextGaussian())));
                }
            }
        }
        RuntimeModel fitted = RuntimeModelFit.fit(samples, RuntimeModel.loadDefault(), "fit");
        for (int n : new int[] {3, 5, 9, 17, 12}) {
            for (double rtt : new double[] {0, 10, 15}) {
                assertThat(fitted.predictMs(n, rtt)).isCloseTo(truth.predictMs(n, rtt), within(0.03 * truth.predictMs(n, rtt)));
            }
        }
    }

    @Test
    void loopbackSamplesLeaveTheRoundTripTermsAsTheyWere() {
        RuntimeModel prior = RuntimeModel.loadDefault();
        List<RuntimeModelFit.Sample> loopback = List.of(new RuntimeModelFit.Sample(3, 0.1, 40),
                new RuntimeModelFit.Sample(5, 0.1, 120), new RuntimeModelFit.Sample(9, 0.2, 480),
                new RuntimeModelFit.Sample(17, 0.2, 2000));
        RuntimeModel fitted = RuntimeModelFit.fit(loopback, prior, "loopback");
        assertThat(fitted.rounds()).isEqualTo(prior.rounds());
        assertThat(fitted.roundsPerParty()).isEqualTo(prior.roundsPerParty());
        assertThat(fitted.predictMs(9, 0.2)).isCloseTo(480, within(40.0));

        RuntimeModel oneCount = RuntimeModelFit.fit(List.of(new RuntimeModelFit.Sample(5, 0, 100)), prior, "one");
        assertThat(oneCount.perParty()).isEqualTo(prior.perParty());
        assertThat(oneCount.predictMs(5, 0)).isCloseTo(100, within(1e-6));
    }

    @Test
    void modelsRoundTripThroughFilesAndCsvErrorsAreNamed(@TempDir Path dir) throws Exception {
        RuntimeModel m = new RuntimeModel(1.5, -2, 3.25, 12, 0.5, "bench 2030-01-01");
        Path f = dir.resolve("model.properties");
        m.store(f);
        assertThat(RuntimeModel.load(f)).isEqualTo(m);
        Files.writeString(f, "base=1\nperParty=x\n");
        assertThatThrownBy(() -> RuntimeModel.load(f)).hasMessageContaining("perParty='x' is not a finite number");

        Path csv = dir.resolve("s.csv");
        Files.writeString(csv, "parties,rtt_ms,ms\n3,0.5,80\n5,0.5\n");
        assertThatThrownBy(() -> RuntimeModelFit.readCsv(csv)).hasMessageContaining("s.csv:3: '5,0.5' is not parties,rtt_ms,ms");
        Files.writeString(csv, "parties,rtt_ms,ms\n3,0.5,80\n5,0.5,260\n");
        assertThat(RuntimeModelFit.readCsv(csv)).containsExactly(new RuntimeModelFit.Sample(3, 0.5, 80),
                new RuntimeModelFit.Sample(5, 0.5, 260));
    }
}
