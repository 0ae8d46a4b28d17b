package io.vigil.batch.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/** Hand-made series through {@link TailScore}: one reading a second, no bucket forecasts (raw values are the level). */
class TailScoreTest {
  private static final ScorePlan PLAN = SeriesScorerTest.plan(1_800_000_000_000_000L);
  private static final int REFERENCE = 1000;

  private static double[] scores(int n, IntToDoubleFunction value) {
    return scores(n, 30, value);
  }

  private static double[] scores(int n, int learning, IntToDoubleFunction value) {
    long[] t = new long[n];
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      t[i] = i * 1_000_000L;
      v[i] = value.applyAsDouble(i);
    }
    double[] none = new double[n];
    Arrays.fill(none, Double.NaN);
    return TailScore.of(t, v, none, new boolean[n], 0, PLAN, REFERENCE, learning, 0).score();
  }

  private static double share(double[] s, int from, int to) {
    return (double) Arrays.stream(s, from, to).filter(x -> x >= PLAN.threshold()).count() / (to - from);
  }

  @Test
  void aSpikeOnGaussianNoiseScoresOverTheThresholdAndTheReadingsAfterItDoNot() {
    Random r = new Random(1);
    double[] noise = new double[3000];
    for (int i = 0; i < noise.length; i++) {
      noise[i] = r.nextGaussian();
    }
    double[] s = scores(3000, i -> i == 2500 ? 8 : noise[i]);

    assertThat(s[2500]).isGreaterThanOrEqualTo(PLAN.threshold());
    assertThat(share(s, 2501, 2520)).isZero();
    assertThat(share(s, 100, 2500)).isLessThanOrEqualTo(0.01);
  }

  @Test
  void aQuantisedSensorsEverydayStepsAreNotAnomalousButASustainedStepBeyondThemIs() {
    Random r = new Random(2);
    // 32 most of the time, one step either way now and then, as SKAB's flow meter reads.
    double[] flow = new double[3000];
    for (int i = 0; i < flow.length; i++) {
      double u = r.nextDouble();
      flow[i] = i >= 2500 ? 29 : u < 0.1 ? 31 : u > 0.9 ? 33 : 32;
    }
    double[] s = scores(3000, i -> flow[i]);

    assertThat(share(s, 200, 2500)).isLessThanOrEqualTo(0.01);
    assertThat(share(s, 2500, 2600)).isGreaterThan(0.9);
  }

  @Test
  void aLevelShiftScoresItsOnsetInFullThenStaysAnomalousUnderTheCapUntilItBecomesTheNormal() {
    Random r = new Random(3);
    double[] noise = new double[6000];
    for (int i = 0; i < noise.length; i++) {
      noise[i] = r.nextGaussian();
    }
    double[] s = scores(6000, i -> noise[i] + (i >= 2000 ? 10 : 0));
    double cap = PLAN.threshold() + (1 - PLAN.threshold()) * TailScore.RUN_CAP;

    assertThat(Arrays.stream(s, 2000, 2000 + TailScore.ONSET_READINGS).max().orElseThrow()).isGreaterThan(cap);
    assertThat(Arrays.stream(s, 2000 + TailScore.ONSET_READINGS, 2100).max().orElseThrow()).isLessThanOrEqualTo(cap);
    assertThat(share(s, 2000, 2100)).isGreaterThan(0.9);
    // A fifth of the reference later the new level enters it, and once it rules the references it is normal.
    assertThat(share(s, 5000, 6000)).isLessThanOrEqualTo(0.01);
  }

  @Test
  void aHeavyTailedSeriesAlarmsRarelyWhereAGaussianScoreWouldAlarmOften() {
    Random r = new Random(4);
    // Student-t with 2 degrees of freedom: a Gaussian tail on its MAD puts several per cent over |z| 4.4.
    double[] t2 = new double[5000];
    for (int i = 0; i < t2.length; i++) {
      double chi2 = Math.pow(r.nextGaussian(), 2) + Math.pow(r.nextGaussian(), 2);
      t2[i] = r.nextGaussian() / Math.sqrt(chi2 / 2);
    }
    double[] s = scores(5000, i -> t2[i]);
    RobustScale mad = RobustScale.of(t2, 0, 1e-3, 1e-9);
    long gaussianOver = Arrays.stream(t2).filter(x -> ScoreCalibration.score(mad.z(x), PLAN.maxLog10p()) >= PLAN.threshold())
        .count();

    assertThat(gaussianOver).isGreaterThan(50);
    assertThat(share(s, 1000, 5000)).isLessThanOrEqualTo(0.01);
  }

  @Test
  void scoresAreInTheUnitIntervalOrNaNWhileTheReferenceFills() {
    double[] s = scores(200, i -> Math.sin(i / 7.0));
    assertThat(s[0]).isNaN();
    assertThat(Arrays.stream(s).filter(Double::isFinite)).allSatisfy(x -> assertThat(x).isBetween(0.0, 1.0));
    assertThat(Arrays.stream(s).filter(Double::isFinite).count()).isGreaterThan(150);
  }

  @Test
  void aSeriesSettlingInItsFirstMinutesIsLearntWhenTheReferenceWaitsForItsTail() {
    Random r = new Random(5);
    // A rig settling in its first minutes, as SKAB's files begin: steady for 200 readings, then cooling by 40 noise
    // sigmas over 75 readings to the level it keeps.
    double[] v = new double[2000];
    for (int i = 0; i < v.length; i++) {
      v[i] = 0.07 * r.nextGaussian() - 3 * Math.min(1, Math.max(0, (i - 200) / 75.0));
    }

    assertThat(share(scores(2000, 30, i -> v[i]), 200, 400)).isGreaterThan(0.2);
    double[] learnt = scores(2000, 300, i -> v[i]);
    assertThat(Arrays.stream(learnt, 0, 300).allMatch(Double::isNaN)).isTrue();
    assertThat(share(learnt, 300, 2000)).isLessThanOrEqualTo(0.01);
  }
}
