package io.vigil.batch.internal;

import static io.vigil.batch.internal.ReadingRuns.anyGap;
import static io.vigil.batch.internal.ReadingRuns.firstIndexAfter;
import static io.vigil.batch.internal.ReadingRuns.runEnd;
import static io.vigil.batch.internal.ReadingRuns.runStarts;
import static io.vigil.batch.internal.ScoreEvents.instant;
import static io.vigil.batch.internal.ScoreEvents.num;
import static io.vigil.batch.internal.ScoreEvents.round;

import io.vigil.schemas.AnomalyEvent;
import io.vigil.schemas.AnomalyKind;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Step (4a) of {@link SeriesScorer}: level shifts, on raw values, over two adjacent windows of fixed duration ending
 * at each reading (see the class javadoc there for why raw values and durations). A detector of its own because
 * its state per reading (the windows tested, the size of the step, the run's peak and onset) is read again when its
 * events are written, and the other detectors only need to know which readings are the shift's ({@link #shifted()}).
 */
final class LevelShiftDetector {
  /** How often per window length the level-shift test runs on a series with many readings per window. */
  static final int SHIFT_TESTS_PER_WINDOW = 20;
  /** Seasons looked back over for the cycle's usual movement between the shift detector's windows. */
  static final int CYCLE_SEASONS = 7;

  private final long[] t;
  private final double[] v;
  private final boolean[] gapBefore;
  private final long windowMicros;
  private final boolean[] shift;
  private final double[] shiftSize;
  private final int[] beforeFrom;
  private final int[] afterFrom;
  private final int[] testedAt;
  private final boolean[] tested;
  private final double[] cycleAt;
  private final double shiftScale;
  private final boolean[] shifted;
  private final int[] shiftPeak;
  private final int[] shiftOnset;
  private final boolean[] sameShift;

  /**
   * Tests every reading's windows, scales the steps, and keeps the runs of flags whose readings sit off their
   * forecasts, each from its onset.
   *
   * @param r the readings' residuals
   * @param scale the history residuals' robust scale
   * @param firstWindow the first reading of the scoring window (the readings before it are history)
   */
  LevelShiftDetector(SeriesHistory grid, ScorePlan plan, long[] t, double[] v, double[] r, RobustScale scale,
      boolean[] gapBefore, int firstWindow) {
    this.t = t;
    this.v = v;
    this.gapBefore = gapBefore;
    int n = t.length;
    shift = new boolean[n];
    shiftSize = new double[n];
    beforeFrom = new int[n];
    afterFrom = new int[n];
    testedAt = new int[n];
    tested = new boolean[n];
    cycleAt = new double[n];
    windowMicros = windowMicros(t, plan);
    testWindows(grid, plan);
    shiftScale = shiftScale(plan, scale, firstWindow);
    for (int j = 0; j < n; j++) {
      shiftSize[j] /= shiftScale;
      shift[j] = Math.abs(shiftSize[j]) >= plan.shiftSigmas();
    }
    shifted = shift.clone();
    shiftPeak = new int[n];
    shiftOnset = new int[n];
    sameShift = new boolean[n];
    placeRuns(r, scale.center());
  }

  /**
   * The windows' duration. A series reporting too slowly for the configured window to hold shiftMinReadings gets
   * windows that do: its own interval sets them.
   */
  private static long windowMicros(long[] t, ScorePlan plan) {
    double interval = ReadingRuns.typicalInterval(t);
    return interval > 0 ? Math.max(plan.shiftWindowMicros(), (long) Math.ceil(plan.shiftMinReadings() * interval))
        : plan.shiftWindowMicros();
  }

  /** The windows' duration (the spike test's neighbourhoods are about one window wide). */
  long windowMicros() {
    return windowMicros;
  }

  /** Which readings belong to a level shift: its flagged runs, each from its onset. */
  boolean[] shifted() {
    return shifted;
  }

  /**
   * The step between the two windows ending at each reading, in raw units, less the cycle's usual movement between
   * them: the season moves the level between two windows, the more so the longer they are; that movement, as the
   * previous seasons show it, is taken out of the comparison.
   */
  private void testWindows(SeriesHistory grid, ScorePlan plan) {
    long wMicros = windowMicros;
    for (int j = 0; j < t.length; j++) {
      int a = firstIndexAfter(t, t[j] - wMicros, j);
      int from = firstIndexAfter(t, t[j] - 2 * wMicros, a);
      beforeFrom[j] = from;
      afterFrom[j] = a;
      testedAt[j] = j;
      if (j - a + 1 < plan.shiftMinReadings() || a - from < plan.shiftMinReadings() || anyGap(gapBefore, from + 1, j)) {
        continue;
      }
      // A fast-reporting series holds thousands of readings per window: test about SHIFT_TESTS_PER_WINDOW times per
      // window and carry the result between, so the cost stays linear in the readings (the onset is then
      // placed at the reading by onset()).
      int stride = Math.max(1, (j - from + 1) / SHIFT_TESTS_PER_WINDOW);
      if (stride > 1 && j % stride != 0 && j > 0 && testedAt[j - 1] >= from && !gapBefore[j]) {
        carryTest(j);
        continue;
      }
      double cycle = cycleMovement(grid, plan, t[j] - 3 * wMicros / 2, t[j] - wMicros / 2);
      cycleAt[j] = cycle;
      shiftSize[j] = RobustScale.median(v, a, j) - RobustScale.median(v, from, a - 1) - cycle;
      tested[j] = true;
    }
  }

  /** Reading {@code j} takes the test of the reading before it. */
  private void carryTest(int j) {
    testedAt[j] = testedAt[j - 1];
    beforeFrom[j] = beforeFrom[j - 1];
    afterFrom[j] = afterFrom[j - 1];
    shiftSize[j] = shiftSize[j - 1];
    cycleAt[j] = cycleAt[j - 1];
    tested[j] = tested[j - 1];
  }

  /**
   * The statistic's sigma: the readings' robust sigma, or how much the windows' medians already moved against
   * each other through the history where that is more. On a noisy series the latter is the smaller (a median
   * difference varies less than a reading), so the readings' sigma rules. On a series the forecast predicts
   * exactly (noise-free, flat or quantised: residual MAD 0, scale at its floor) the season still moves the
   * medians by far more than that floor wherever the cycle correction misses it (too few seasons on the grid,
   * a staircase that interpolation between bucket centres smooths); judged against the floor, that everyday
   * movement would be one endless level shift that hides every spike in it and starts no event.
   */
  private double shiftScale(ScorePlan plan, RobustScale scale, int firstWindow) {
    double[] historyMoves = new double[firstWindow];
    int moves = 0;
    for (int j = 0; j < firstWindow; j++) {
      if (tested[j] && testedAt[j] == j) {
        historyMoves[moves++] = shiftSize[j];
      }
    }
    RobustScale moveScale = RobustScale.of(Arrays.copyOf(historyMoves, moves), 0, 0, plan.absoluteFloor());
    return RobustScale.FLOOR.equals(moveScale.method()) ? scale.scale() : Math.max(scale.scale(), moveScale.scale());
  }

  /**
   * Each run of shift flags gets its peak (where the windows differ most) and the onset placed inside the
   * peak's windows. The readings from the onset on are the shift's, including those before the detector could
   * tell (half a window): an anomalous run they start is the shift, not a deviation or spikes of its own.
   * A run whose readings sit on their forecasts is no shift: the forecast already expects the new level (a
   * daily step the model has learnt and the cycle correction, interpolating between bucket centres, misses).
   * Reported, it would say nothing the forecast does not, and its flags would hide spikes and drift there.
   */
  private void placeRuns(double[] r, double center) {
    int previousEnd = -1;
    for (int q = 0; q < t.length; q++) {
      if (!runStarts(shift, gapBefore, q)) {
        continue;
      }
      int end = runEnd(shift, gapBefore, q);
      int peak = q;
      for (int p = q; p < end; p++) {
        peak = Math.abs(shiftSize[p]) > Math.abs(shiftSize[peak]) ? p : peak;
      }
      int last = testedAt[peak];
      int onset = Math.min(q, onset(v, beforeFrom[peak], last, RobustScale.median(v, beforeFrom[peak], afterFrom[peak] - 1),
          RobustScale.median(v, afterFrom[peak], last)));
      if (!offForecast(r, center, onset, last, shiftSize[peak] * shiftScale)) {
        for (int p = q; p < end; p++) {
          shift[p] = false;
          shifted[p] = false;
        }
        q = end - 1;
        continue;
      }
      shiftPeak[q] = peak;
      shiftOnset[q] = onset;
      // A run whose onset lies inside the previous run is the same shift, its flags interrupted for a few readings.
      sameShift[q] = previousEnd >= 0 && shiftOnset[q] < previousEnd && !anyGap(gapBefore, previousEnd, q);
      for (int p = shiftOnset[q]; p < q; p++) {
        shifted[p] = true;
      }
      previousEnd = end;
      q = end - 1;
    }
  }

  /**
   * Labels the shift runs' readings, from their onsets, LEVEL_SHIFT (where no spike is) and adds one event per
   * shift that starts in the window.
   */
  void report(String[] kind, boolean[] spike, int firstWindow, Residuals res, RobustScale scale, ScoreEvents events,
      List<AnomalyEvent> out) {
    for (int q = 0; q < t.length; q++) {
      if (!runStarts(shift, gapBefore, q)) {
        continue;
      }
      int end = runEnd(shift, gapBefore, q);
      for (int p = shiftOnset[q]; p < end; p++) {
        kind[p] = kind[p] == null || !spike[p] ? AnomalyKind.LEVEL_SHIFT.name() : kind[p];
      }
      if (q >= firstWindow && !sameShift[q]) {
        // The event starts at the onset, which may lie in an earlier scoring window; only the window holding
        // the run's first flagged reading reports it, so reruns and consecutive windows agree.
        out.add(event(q, res.version()[res.bucketOf()[q]], scale, events));
      }
      q = end - 1;
    }
  }

  /** The event of the shift run flagged from reading {@code q}. */
  private AnomalyEvent event(int q, String modelVersion, RobustScale scale, ScoreEvents events) {
    int peak = shiftPeak[q];
    int last = testedAt[peak];
    int wb = afterFrom[peak] - beforeFrom[peak];
    int wa = last - afterFrom[peak] + 1;
    // The statistic is a difference of two medians: its standard error is 1.2533 * sqrt(1/wa + 1/wb) sigmas.
    double zStat = shiftSize[peak] / (1.2533 * Math.sqrt(1.0 / wa + 1.0 / wb));
    // Expected: where the earlier window's level would have moved with the cycle alone.
    double before = RobustScale.median(v, beforeFrom[peak], afterFrom[peak] - 1) + cycleAt[peak];
    double after = RobustScale.median(v, afterFrom[peak], last);
    return events.event(AnomalyKind.LEVEL_SHIFT, t[shiftOnset[q]], after, before, events.plan().score(zStat), modelVersion,
            String.format(Locale.ROOT, "Level shift on %s/%s: from about %s to about %s (%.1f robust sigmas)",
                events.device(), events.metric(), num(before), num(after), shiftSize[peak]))
        .attribute("shift_sigmas", round(shiftSize[peak])).attribute("window_readings_before", wb)
        .attribute("window_readings_after", wa).attribute("flagged_from", instant(t[q]))
        .attribute("scale", round(scale.scale())).attribute("shift_scale", round(shiftScale)).build();
  }

  /**
   * Whether the readings {@code [from, to]} sit off their forecasts by at least half of {@code change}, in its
   * direction (their median residual less the history's centre); true when none of them has a forecast, as
   * nothing then says the forecast expected the change.
   */
  static boolean offForecast(double[] r, double center, int from, int to, double change) {
    double[] xs = Arrays.stream(r, from, to + 1).filter(Double::isFinite).toArray();
    if (xs.length == 0) {
      return true;
    }
    double off = RobustScale.median(xs) - center;
    return Math.signum(off) == Math.signum(change) && Math.abs(off) >= 0.5 * Math.abs(change);
  }

  /**
   * The reading in {@code (from, to]} where a step from level {@code before} to {@code after} fits
   * {@code v[from..to]} best: least absolute deviation from {@code before} up to it and from
   * {@code after} from it on. Medians place the step only within half a window; this places it at
   * the reading.
   */
  static int onset(double[] v, int from, int to, double before, double after) {
    // cost(c) = sum_{i<c} |v_i - before| + sum_{i>=c} |v_i - after|; moving c up by one swaps one term.
    double cost = 0;
    for (int i = from + 1; i <= to; i++) {
      cost += Math.abs(v[i] - after);
    }
    cost += Math.abs(v[from] - before);
    double best = cost;
    int at = from + 1;
    for (int c = from + 2; c <= to; c++) {
      cost += Math.abs(v[c - 1] - before) - Math.abs(v[c - 1] - after);
      if (cost < best) {
        best = cost;
        at = c;
      }
    }
    return at;
  }

  /**
   * How much the series usually moves from {@code fromMicros} to {@code toMicros} (the centres of the
   * shift detector's windows) through its seasonal cycle: the median, over up to {@link #CYCLE_SEASONS}
   * previous seasons, of the change of the bucket grid (linearly interpolated between bucket centres)
   * between the same two times of that season. A median of per-season changes, so a step that
   * happened between those times in one earlier season is not replayed as a shift today; 0 with fewer
   * than three seasons to go by.
   */
  static double cycleMovement(SeriesHistory grid, ScorePlan plan, long fromMicros, long toMicros) {
    long season = plan.season() * plan.bucketMicros();
    double[] changes = new double[CYCLE_SEASONS];
    int n = 0;
    for (int k = 1; k <= CYCLE_SEASONS; k++) {
      double a = gridAt(grid, fromMicros - k * season);
      double b = gridAt(grid, toMicros - k * season);
      if (!Double.isNaN(a) && !Double.isNaN(b)) {
        changes[n++] = b - a;
      }
    }
    return n < 3 ? 0 : RobustScale.median(Arrays.copyOf(changes, n));
  }

  /** The grid's value at a time, interpolated between the centres of the two buckets around it; NaN if either is missing. */
  static double gridAt(SeriesHistory grid, long micros) {
    double x = (double) micros / grid.bucketMicros() - 0.5 - grid.startIdx();
    int i = (int) Math.floor(x);
    if (!grid.present(i) || !grid.present(i + 1)) {
      return Double.NaN;
    }
    double f = x - i;
    return grid.y()[i] * (1 - f) + grid.y()[i + 1] * f;
  }
}
