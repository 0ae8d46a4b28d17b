package io.vigil.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Hand-made files: one reading a second for 200 s, changepoints where a case says. The expected figures were
 * computed by hand from the published formulas (sigma(y) = 2 / (1 + e^(5y)) - 1; sigma(-1) = 0.98661), not by
 * the code under test. Most cases count every alarming reading; the last ones count the alarm's changes.
 */
class NabScoreTest {
  private static final double PERFECT = 0.9866142981514305;
  private static final NabScore.Detections READINGS = NabScore.Detections.ALARMING_READINGS;
  private static final NabScore.Detections CHANGES = NabScore.Detections.ALARM_CHANGES;

  private static long[] seconds(int n) {
    return IntStream.range(0, n).mapToLong(i -> i * 1_000_000L).toArray();
  }

  private static boolean[] changepoints(int n, int... at) {
    boolean[] cp = new boolean[n];
    for (int a : at) {
      cp[a] = true;
    }
    return cp;
  }

  /** Score 1 at the given seconds, 0 elsewhere. */
  private static double[] detections(int n, int... at) {
    double[] s = new double[n];
    for (int a : at) {
      s[a] = 1;
    }
    return s;
  }

  private static double score(NabScore.Profile p, int[] cps, int... detectedAt) {
    NabScore.File f = NabScore.file(seconds(200), changepoints(200, cps), detections(200, detectedAt));
    return NabScore.tally(f, 0.5, p, READINGS).normalised();
  }

  @Test
  void sigmaIsTheScaledSigmoid() {
    assertEquals(PERFECT, NabScore.sigma(-1), 1e-12);
    assertEquals(0, NabScore.sigma(0), 1e-12);
    assertEquals(-0.2449186624037092, NabScore.sigma(0.1), 1e-12);
  }

  @Test
  void thePerfectDetectorScores100AndNoDetectorZero() {
    for (NabScore.Profile p : NabScore.PROFILES) {
      assertEquals(100, score(p, new int[] {100}, 100), 1e-9, p.name());
      assertEquals(0, score(p, new int[] {100}), 1e-9, p.name());
    }
  }

  @Test
  void anEarlyDetectionEarnsMoreThanALateOneAndOnlyTheFirstCounts() {
    assertEquals(93.03686385814117, score(NabScore.STANDARD, new int[] {100}, 130), 1e-9);
    assertEquals(95.36831192834183, score(NabScore.LOW_FN, new int[] {100}, 130), 1e-9);
    assertEquals(52.43305515895801, score(NabScore.STANDARD, new int[] {100}, 159), 1e-9);
    // A later detection in the same window adds nothing; one in the window's last reading still counts.
    assertEquals(93.03686385814117, score(NabScore.STANDARD, new int[] {100}, 130, 131, 150), 1e-9);
  }

  @Test
  void aDetectionBeforeTheChangeIsAFalseAlarmAndTheWindowIsMissed() {
    // t = 99: no window before it, so it costs the full A_FP; the window is missed.
    assertEquals(100 * (-1 - 0.11 + 1) / (PERFECT + 1), score(NabScore.STANDARD, new int[] {100}, 99), 1e-9);
  }

  @Test
  void aFalseAlarmRightAfterAWindowCostsLessThanOneFarAway() {
    assertEquals(100, score(NabScore.STANDARD, new int[] {100}, 100, 160), 1e-9); // y = 0: costs nothing
    assertEquals(98.6438709874646, score(NabScore.STANDARD, new int[] {100}, 100, 166), 1e-9); // y = 0.1
    assertEquals(97.28774197492919, score(NabScore.LOW_FP, new int[] {100}, 100, 166), 1e-9);
    assertEquals(94.87630362476467, score(NabScore.STANDARD, new int[] {100}, 100, 199), 1e-9); // y = 0.65
    assertEquals(94.46294129150503, score(NabScore.STANDARD, new int[] {100}, 10, 100), 1e-9); // no window before
  }

  @Test
  void windowsCloserThanTheirWidthAreCutAtTheNextChangepointNotMerged() {
    List<NabScore.Window> w = NabScore.windows(seconds(200), changepoints(200, 100, 130), Duration.ofSeconds(60));
    assertEquals(List.of(new NabScore.Window(100_000_000L, 130_000_000L), new NabScore.Window(130_000_000L, 190_000_000L)), w);
    // A detection at 135 finds the second window (5 s in) and misses the first: two windows, two chances.
    assertEquals(49.82762068843069, score(NabScore.STANDARD, new int[] {100, 130}, 135), 1e-9);
    assertEquals(100, score(NabScore.STANDARD, new int[] {100, 130}, 100, 130), 1e-9);
  }

  @Test
  void tallyPoolsFilesBeforeNormalising() {
    NabScore.File found = NabScore.file(seconds(200), changepoints(200, 100), detections(200, 100));
    NabScore.File missed = NabScore.file(seconds(200), changepoints(200, 100), detections(200));
    NabScore.Tally t = NabScore.tally(List.of(found, missed), 0.5, NabScore.STANDARD, READINGS);
    assertEquals(2, t.windows());
    assertEquals(1, t.found());
    assertEquals(100 * (PERFECT - 1 + 2) / (2 * PERFECT + 2), t.normalised(), 1e-9);
  }

  @Test
  void bestPicksTheThresholdThatMaximisesThePooledScore() {
    double[] s = new double[200];
    s[100] = 0.9; // the changepoint
    for (int i = 0; i < 20; i++) {
      s[i] = 0.6; // false alarms before any window
    }
    NabScore.File f = NabScore.file(seconds(200), changepoints(200, 100), s);
    NabScore.Best b = NabScore.best(List.of(f), NabScore.STANDARD);
    assertEquals(0.9, b.threshold());
    assertEquals(100, b.tally().normalised(), 1e-9);
  }

  @Test
  void bestIsNeverAlarmingWhenEveryThresholdLoses() {
    double[] s = new double[200];
    for (int i = 0; i < 100; i++) {
      s[i] = 0.7; // every alarm before the change
    }
    NabScore.File f = NabScore.file(seconds(200), changepoints(200, 100), s);
    NabScore.Best b = NabScore.best(List.of(f), NabScore.STANDARD);
    assertEquals(Double.POSITIVE_INFINITY, b.threshold());
    assertEquals(0, b.tally().normalised(), 1e-9);
  }

  @Test
  void theSweepAgreesWithScoringEveryThresholdDirectly() {
    Random rnd = new Random(17);
    List<NabScore.File> files = IntStream.range(0, 4).mapToObj(k -> {
      double[] s = IntStream.range(0, 300).mapToDouble(i -> Math.round(rnd.nextDouble() * 50) / 50.0).toArray();
      return NabScore.file(seconds(300), changepoints(300, 50 + k, 120, 140 + 10 * k, 250), s);
    }).toList();
    for (NabScore.Profile p : NabScore.PROFILES) {
      NabScore.Best b = NabScore.best(files, p);
      assertEquals(NabScore.tally(files, b.threshold(), p, READINGS).normalised(), b.tally().normalised(), 1e-9, p.name());
      for (int k = 0; k <= 50; k++) {
        double direct = NabScore.tally(files, k / 50.0, p, READINGS).normalised();
        assertTrue(direct <= b.tally().normalised() + 1e-9, p.name() + " threshold " + k / 50.0 + ": " + direct + " > " + b);
      }
    }
  }

  /** Score 1 on the readings in [from, to), 0 elsewhere. */
  private static double[] alarmed(int n, int from, int to) {
    double[] s = new double[n];
    java.util.Arrays.fill(s, from, to, 1);
    return s;
  }

  @Test
  void countingTheAlarmsChangesFindsAFaultsStartAndEndAndMakesNoFalseAlarmInsideIt() {
    // A fault from 100 to 180 (SKAB labels both changepoints), alarmed throughout.
    NabScore.File f = NabScore.file(seconds(250), changepoints(250, 100, 180), alarmed(250, 100, 180));
    assertEquals(100, NabScore.tally(f, 0.5, NabScore.STANDARD, CHANGES).normalised(), 1e-9);
    NabScore.Tally readings = NabScore.tally(f, 0.5, NabScore.STANDARD, READINGS);
    assertEquals(1, readings.found()); // the end is never a new alarming reading
    assertEquals(20, readings.falsePositives()); // 160..179: inside the fault, after its first window
  }

  @Test
  void anAlarmThatTurnsOffEarlyIsAFalseAlarmWhereItTurnsOff() {
    // On at 100 (found), off at 170, outside both windows: a false alarm 10 s after the first window; the end is missed.
    NabScore.File f = NabScore.file(seconds(250), changepoints(250, 100, 180), alarmed(250, 100, 170));
    NabScore.Tally t = NabScore.tally(f, 0.5, NabScore.STANDARD, CHANGES);
    assertEquals(1, t.found());
    assertEquals(1, t.falsePositives());
    double raw = PERFECT + 0.11 * NabScore.sigma(10 / 60.0) - 1;
    assertEquals(100 * (raw + 2) / (2 * PERFECT + 2), t.normalised(), 1e-9);
  }

  @Test
  void anAlarmAtTheFirstReadingIsAChange() {
    // SKAB's baselines count the first reading's prediction itself: alarmed 0..9, then quiet, is two false alarms.
    NabScore.File f = NabScore.file(seconds(200), changepoints(200, 100), alarmed(200, 0, 10));
    NabScore.Tally t = NabScore.tally(f, 0.5, NabScore.STANDARD, CHANGES);
    assertEquals(2, t.falsePositives());
    assertEquals(100 * (-1 - 2 * 0.11 + 1) / (PERFECT + 1), t.normalised(), 1e-9);
  }

  @Test
  void theAlarmChangesSweepAgreesWithScoringEachThresholdDirectly() {
    Random rnd = new Random(23);
    List<NabScore.File> files = IntStream.range(0, 4).mapToObj(k -> {
      double[] s = IntStream.range(0, 300).mapToDouble(i -> Math.round(rnd.nextDouble() * 40) / 40.0).toArray();
      return NabScore.file(seconds(300), changepoints(300, 50 + k, 120, 140 + 10 * k, 250), s);
    }).toList();
    for (NabScore.Profile p : NabScore.PROFILES) {
      NabScore.Best b = NabScore.best(files, p, CHANGES);
      assertEquals(NabScore.tally(files, b.threshold(), p, CHANGES).normalised(), b.tally().normalised(), 1e-9, p.name());
      for (int k = 1; k <= 200; k++) {
        double direct = NabScore.tally(files, k * NabScore.THRESHOLD_STEP, p, CHANGES).normalised();
        assertTrue(direct <= b.tally().normalised() + 1e-9, p.name() + " threshold " + k * NabScore.THRESHOLD_STEP);
      }
    }
  }
}
