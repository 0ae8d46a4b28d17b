package io.vigil.batch.internal;

import static io.vigil.batch.internal.ReadingRuns.anyFlag;
import static io.vigil.batch.internal.ReadingRuns.anyGap;
import static io.vigil.batch.internal.ReadingRuns.continues;
import static io.vigil.batch.internal.ReadingRuns.firstIndexAfter;
import static io.vigil.batch.internal.ReadingRuns.firstIndexAtOrAfter;
import static io.vigil.batch.internal.ReadingRuns.gaps;
import static io.vigil.batch.internal.ReadingRuns.neighbourMedian;
import static io.vigil.batch.internal.ReadingRuns.neighbours;
import static io.vigil.batch.internal.ReadingRuns.runEnd;
import static io.vigil.batch.internal.ReadingRuns.runStarts;
import static io.vigil.batch.internal.ReadingRuns.typicalInterval;

import io.vigil.schemas.AnomalyEvent;
import io.vigil.schemas.AnomalyKind;
import io.vigil.schemas.AnomalySource;
import io.vigil.schemas.Severity;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Scores one series' readings in a window against one-step-ahead forecasts, and finds spikes, level
 * shifts and drift. Plain Java on arrays (no Spark), so it is tested on hand-made series.
 *
 * <p>Steps: (1) every bucket from the history start to as_of gets a one-step-ahead forecast from the
 * {@code contextBuckets} buckets before it only (the registered model where it serves that origin,
 * otherwise seasonal naive), so a bucket's forecast does not depend on when the run happens;
 * (2) each reading's residual is its value minus its bucket's forecast; (3) the residuals of the
 * history readings (before the window) give a median and robust scale ({@link RobustScale}), and
 * every reading gets {@code z = (residual - median) / scale} and a score ({@link ScoreCalibration});
 * (4) detectors:
 * <ul>
 *   <li>spike: a reading over the threshold that also stands out from the median z of its
 *       neighbours either side (one shift window's worth of readings) by the threshold's |z|, in a run of at most
 *       {@code spikeMaxRun} anomalous readings or, inside a longer run, in a drifting bucket away from
 *       any level-shift flag; so a spike inside a drift is still a spike;
 *   <li>level shift: the median of the raw values in the last {@code shiftWindow} (a duration)
 *       differs from the median of those in the window before it by at least {@code shiftSigmas}
 *       robust sigmas (of the readings, or of how much those medians moved through the history where
 *       that is more, as on a noise-free series), each window holding at least {@code shiftMinReadings} (a series reporting too
 *       slowly for that gets windows of {@code shiftMinReadings} of its typical intervals). Durations
 *       rather than reading counts, so the test means the same for a series reporting every few
 *       seconds or every few minutes. Raw values, not residuals: the forecast catches up with a shift at the next
 *       bucket, and a residual-based test would report that catch-up as a second, opposite shift. The
 *       windows are short so the season does not move the level much inside them. The event starts
 *       at the estimated onset: the first reading of the later window where the two differ most. The readings
 *       from the onset must also sit off their forecasts by half the shift: one the forecast expects is none;
 *   <li>drift: against a forecaster that follows the level, a slow trend shows as a persistent
 *       bias of the residuals rather than a slope, so per bucket the median residual is scaled by
 *       the history's bucket-level spread, and a bucket is drifting when the median of the last
 *       {@code driftBuckets} of them is significant ({@code z = median * sqrt(n) / 1.2533 >= driftZ})
 *       and {@code driftAgreement} of them share its sign, the bias is at least {@code driftSigmas}
 *       robust sigmas of the readings, with no level shift among them (a
 *       shift explains a bias until the forecast catches up). Drifting buckets make drift episodes with
 *       hysteresis ({@link #driftEpisodes}): a drift that dips under the threshold, or that was already
 *       going before the window, is still the same drift. The scales come from the history less its first
 *       {@link #driftChainRuns} intervals, so a run can replay how the runs before it judged drift and not
 *       report again a drift they already did.
 * </ul>
 * Readings over the threshold that are neither spikes nor part of a shift or drift become
 * FORECAST_DEVIATION events. No detector window spans a gap (a silence longer than
 * {@code gapFactor} median reading intervals) and nothing is interpolated across one.
 *
 * <p>Events: one per spike reading, one per run of level-shift or deviation readings, starting at the
 * run's first reading, and one per drift episode, starting at its first drifting bucket. An event belongs to the window holding its start: a run
 * that began in an earlier window is that window's event, so consecutive hourly runs do not report
 * one shift twice. Everything reads only data before as_of, so rerunning a window gives the same
 * scores and events (and event ids).
 */
public final class SeriesScorer {
  public static final String SCORED = "SCORED";
  public static final String NO_FORECAST = "NO_FORECAST";
  public static final String INSUFFICIENT_HISTORY = "INSUFFICIENT_HISTORY";
  public static final String SEASONAL_NAIVE = BaselineForecaster.SEASONAL_NAIVE;
  /** How often per window length the level-shift test runs on a series with many readings per window. */
  static final int SHIFT_TESTS_PER_WINDOW = 20;

  /**
   * One series' inputs: its buckets on the plan's grid ({@code grid.startIdx() == contextStartIdx})
   * and its raw readings in {@code [historyStart, asOf)}, sorted by time.
   */
  public record Input(SeriesHistory grid, long[] timesMicros, double[] values) implements Serializable {}

  /** One scored reading of the window. z, score and residual are NaN when not computable. */
  public record ScoredReading(long timeMicros, double value, double forecast, String forecastModel,
      String modelVersion, double residual, double z, double score, boolean anomalous, boolean spike,
      boolean levelShift, boolean drift, String kind, String status, double center, double scale)
      implements Serializable {}

  /** The window's scored readings and the events that start in it. */
  public record Result(String deviceId, String metric, List<ScoredReading> readings, List<AnomalyEvent> events)
      implements Serializable {}

  private SeriesScorer() {}

  public static Result score(Input in, ScorePlan plan, SeriesForecasts.Model model) {
    String device = in.grid().deviceId();
    String metric = in.grid().metric();
    long[] t = in.timesMicros();
    double[] v = in.values();
    int n = t.length;
    long b = plan.bucketMicros();
    long firstTarget = plan.firstTargetIdx();
    int targets = (int) (plan.lastTargetIdx() - firstTarget + 1);

    // (1) one-step-ahead forecasts per target bucket.
    double[] forecast = new double[targets];
    String[] method = new String[targets];
    String[] version = new String[targets];
    for (int k = 0; k < targets; k++) {
      forecastBucket(in.grid(), plan, model, k, forecast, method, version);
    }

    // (2) residuals.
    double[] r = new double[n];
    int[] bucketOf = new int[n];
    for (int j = 0; j < n; j++) {
      bucketOf[j] = (int) (Math.floorDiv(t[j], b) - firstTarget);
      boolean inRange = bucketOf[j] >= 0 && bucketOf[j] < targets;
      r[j] = inRange && Double.isFinite(v[j]) ? v[j] - forecast[bucketOf[j]] : Double.NaN;
    }

    int firstWindow = firstIndexAtOrAfter(t, plan.windowStartMicros());
    if (firstWindow >= n) {
      return new Result(device, metric, List.of(), List.of());
    }

    // (3) robust centre and scale from the history residuals only.
    double[] hist = Arrays.copyOf(r, firstWindow);
    long finiteHistory = Arrays.stream(hist).filter(Double::isFinite).count();
    double magnitude = RobustScale.median(Arrays.copyOf(v, firstWindow));
    RobustScale scale = RobustScale.of(hist, Double.isNaN(magnitude) ? 0 : magnitude, plan.relativeFloor(), plan.absoluteFloor());
    if (finiteHistory < plan.minHistoryPoints()) {
      List<ScoredReading> out = new ArrayList<>();
      for (int j = firstWindow; j < n; j++) {
        int k = bucketOf[j];
        out.add(new ScoredReading(t[j], v[j], at(forecast, k), at(method, k), at(version, k), r[j], Double.NaN, Double.NaN,
            false, false, false, false, null, INSUFFICIENT_HISTORY, Double.NaN, Double.NaN));
      }
      return new Result(device, metric, out, List.of());
    }
    double[] z = new double[n];
    double[] s = new double[n];
    boolean[] over = new boolean[n];
    for (int j = 0; j < n; j++) {
      z[j] = Double.isFinite(r[j]) ? scale.z(r[j]) : Double.NaN;
      s[j] = ScoreCalibration.score(z[j], plan.maxLog10p());
      over[j] = !Double.isNaN(s[j]) && s[j] >= plan.threshold();
    }

    // Gaps: no run and no detector window continues across one.
    boolean[] gapBefore = gaps(t, plan.gapFactor());

    // (4a) level shift on raw values, over two adjacent windows of fixed duration ending at each reading.
    boolean[] shift = new boolean[n];
    double[] shiftSize = new double[n];
    int[] beforeFrom = new int[n];
    int[] afterFrom = new int[n];
    int[] testedAt = new int[n];
    boolean[] tested = new boolean[n];
    double[] cycleAt = new double[n];
    // A series reporting too slowly for the configured window to hold shiftMinReadings gets windows that do:
    // its own interval sets them. The season moves the level between two windows, the more so the longer
    // they are; that movement, as the previous seasons show it, is taken out of the comparison.
    double interval = typicalInterval(t);
    long wMicros = interval > 0 ? Math.max(plan.shiftWindowMicros(), (long) Math.ceil(plan.shiftMinReadings() * interval))
        : plan.shiftWindowMicros();
    for (int j = 0; j < n; j++) {
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
        testedAt[j] = testedAt[j - 1];
        beforeFrom[j] = beforeFrom[j - 1];
        afterFrom[j] = afterFrom[j - 1];
        shiftSize[j] = shiftSize[j - 1];
        cycleAt[j] = cycleAt[j - 1];
        tested[j] = tested[j - 1];
        continue;
      }
      double cycle = cycleMovement(in.grid(), plan, t[j] - 3 * wMicros / 2, t[j] - wMicros / 2);
      cycleAt[j] = cycle;
      shiftSize[j] = RobustScale.median(v, a, j) - RobustScale.median(v, from, a - 1) - cycle;
      tested[j] = true;
    }
    // The statistic's sigma: the readings' robust sigma, or how much the windows' medians already moved against
    // each other through the history where that is more. On a noisy series the latter is the smaller (a median
    // difference varies less than a reading), so the readings' sigma rules. On a series the forecast predicts
    // exactly (noise-free, flat or quantised: residual MAD 0, scale at its floor) the season still moves the
    // medians by far more than that floor wherever the cycle correction misses it (too few seasons on the grid,
    // a staircase that interpolation between bucket centres smooths); judged against the floor, that everyday
    // movement would be one endless level shift that hides every spike in it and starts no event.
    double[] historyMoves = new double[firstWindow];
    int moves = 0;
    for (int j = 0; j < firstWindow; j++) {
      if (tested[j] && testedAt[j] == j) {
        historyMoves[moves++] = shiftSize[j];
      }
    }
    RobustScale moveScale = RobustScale.of(Arrays.copyOf(historyMoves, moves), 0, 0, plan.absoluteFloor());
    double shiftScale = RobustScale.FLOOR.equals(moveScale.method()) ? scale.scale()
        : Math.max(scale.scale(), moveScale.scale());
    for (int j = 0; j < n; j++) {
      shiftSize[j] /= shiftScale;
      shift[j] = Math.abs(shiftSize[j]) >= plan.shiftSigmas();
    }
    // Each run of shift flags gets its peak (where the windows differ most) and the onset placed inside the
    // peak's windows. The readings from the onset on are the shift's, including those before the detector could
    // tell (half a window): an anomalous run they start is the shift, not a deviation or spikes of its own.
    // A run whose readings sit on their forecasts is no shift: the forecast already expects the new level (a
    // daily step the model has learnt and the cycle correction, interpolating between bucket centres, misses).
    // Reported, it would say nothing the forecast does not, and its flags would hide spikes and drift there.
    boolean[] shifted = shift.clone();
    int[] shiftPeak = new int[n];
    int[] shiftOnset = new int[n];
    boolean[] sameShift = new boolean[n];
    int previousEnd = -1;
    for (int q = 0; q < n; q++) {
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
      if (!offForecast(r, scale.center(), onset, last, shiftSize[peak] * shiftScale)) {
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
    // Neighbourhoods for the spike test: about one shift window of readings either side.
    int w = neighbours(t, wMicros, plan.shiftMinReadings());

    // (4b) drift on bucket residuals.
    double[] e = new double[targets];
    Arrays.fill(e, Double.NaN);
    long[] firstTime = new long[targets];
    boolean[] shiftInBucket = new boolean[targets];
    {
      int j = 0;
      while (j < n) {
        int k = bucketOf[j];
        int end = j;
        while (end < n && bucketOf[end] == k) {
          end++;
        }
        if (k >= 0 && k < targets) {
          e[k] = RobustScale.median(Arrays.copyOfRange(r, j, end));
          firstTime[k] = t[j];
          for (int q = j; q < end; q++) {
            shiftInBucket[k] |= shifted[q];
          }
        }
        j = end;
      }
    }
    int historyBuckets = (int) (plan.firstWindowBucketIdx() - firstTarget);
    // Each run judges drift with scales from its history less its first `chain` intervals: exactly what each of the
    // next `chain` runs still sees of it. So this run can replay how the runs before it judged the buckets, bucket
    // for bucket, and follow whether each ended inside a drift already reported: one whose episode was still open
    // at its end, or, once reported, one whose statistic still held the stay level there (a drift entering the
    // history lifts the scale until later runs no longer see it start, only go on). The first drift this run sees
    // reaching its window is then that one, however its own scales (an interval later) split it. Without that, a
    // drift near the threshold, re-judged every hour against a slightly different scale, would start anew in one
    // window after another.
    long runInterval = plan.asOfMicros() - plan.windowStartMicros();
    int chain = driftChainRuns(plan);
    double stayZ = plan.driftZ() * DRIFT_STAY;
    int quietBuckets = Math.max(1, plan.driftQuietBuckets());
    double mag = Double.isNaN(magnitude) ? 0 : magnitude;
    DriftJudgement judgement = null;
    List<DriftEpisode> episodes = List.of();
    int reportedLast = -1;
    double reportedSign = 0;
    for (int run = chain; run >= 0; run--) {
      long runWindowStart = plan.windowStartMicros() - run * runInterval;
      long scaleStart = plan.historyStartMicros() + (chain - run) * runInterval;
      int runWindowBucket = (int) Math.max(0, Math.floorDiv(runWindowStart, b) - firstTarget);
      int upTo = run == 0 ? targets
          : (int) Math.min(targets, Math.floorDiv(runWindowStart + runInterval - 1, b) - firstTarget + 1);
      int readingsFrom = Math.min(firstIndexAtOrAfter(t, scaleStart), firstWindow);
      int readingsTo = Math.max(readingsFrom, firstIndexAtOrAfter(t, runWindowStart));
      DriftJudgement jd = judgeDrift(e, shiftInBucket, (int) Math.max(0, Math.floorDiv(scaleStart, b) - firstTarget),
          runWindowBucket, RobustScale.of(Arrays.copyOfRange(r, readingsFrom, readingsTo), mag, plan.relativeFloor(),
              plan.absoluteFloor()).scale(), plan, Math.max(0, upTo));
      List<DriftEpisode> eps = driftEpisodes(jd.drifting(), jd.judged(), jd.stat(), stayZ, quietBuckets);
      if (run == 0) {
        judgement = jd;
        episodes = eps;
        break;
      }
      DriftEpisode lastEpisode = eps.isEmpty() ? null : eps.get(eps.size() - 1);
      int stayLast = reportedSign == 0 ? -1 : lastAtStayLevel(jd, reportedSign, stayZ, quietBuckets, Math.max(0, upTo));
      if (lastEpisode != null && lastEpisode.open()) {
        reportedLast = lastEpisode.last();
        reportedSign = Math.signum(jd.stat()[lastEpisode.start()]);
      } else if (stayLast >= 0) {
        reportedLast = stayLast;
      } else {
        reportedLast = -1;
        reportedSign = 0;
      }
    }
    double[] driftStat = judgement.stat();
    boolean[] inEpisode = new boolean[targets];
    for (DriftEpisode d : episodes) {
      Arrays.fill(inEpisode, d.start(), d.last() + 1, true);
    }
    // A reported drift this run's scales no longer see start still covers its readings while it holds the stay level.
    for (int k = Math.max(0, reportedLast), quiet = 0; reportedSign != 0 && k < targets && quiet < quietBuckets; k++) {
      if (judgement.judged()[k]) {
        boolean goesOn = Math.signum(driftStat[k]) == reportedSign && Math.abs(driftStat[k]) >= stayZ;
        inEpisode[k] |= goesOn;
        quiet = goesOn ? 0 : quiet + 1;
      }
    }
    boolean[] drift = new boolean[n];
    for (int j = 0; j < n; j++) {
      drift[j] = bucketOf[j] >= 0 && bucketOf[j] < targets && inEpisode[bucketOf[j]];
    }

    // Spikes: anomalous readings that also stand out from the median z of their neighbours. In a short run
    // that is enough; inside a longer run only where the series drifts (the drift lifts every reading over
    // the threshold) and away from a level shift, whose onset also stands out from the neighbours on its far
    // side. A long run with no drift is one deviation, not many spikes: a forecast that is off for a whole
    // bucket (seasonal naive copying a spike-inflated mean, say) makes each of its readings stand out.
    double spikeZ = ScoreCalibration.zFor(plan.threshold(), plan.maxLog10p());
    String[] kind = new String[n];
    boolean[] spike = new boolean[n];
    List<AnomalyEvent> events = new ArrayList<>();
    Instant detectedAt = instant(plan.asOfMicros());
    int j = 0;
    while (j < n) {
      if (!over[j]) {
        j++;
        continue;
      }
      int end = runEnd(over, gapBefore, j);
      boolean shortRun = end - j <= plan.spikeMaxRun();
      for (int q = j; q < end; q++) {
        boolean standsOut = Math.abs(z[q] - neighbourMedian(z, gapBefore, q, w)) >= spikeZ;
        spike[q] = standsOut && !shifted[q] && (shortRun || (drift[q] && !anyFlag(shifted, gapBefore, q, w)));
      }
      boolean covered = false;
      int peak = -1;
      for (int q = j; q < end; q++) {
        covered |= shifted[q] || drift[q];
        if (spike[q]) {
          kind[q] = AnomalyKind.SPIKE.name();
          if (q >= firstWindow) {
            int k = bucketOf[q];
            events.add(event(AnomalyKind.SPIKE, device, metric, t[q], detectedAt, v[q], forecast[k], s[q], version[k], plan,
                String.format(Locale.ROOT, "Spike on %s/%s: %s against a forecast of %s (robust z %.1f)", device, metric,
                    num(v[q]), num(forecast[k]), z[q]))
                .attribute("z", round(z[q])).attribute("residual", round(r[q])).attribute("forecast_model", method[k])
                .attribute("scale", round(scale.scale())).build());
          }
        } else {
          peak = peak < 0 || Math.abs(z[q]) > Math.abs(z[peak]) ? q : peak;
        }
      }
      // What is left of the run is a level shift's or drift's (their events report it) or a deviation.
      if (peak >= 0 && !covered && !shortRun) {
        for (int q = j; q < end; q++) {
          kind[q] = spike[q] ? kind[q] : AnomalyKind.FORECAST_DEVIATION.name();
        }
        if (j >= firstWindow && !continues(over, gapBefore, j)) {
          int k = bucketOf[peak];
          events.add(event(AnomalyKind.FORECAST_DEVIATION, device, metric, t[j], detectedAt, v[peak], forecast[k],
              max(s, j, end), version[k], plan, String.format(Locale.ROOT,
                  "%s/%s stayed away from its forecast for %d readings (peak %s against %s, robust z %.1f)", device, metric,
                  end - j, num(v[peak]), num(forecast[k]), z[peak]))
              .attribute("readings", end - j).attribute("peak_z", round(z[peak])).attribute("forecast_model", method[k])
              .end(end < n ? instant(t[end - 1]) : null).build());
        }
      }
      j = end;
    }

    // Level-shift runs, from their onset.
    for (int q = 0; q < n; q++) {
      if (!runStarts(shift, gapBefore, q)) {
        continue;
      }
      int end = runEnd(shift, gapBefore, q);
      int peak = shiftPeak[q];
      int onset = shiftOnset[q];
      for (int p = onset; p < end; p++) {
        kind[p] = kind[p] == null || !spike[p] ? AnomalyKind.LEVEL_SHIFT.name() : kind[p];
      }
      if (q >= firstWindow && !sameShift[q]) {
        // The event starts at the onset, which may lie in an earlier scoring window; only the window holding
        // the run's first flagged reading reports it, so reruns and consecutive windows agree.
        int last = testedAt[peak];
        int wb = afterFrom[peak] - beforeFrom[peak];
        int wa = last - afterFrom[peak] + 1;
        // The statistic is a difference of two medians: its standard error is 1.2533 * sqrt(1/wa + 1/wb) sigmas.
        double zStat = shiftSize[peak] / (1.2533 * Math.sqrt(1.0 / wa + 1.0 / wb));
        // Expected: where the earlier window's level would have moved with the cycle alone.
        double before = RobustScale.median(v, beforeFrom[peak], afterFrom[peak] - 1) + cycleAt[peak];
        double after = RobustScale.median(v, afterFrom[peak], last);
        events.add(event(AnomalyKind.LEVEL_SHIFT, device, metric, t[onset], detectedAt, after, before,
            plan.score(zStat), version[bucketOf[q]], plan, String.format(Locale.ROOT,
                "Level shift on %s/%s: from about %s to about %s (%.1f robust sigmas)", device, metric, num(before),
                num(after), shiftSize[peak]))
            .attribute("shift_sigmas", round(shiftSize[peak])).attribute("window_readings_before", wb)
            .attribute("window_readings_after", wa).attribute("flagged_from", instant(t[q]))
            .attribute("scale", round(scale.scale())).attribute("shift_scale", round(shiftScale)).build());
      }
      q = end - 1;
    }

    // Drift: one event per episode, in the window holding its first drifting bucket (see driftEpisodes).
    for (int q = 0; q < n; q++) {
      if (drift[q] && kind[q] == null) {
        kind[q] = AnomalyKind.DRIFT.name();
      }
    }
    int windowBucket = Math.max(0, historyBuckets);
    boolean first = true;
    for (DriftEpisode d : episodes) {
      if (d.last() < windowBucket) {
        continue;
      }
      boolean continuing = first && reportedLast >= 0 && d.start() - reportedLast <= quietBuckets
          && Math.signum(driftStat[d.start()]) == reportedSign;
      first = false;
      if (!continuing) {
        int peak = d.peak();
        double bias = e[peak];
        events.add(event(AnomalyKind.DRIFT, device, metric, firstTime[d.start()], detectedAt, forecast[peak] + bias,
            forecast[peak], plan.score(driftStat[peak]), version[peak], plan, String.format(Locale.ROOT,
                "Drift on %s/%s: readings have run %s above their forecasts over the last %d buckets (z %.1f)", device,
                metric, num(bias), plan.driftBuckets(), driftStat[peak]))
            .attribute("bias", round(bias)).attribute("drift_z", round(driftStat[peak]))
            .attribute("buckets", plan.driftBuckets()).build());
      }
    }

    List<ScoredReading> out = new ArrayList<>(n - firstWindow);
    for (int q = firstWindow; q < n; q++) {
      int k = bucketOf[q];
      String status = Double.isFinite(r[q]) ? SCORED : NO_FORECAST;
      out.add(new ScoredReading(t[q], v[q], at(forecast, k), at(method, k), at(version, k), r[q], z[q], s[q], over[q],
          spike[q], shifted[q], drift[q], kind[q], status, scale.center(), scale.scale()));
    }
    return new Result(device, metric, out, events);
  }

  /** Share of {@code driftZ} at which a bucket still keeps a drift episode going: hysteresis, see {@link #driftEpisodes}. */
  static final double DRIFT_STAY = 0.5;

  /**
   * Buckets of one drift: its first drifting bucket, its last bucket that kept it going, its strongest drifting
   * bucket, and whether it was still going at the last bucket (not yet quiet for long enough to end).
   */
  record DriftEpisode(int start, int last, int peak, boolean open) {}

  /**
   * Runs before this one whose drift judgement it replays: enough to cover the quiet time, at most half the
   * history's runs (each costs the drift scales that many intervals of history).
   */
  static int driftChainRuns(ScorePlan plan) {
    long interval = plan.asOfMicros() - plan.windowStartMicros();
    long history = plan.windowStartMicros() - plan.historyStartMicros();
    if (interval <= 0 || history < 2 * interval) {
      return 0;
    }
    long quiet = (long) Math.max(1, plan.driftQuietBuckets()) * plan.bucketMicros();
    return (int) Math.min((quiet + interval - 1) / interval, history / interval / 2);
  }

  /**
   * The last bucket before {@code upTo} at the stay level with {@code sign}, if fewer than {@code quietBuckets}
   * judged buckets after it fall short of that; else -1.
   */
  static int lastAtStayLevel(DriftJudgement jd, double sign, double stayZ, int quietBuckets, int upTo) {
    int quiet = 0;
    for (int k = Math.min(upTo, jd.stat().length) - 1; k >= 0 && quiet < quietBuckets; k--) {
      if (!jd.judged()[k]) {
        continue;
      }
      if (Math.signum(jd.stat()[k]) == sign && Math.abs(jd.stat()[k]) >= stayZ) {
        return k;
      }
      quiet++;
    }
    return -1;
  }

  /** The drift statistic per bucket, whether it drifts, and whether it could be judged at all. */
  record DriftJudgement(double[] stat, boolean[] drifting, boolean[] judged) {}

  /**
   * Judges buckets {@code [0, upTo)} for drift: per bucket, the median of the last {@code driftBuckets} bucket
   * residuals in robust sigmas of the bucket residuals {@code [scaleFrom, scaleTo)}; drifting when significant,
   * shared by {@code driftAgreement} of them, at least {@code driftSigmas} reading sigmas ({@code readingScale}),
   * with no level shift among them.
   */
  static DriftJudgement judgeDrift(double[] e, boolean[] shiftInBucket, int scaleFrom, int scaleTo, double readingScale,
      ScorePlan plan, int upTo) {
    double[] stat = new double[e.length];
    boolean[] drifting = new boolean[e.length];
    boolean[] judged = new boolean[e.length];
    int to = Math.max(0, Math.min(e.length, scaleTo));
    double[] history = Arrays.copyOfRange(e, Math.min(Math.max(0, scaleFrom), to), to);
    RobustScale bucketScale = RobustScale.of(history, 0, 0, plan.absoluteFloor());
    long present = Arrays.stream(history).filter(Double::isFinite).count();
    if (present < plan.driftBuckets() || RobustScale.FLOOR.equals(bucketScale.method())) {
      return new DriftJudgement(stat, drifting, judged);
    }
    double[] wz = new double[plan.driftBuckets()];
    for (int k = plan.driftBuckets() - 1; k < Math.min(upTo, e.length); k++) {
      if (!Double.isFinite(e[k])) {
        continue;
      }
      int m = 0;
      boolean shiftAmong = false;
      for (int q = k - plan.driftBuckets() + 1; q <= k; q++) {
        if (Double.isFinite(e[q])) {
          wz[m++] = bucketScale.z(e[q]);
        }
        shiftAmong |= shiftInBucket[q];
      }
      if (m < plan.driftMinBuckets() || shiftAmong) {
        continue;
      }
      double[] zs = Arrays.copyOf(wz, m);
      double med = RobustScale.median(zs);
      long agree = Arrays.stream(zs).filter(x -> Math.signum(x) == Math.signum(med)).count();
      stat[k] = med * Math.sqrt(m) / 1.2533;
      judged[k] = true;
      drifting[k] = Math.abs(stat[k]) >= plan.driftZ() && agree >= plan.driftAgreement() * m
          && Math.abs(med * bucketScale.scale()) >= plan.driftSigmas() * readingScale;
    }
    return new DriftJudgement(stat, drifting, judged);
  }

  /**
   * The drift episodes among the buckets. A drift lasts hours to days and its statistic wanders: it dips under
   * the threshold for a bucket or two, a level shift in the look-back leaves it unjudged, and each hourly run
   * judges the history against a scale that moved on by an hour. Hysteresis makes that one drift: an episode
   * starts at a drifting bucket and goes on while judged buckets keep its sign at {@code stayZ} or more; it
   * ends only after {@code quietBuckets} judged buckets in a row without that, or at a drifting bucket of the
   * opposite sign (which starts a new one). Unjudged buckets (no readings, too few in the look-back, a level
   * shift there) neither continue nor end it: silence is no evidence that a drift stopped. Scanning the history
   * before the window too, a run sees a drift already going when its window starts as that drift.
   */
  static List<DriftEpisode> driftEpisodes(boolean[] drifting, boolean[] judged, double[] stat, double stayZ, int quietBuckets) {
    List<DriftEpisode> out = new ArrayList<>();
    int start = -1;
    int last = -1;
    int peak = -1;
    int quiet = 0;
    for (int k = 0; k < drifting.length; k++) {
      boolean reversed = start >= 0 && drifting[k] && Math.signum(stat[k]) != Math.signum(stat[start]);
      if (start >= 0 && (quiet >= Math.max(1, quietBuckets) || reversed)) {
        out.add(new DriftEpisode(start, last, peak, false));
        start = -1;
      }
      if (start < 0) {
        if (drifting[k]) {
          start = k;
          last = k;
          peak = k;
          quiet = 0;
        }
        continue;
      }
      if (!judged[k]) {
        continue;
      }
      boolean goesOn = Math.signum(stat[k]) == Math.signum(stat[start]) && Math.abs(stat[k]) >= stayZ;
      quiet = goesOn ? 0 : quiet + 1;
      last = goesOn ? k : last;
      peak = drifting[k] && Math.abs(stat[k]) > Math.abs(stat[peak]) ? k : peak;
    }
    if (start >= 0) {
      out.add(new DriftEpisode(start, last, peak, quiet < Math.max(1, quietBuckets)));
    }
    return out;
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

  /** The forecast of target bucket {@code k} from the context before it: the model where it serves, else seasonal naive. */
  static void forecastBucket(SeriesHistory grid, ScorePlan plan, SeriesForecasts.Model model, int k, double[] forecast,
      String[] method, String[] version) {
    int g = (int) (plan.firstTargetIdx() - grid.startIdx()) + k;
    int from = g - plan.contextBuckets();
    if (model != null) {
      SeriesHistory context = new SeriesHistory(grid.deviceId(), grid.metric(), grid.startIdx() + from, grid.bucketMicros(),
          Arrays.copyOfRange(grid.y(), from, g), Arrays.copyOfRange(grid.imputed(), from, g));
      ModelForecaster.Forecast f = model.forecaster().forecast(context, 1);
      if (f != null && Double.isFinite(f.values()[0])) {
        forecast[k] = f.values()[0];
        method[k] = model.name();
        version[k] = model.version();
        return;
      }
    }
    int i = g - plan.season();
    while (i >= from && !grid.present(i)) {
      i -= plan.season();
    }
    forecast[k] = i >= from ? grid.y()[i] : Double.NaN;
    method[k] = i >= from ? SEASONAL_NAIVE : null;
    version[k] = i >= from ? SeriesForecasts.MODEL_VERSION : null;
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

  /** Seasons looked back over for the cycle's usual movement between the shift detector's windows. */
  static final int CYCLE_SEASONS = 7;

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

  private static AnomalyEvent.Builder event(AnomalyKind kind, String device, String metric, long startMicros, Instant detectedAt,
      double value, double expected, double score, String modelVersion, ScorePlan plan, String message) {
    double sc = Double.isFinite(score) ? Math.max(0, Math.min(1, score)) : 0;
    return AnomalyEvent.builder(kind, AnomalySource.BATCH, device, metric, instant(startMicros))
        .severity(sc >= plan.criticalThreshold() ? Severity.CRITICAL : Severity.WARNING)
        .detectedAt(detectedAt)
        .value(Double.isFinite(value) ? value : null)
        .expected(Double.isFinite(expected) ? expected : null)
        .score(sc)
        .modelVersion(modelVersion)
        .message(message)
        .attribute("window_start", instant(plan.windowStartMicros()))
        .attribute("window_end", instant(plan.asOfMicros()));
  }

  private static double max(double[] s, int from, int to) {
    double m = 0;
    for (int i = from; i < to; i++) {
      m = Double.isFinite(s[i]) ? Math.max(m, s[i]) : m;
    }
    return m;
  }

  private static double at(double[] xs, int k) {
    return k >= 0 && k < xs.length ? xs[k] : Double.NaN;
  }

  private static String at(String[] xs, int k) {
    return k >= 0 && k < xs.length ? xs[k] : null;
  }

  static Instant instant(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }

  private static String num(double x) {
    return Double.isFinite(x) ? String.format(Locale.ROOT, "%.4g", x) : "n/a";
  }

  private static String round(double x) {
    return String.format(Locale.ROOT, "%.4g", x);
  }
}
