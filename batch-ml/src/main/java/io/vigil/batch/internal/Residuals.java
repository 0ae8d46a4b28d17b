package io.vigil.batch.internal;

import java.util.Arrays;

/**
 * Steps (1) to (3) of {@link SeriesScorer}: every target bucket's one-step-ahead forecast, each reading's residual
 * against its bucket's forecast, and how far each residual stands out against the history's robust scale. The
 * detectors all judge readings by these, so they are computed once, and the mapping from z to a score and to the
 * "over the threshold" flag sits in one place ({@link #scores}).
 *
 * <p>Arrays per target bucket ({@code forecast}, {@code method}, {@code version}) are indexed by the bucket's
 * offset from the plan's first target bucket; arrays per reading ({@code bucketOf}, {@code r}) by reading.
 */
record Residuals(double[] forecast, String[] method, String[] version, int[] bucketOf, double[] r) {

  /** Each reading's z, its published score, and whether the detectors take it for an anomalous reading. */
  record Scores(double[] z, double[] s, boolean[] over) {}

  /** Forecasts every target bucket (step 1) and takes each reading's residual against its bucket's (step 2). */
  static Residuals of(SeriesScorer.Input in, ScorePlan plan, SeriesForecasts.Model model) {
    int targets = (int) (plan.lastTargetIdx() - plan.firstTargetIdx() + 1);
    double[] forecast = new double[targets];
    String[] method = new String[targets];
    String[] version = new String[targets];
    BucketBaseline baseline = BucketBaseline.choose(in.grid(), plan);
    for (int k = 0; k < targets; k++) {
      forecastBucket(in.grid(), plan, model, baseline, k, forecast, method, version);
    }
    long[] t = in.timesMicros();
    double[] v = in.values();
    int n = t.length;
    double[] r = new double[n];
    int[] bucketOf = new int[n];
    for (int j = 0; j < n; j++) {
      bucketOf[j] = (int) (Math.floorDiv(t[j], plan.bucketMicros()) - plan.firstTargetIdx());
      boolean inRange = bucketOf[j] >= 0 && bucketOf[j] < targets;
      r[j] = inRange && Double.isFinite(v[j]) ? v[j] - forecast[bucketOf[j]] : Double.NaN;
    }
    return new Residuals(forecast, method, version, bucketOf, r);
  }

  /** The forecast of target bucket {@code k} from the context before it: the model where it serves, else the baseline. */
  static void forecastBucket(SeriesHistory grid, ScorePlan plan, SeriesForecasts.Model model, BucketBaseline baseline,
      int k, double[] forecast, String[] method, String[] version) {
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
    double f = baseline.forecast(grid, g, plan);
    forecast[k] = f;
    method[k] = Double.isFinite(f) ? baseline.method() : null;
    version[k] = Double.isFinite(f) ? SeriesForecasts.MODEL_VERSION : null;
  }

  /** The number of target buckets. */
  int targets() {
    return forecast.length;
  }

  /** The series' typical level before the window (the scales' relative floor goes by it); 0 when unknown. */
  static double historyMagnitude(double[] v, int firstWindow) {
    double magnitude = RobustScale.median(Arrays.copyOf(v, firstWindow));
    return Double.isNaN(magnitude) ? 0 : magnitude;
  }

  /** Step (3): the robust centre and scale of the residuals of the history readings (those before {@code firstWindow}). */
  RobustScale historyScale(int firstWindow, double magnitude, ScorePlan plan) {
    return RobustScale.of(Arrays.copyOf(r, firstWindow), magnitude, plan.relativeFloor(), plan.absoluteFloor());
  }

  /** How many history readings have a residual: too few, and nothing is scored. */
  long finiteHistory(int firstWindow) {
    return Arrays.stream(r, 0, firstWindow).filter(Double::isFinite).count();
  }

  /**
   * Step (3): every reading's score against its series' own recent readings ({@link TailScore}: what the scores
   * table and a replay publish), its z against the history's {@code scale} (where the history has too few residuals
   * for one, the z that scored), and the readings the detectors look at: those whose z against the history's scale
   * alone reaches the threshold on the Gaussian calibration. The detectors keep that rule because they judge runs
   * of such readings against each other in z; the published score ranks every reading against the series' own tail.
   */
  Scores scores(SeriesScorer.Input in, boolean[] gapBefore, int firstWindow, RobustScale scale, boolean scaled,
      double magnitude, ScorePlan plan) {
    int n = r.length;
    // Twice the reference before the window: enough for the references to fill and settle whatever the history holds.
    int from = (int) Math.max(0, firstWindow - 2L * plan.referenceReadings());
    TailScore.Scores tail = TailScore.of(in.timesMicros(), in.values(), r, gapBefore, from, plan, plan.referenceReadings(),
        learningReadings(in.timesMicros(), plan), magnitude);
    double[] z = new double[n];
    boolean[] over = new boolean[n];
    for (int j = 0; j < n; j++) {
      z[j] = scaled && Double.isFinite(r[j]) ? scale.z(r[j]) : tail.z()[j];
      over[j] = scaled && Double.isFinite(r[j]) && ScoreCalibration.score(z[j], plan.maxLog10p()) >= plan.threshold();
    }
    return new Scores(z, tail.score(), over);
  }

  /**
   * A reference's learning period: score.reference.min.readings, but no longer than score.history at the series'
   * typical interval (an hourly series with three days of history is judged after three days, not twelve), and never
   * fewer than score.min.history.points.
   */
  static int learningReadings(long[] t, ScorePlan plan) {
    double interval = ReadingRuns.typicalInterval(t);
    double inHistory = Double.isFinite(interval) ? (plan.windowStartMicros() - plan.historyStartMicros()) / interval
        : plan.referenceMinReadings();
    return (int) Math.max(plan.minHistoryPoints(), Math.min(plan.referenceMinReadings(), Math.floor(inHistory)));
  }

  /** The |z| whose score is the threshold on Gaussian residuals: how far a spike must stand out from its neighbours. */
  static double thresholdZ(ScorePlan plan) {
    return ScoreCalibration.zFor(plan.threshold(), plan.maxLog10p());
  }

  /** Bucket {@code k}'s forecast, NaN when {@code k} is no target bucket. */
  double forecastAt(int k) {
    return k >= 0 && k < forecast.length ? forecast[k] : Double.NaN;
  }

  /** Bucket {@code k}'s forecasting method, null when {@code k} is no target bucket. */
  String methodAt(int k) {
    return k >= 0 && k < method.length ? method[k] : null;
  }

  /** Bucket {@code k}'s model version, null when {@code k} is no target bucket. */
  String versionAt(int k) {
    return k >= 0 && k < version.length ? version[k] : null;
  }
}
