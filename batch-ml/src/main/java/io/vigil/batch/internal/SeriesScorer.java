package io.vigil.batch.internal;

import io.vigil.schemas.AnomalyEvent;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores one series' readings in a window against one-step-ahead forecasts, and finds spikes, level
 * shifts and drift. Plain Java on arrays (no Spark), so it is tested on hand-made series.
 *
 * <p>Steps: (1) every bucket from the history start to as_of gets a one-step-ahead forecast from the
 * {@code contextBuckets} buckets before it only (the registered model where it serves that origin,
 * otherwise seasonal naive), so a bucket's forecast does not depend on when the run happens;
 * (2) each reading's residual is its value minus its bucket's forecast; (3) every reading gets its
 * score against its series' own recent normal readings ({@link TailScore}: what is published), and the
 * residuals of the history readings (before the window) give a median and robust scale ({@link RobustScale})
 * by which every reading gets {@code z = (residual - median) / scale}; a reading whose z reaches the threshold
 * on the Gaussian calibration ({@link ScoreCalibration}) is "over the threshold" for the detectors. A history
 * with too few residuals for that scale (a series younger than its first forecastable bucket) still gets
 * scores, but no events; (4) detectors:
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
 *       hysteresis ({@link DriftDetector#driftEpisodes}): a drift that dips under the threshold, or that was already
 *       going before the window, is still the same drift. The scales come from the history less its first
 *       {@link DriftDetector#driftChainRuns} intervals, so a run can replay how the runs before it judged drift and not
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
 *
 * <p>Each step is a class of its own: {@link Residuals} (steps 1 to 3), {@link LevelShiftDetector},
 * {@link DriftDetector}, {@link SpikeDetector} (spikes and deviations), on the gaps and runs of
 * {@link ReadingRuns}, with the events built by {@link ScoreEvents}; this class only runs them in order.
 */
public final class SeriesScorer {
  public static final String SCORED = "SCORED";
  public static final String NO_FORECAST = "NO_FORECAST";
  public static final String INSUFFICIENT_HISTORY = "INSUFFICIENT_HISTORY";
  public static final String SEASONAL_NAIVE = BaselineForecaster.SEASONAL_NAIVE;

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

    // (1), (2) one-step-ahead forecasts per target bucket, and the readings' residuals against them.
    Residuals res = Residuals.of(in, plan, model);
    int firstWindow = ReadingRuns.firstIndexAtOrAfter(t, plan.windowStartMicros());
    if (firstWindow >= t.length) {
      return new Result(device, metric, List.of(), List.of());
    }

    // (3) every reading's score against its series' own recent readings; the history's robust scale for the detectors.
    double magnitude = Residuals.historyMagnitude(v, firstWindow);
    RobustScale scale = res.historyScale(firstWindow, magnitude, plan);
    boolean scaled = res.finiteHistory(firstWindow) >= plan.minHistoryPoints();
    boolean[] gapBefore = ReadingRuns.gaps(t, plan.gapFactor());
    Residuals.Scores scores = res.scores(in, gapBefore, firstWindow, scale, scaled, magnitude, plan);
    if (!anyScored(scores.s(), firstWindow)) {
      return new Result(device, metric, insufficientHistory(in, res, firstWindow), List.of());
    }
    if (!scaled) {
      // Scored against the readings before them, but too few history residuals to judge shifts, drift and spikes by.
      boolean[] none = new boolean[t.length];
      return new Result(device, metric, scoredReadings(in, plan, res, scale, scores, none, none, none, new String[t.length],
          firstWindow), List.of());
    }

    // (4) detectors. Gaps: no run and no detector window continues across one.
    LevelShiftDetector shifts = new LevelShiftDetector(in.grid(), plan, t, v, res.r(), scale, gapBefore, firstWindow);
    DriftDetector drifts = new DriftDetector(plan, t, res, shifts.shifted(), magnitude, firstWindow);
    // Neighbourhoods for the spike test: about one shift window of readings either side.
    int neighbours = ReadingRuns.neighbours(t, shifts.windowMicros(), plan.shiftMinReadings());
    SpikeDetector spikes = new SpikeDetector(plan, t, v, res, scores, scale, gapBefore, shifts.shifted(), drifts.drift(),
        neighbours, firstWindow);

    // Events in this order: spikes and deviations, level shifts, drifts. A reading's kind: a spike stays a spike, a
    // level shift's reading (from its onset) is LEVEL_SHIFT over a deviation, drift labels only what is left.
    ScoreEvents events = new ScoreEvents(device, metric, plan);
    List<AnomalyEvent> out = new ArrayList<>();
    String[] kind = new String[t.length];
    boolean[] spike = spikes.detect(kind, events, out);
    shifts.report(kind, spike, firstWindow, res, scale, events, out);
    drifts.report(kind, res, events, out);
    return new Result(device, metric, scoredReadings(in, plan, res, scale, scores, spike, shifts.shifted(), drifts.drift(), kind,
        firstWindow), out);
  }

  private static boolean anyScored(double[] s, int firstWindow) {
    for (int j = firstWindow; j < s.length; j++) {
      if (Double.isFinite(s[j])) {
        return true;
      }
    }
    return false;
  }

  /** The window's readings, unscored: too few readings precede them to judge them by. */
  private static List<ScoredReading> insufficientHistory(Input in, Residuals res, int firstWindow) {
    long[] t = in.timesMicros();
    double[] v = in.values();
    List<ScoredReading> out = new ArrayList<>();
    for (int j = firstWindow; j < t.length; j++) {
      int k = res.bucketOf()[j];
      out.add(new ScoredReading(t[j], v[j], res.forecastAt(k), res.methodAt(k), res.versionAt(k), res.r()[j], Double.NaN,
          Double.NaN, false, false, false, false, null, INSUFFICIENT_HISTORY, Double.NaN, Double.NaN));
    }
    return out;
  }

  /** The window's readings with their scores and what the detectors made of them. */
  private static List<ScoredReading> scoredReadings(Input in, ScorePlan plan, Residuals res, RobustScale scale, Residuals.Scores scores,
      boolean[] spike, boolean[] shifted, boolean[] drift, String[] kind, int firstWindow) {
    long[] t = in.timesMicros();
    double[] v = in.values();
    double[] r = res.r();
    List<ScoredReading> out = new ArrayList<>(t.length - firstWindow);
    for (int q = firstWindow; q < t.length; q++) {
      int k = res.bucketOf()[q];
      String status = Double.isFinite(scores.s()[q]) ? SCORED : Double.isFinite(r[q]) ? INSUFFICIENT_HISTORY : NO_FORECAST;
      out.add(new ScoredReading(t[q], v[q], res.forecastAt(k), res.methodAt(k), res.versionAt(k), r[q], scores.z()[q],
          scores.s()[q], scores.s()[q] >= plan.threshold(), spike[q], shifted[q], drift[q], kind[q], status, scale.center(), scale.scale()));
    }
    return out;
  }
}
