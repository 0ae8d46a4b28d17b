package io.vigil.batch;

import io.vigil.common.VigilErrors;
import io.vigil.common.config.AbstractConfig;
import io.vigil.common.config.ConfigDef;
import io.vigil.common.config.ConfigDef.Type;
import io.vigil.common.config.ConfigSources;
import io.vigil.common.config.Validator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The settings of {@link ForecastJob}: where to read and write, and how to forecast. */
public final class ForecastJobConfig extends AbstractConfig {
  public static final String SILVER_PATH = "silver.path";
  public static final String FORECASTS_PATH = "forecasts.path";
  public static final String RESOLUTION = "forecast.resolution";
  public static final String HISTORY = "forecast.history";
  public static final String HORIZON = "forecast.horizon";
  public static final String SEASON_LENGTH = "forecast.season.length";
  public static final String MOVING_AVERAGE_WINDOW = "forecast.moving.average.window";
  public static final String MIN_HISTORY = "forecast.min.history";
  public static final String FILL_MAX_GAP = "forecast.fill.max.gap";
  public static final String INTERVAL_COVERAGE = "forecast.interval.coverage";
  public static final String NATIVE_STEP = "forecast.native.step";
  public static final String MODELS_PATH = "models.path";
  public static final String MODEL_ENABLED = "forecast.model.enabled";
  public static final String MODEL_LAGS = "forecast.model.lags";
  public static final String MODEL_PROFILE_SEASONS = "forecast.model.profile.seasons";
  public static final String MODEL_MAX_ITER = "forecast.model.max.iter";
  public static final String MODEL_MAX_DEPTH = "forecast.model.max.depth";
  public static final String MODEL_STEP_SIZE = "forecast.model.step.size";
  public static final String MODEL_SUBSAMPLE = "forecast.model.subsample";
  public static final String MODEL_SEED = "forecast.model.seed";
  public static final String MODEL_REFIT = "forecast.model.refit";
  public static final String TRAIN_ORIGIN_STRIDE = "forecast.train.origin.stride";
  public static final String BACKTEST_ORIGINS = "forecast.backtest.origins";
  public static final String BACKTEST_SPACING = "forecast.backtest.spacing";
  public static final String PROMOTE_MAX_REL_MASE = "models.promote.max.relmase";

  public static final String SCORES_PATH = "scores.path";
  public static final String ANOMALIES_PATH = "anomalies.path";
  public static final String KAFKA_BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
  public static final String ANOMALIES_TOPIC = "topics.anomalies";
  public static final String SCORE_PUBLISH = "score.publish";
  /** Keys under this prefix pass through, prefix removed, as options of Spark's Kafka sink. */
  public static final String KAFKA_SINK_PREFIX = "kafka.sink.";
  public static final String SCORE_INTERVAL = "score.interval";
  public static final String SCORE_HISTORY = "score.history";
  public static final String SCORE_THRESHOLD = "score.threshold";
  public static final String SCORE_CRITICAL_THRESHOLD = "score.critical.threshold";
  public static final String SCORE_MAX_LOG10P = "score.calibration.max.log10p";
  public static final String SCORE_MIN_HISTORY_POINTS = "score.min.history.points";
  public static final String SCORE_REFERENCE_READINGS = "score.reference.readings";
  public static final String SCORE_REFERENCE_MIN_READINGS = "score.reference.min.readings";
  public static final String SCORE_SPIKE_MAX_RUN = "score.spike.max.run";
  public static final String SCORE_SHIFT_WINDOW = "score.shift.window";
  public static final String SCORE_SHIFT_SIGMAS = "score.shift.sigmas";
  public static final String SCORE_SHIFT_MIN_READINGS = "score.shift.min.readings";
  public static final String SCORE_DRIFT_BUCKETS = "score.drift.buckets";
  public static final String SCORE_DRIFT_MIN_BUCKETS = "score.drift.min.buckets";
  public static final String SCORE_DRIFT_Z = "score.drift.z";
  public static final String SCORE_DRIFT_AGREEMENT = "score.drift.agreement";
  public static final String SCORE_DRIFT_SIGMAS = "score.drift.sigmas";
  public static final String SCORE_DRIFT_QUIET = "score.drift.quiet";
  public static final String SCORE_GAP_FACTOR = "score.gap.factor";
  public static final String SCORE_SCALE_FLOOR_RELATIVE = "score.scale.floor.relative";
  public static final String SCORE_SCALE_FLOOR_ABSOLUTE = "score.scale.floor.absolute";

  // Paths are strings, not java.nio Paths: they may be URIs such as s3a://bucket/silver.
  public static final ConfigDef DEFINITION = new ConfigDef()
      .define(SILVER_PATH, Type.STRING, io.vigil.common.VigilHome.table("silver").toString(), Validator.nonEmpty(),
          "Path or URI of the silver Delta table (TableSchemas.SILVER) to read measurements from."
              + " The default is where the streaming job writes it when run locally.")
      .define(FORECASTS_PATH, Type.STRING, io.vigil.common.VigilHome.table("forecasts").toString(), Validator.nonEmpty(),
          "Path or URI of the forecasts Delta table (TableSchemas.FORECASTS); created on the first run.")
      .define(RESOLUTION, Type.STRING, "hourly", Validator.oneOf(Resolution.names()),
          "Grid each series is resampled to (mean per UTC-aligned bucket) before forecasting.")
      .define(HISTORY, Type.DURATION, Duration.ofDays(14), Validator.positiveDuration(),
          "How much history before as_of each run reads; at least two seasons.")
      .define(HORIZON, Type.INT, 24, Validator.between(1, 10_000),
          "Buckets ahead to forecast (H): each series gets horizons 1..H.")
      .define(SEASON_LENGTH, Type.INT, null, Validator.between(1, 10_000),
          "Buckets per season for seasonal naive and MASE scaling; empty means 24 hourly, 7 daily.")
      .define(MOVING_AVERAGE_WINDOW, Type.INT, null, Validator.between(1, 10_000),
          "Observed buckets the moving-average baseline averages; empty means one season.")
      .define(MIN_HISTORY, Type.INT, null, Validator.between(1, 1_000_000),
          "Fewest observed buckets a series needs in the history window to be forecast; empty means two seasons.")
      .define(FILL_MAX_GAP, Type.INT, 2, Validator.between(0, 1_000),
          "Longest run of missing buckets filled by linear interpolation (marked imputed); longer gaps stay missing.")
      .define(INTERVAL_COVERAGE, Type.DOUBLE, 0.9, Validator.between(0, 1),
          "Share of backtest absolute errors the prediction interval [lower, upper] covers.")
      .define(NATIVE_STEP, Type.DURATION, Duration.ofMinutes(1), Validator.positiveDuration(),
          "Bucket length when forecast.resolution=native: the devices' own reporting cadence (the gold 1-minute grid by default).")
      .define(MODELS_PATH, Type.STRING, "",
          "Path or URI of the model registry (models/<version>/ with the MLlib model and metadata.json, and the"
              + " current pointer); empty means a 'models' directory next to the forecasts table.")
      .define(MODEL_ENABLED, Type.BOOLEAN, true,
          "Whether forecast runs use the registry's current model (falling back to the baselines per series"
              + " it cannot serve); false forecasts with the baselines only.")
      .define(MODEL_LAGS, Type.INT, 6, Validator.between(1, 1_000),
          "Lags 1..L (in buckets) the model sees; also the buckets whose deviation from their seasonal profile gives the"
              + " current level offset the forecast starts from, and the short rolling window. The last L buckets before"
              + " the origin must be present for the model to forecast a series.")
      .define(MODEL_PROFILE_SEASONS, Type.INT, 7, Validator.between(1, 100),
          "Seasons averaged into the seasonal profile the model's forecast starts from (mean of the same phase in the"
              + " last P seasons, moved by the current level offset): more seasons average more noise away.")
      .define(MODEL_MAX_ITER, Type.INT, 40, Validator.between(1, 1_000),
          "Boosting iterations of the gradient-boosted trees.")
      .define(MODEL_MAX_DEPTH, Type.INT, 4, Validator.between(1, 30),
          "Depth of each tree.")
      .define(MODEL_STEP_SIZE, Type.DOUBLE, 0.1, openUnitInterval(),
          "Learning rate (shrinkage) of the boosting, in (0, 1].")
      .define(MODEL_SUBSAMPLE, Type.DOUBLE, 1.0, openUnitInterval(),
          "Share of training rows each tree sees, in (0, 1].")
      .define(MODEL_SEED, Type.LONG, 42L, null,
          "Seed of the trees' sampling; with the data and the other settings it makes training reproducible.")
      .define(MODEL_REFIT, Type.BOOLEAN, true,
          "After the backtest, refit the model on the whole history (true) or register the model the backtest"
              + " scored, trained on the data before the first backtest origin (false, faster).")
      .define(TRAIN_ORIGIN_STRIDE, Type.INT, 1, Validator.between(1, 10_000),
          "Use every k-th bucket of a series as a training origin; raise it to bound the training set of a large fleet.")
      .define(BACKTEST_ORIGINS, Type.INT, 7, Validator.between(1, 1_000),
          "Forecast origins (K) of the rolling-origin backtest over the end of the history.")
      .define(BACKTEST_SPACING, Type.INT, null, Validator.between(1, 10_000),
          "Buckets between consecutive backtest origins; empty means the horizon, so the origins' targets tile the end of the history.")
      .define(PROMOTE_MAX_REL_MASE, Type.DOUBLE, 1.0, Validator.atLeast(0),
          "A trained model becomes current only if its backtest relMASE (MASE over seasonal naive's) is below this"
              + " and below the current model's; 1.0 means it must at least beat seasonal naive.")
      // ---- anomaly scoring (ScoreJob) ----
      .define(SCORES_PATH, Type.STRING, io.vigil.common.VigilHome.table("anomaly_scores").toString(), Validator.nonEmpty(),
          "Path or URI of the scores Delta table (TableSchemas.ANOMALY_SCORES: every scored reading with its forecast,"
              + " residual, z, score and flags); each run replaces its window's rows.")
      .define(ANOMALIES_PATH, Type.STRING, io.vigil.common.VigilHome.table("batch_anomaly_events").toString(), Validator.nonEmpty(),
          "Path or URI of the Delta table (TableSchemas.ANOMALY_EVENTS) the scoring job writes its anomaly events to;"
              + " each run replaces its own (source BATCH, detected_at = as_of) rows. Kept apart from the device"
              + " watch's table by default so the two jobs never contend for one Delta log.")
      .define(KAFKA_BOOTSTRAP_SERVERS, Type.STRING, "127.0.0.1:19092", Validator.nonEmpty(),
          "Kafka bootstrap servers the anomaly events are published to. The default is the local stack's broker.")
      .define(ANOMALIES_TOPIC, Type.STRING, io.vigil.schemas.Topics.ANOMALIES, Validator.nonEmpty(),
          "Kafka topic for anomaly events (key: device id; header vigil.event-id: the deterministic event id).")
      .define(SCORE_PUBLISH, Type.BOOLEAN, true,
          "Publish anomaly events to Kafka; false writes the Delta tables only (backfills you do not want alerted on).")
      .define(SCORE_INTERVAL, Type.DURATION, Duration.ofHours(1), Validator.positiveDuration(),
          "Length of the scored window [as_of - interval, as_of): the schedule's period, so consecutive runs tile time.")
      .define(SCORE_HISTORY, Type.DURATION, Duration.ofDays(3), Validator.positiveDuration(),
          "Trailing window before the scored one whose residuals give each series' median and robust scale."
              + " Longer is steadier and reads more raw readings per run.")
      .define(SCORE_THRESHOLD, Type.DOUBLE, 0.5, Validator.between(0, 1),
          "Score at or above which a reading is anomalous and may become an event. Scores are -log10(p)/"
              + SCORE_MAX_LOG10P + " of the reading's tail probability against its series' recent normal readings"
              + " (0.5 with the default 10 is p <= 1e-5, |z| >= 4.42 on Gaussian residuals). After an episode's first"
              + " readings its scores are capped at 0.75 with the defaults: a threshold above that alarms once per episode.")
      .define(SCORE_CRITICAL_THRESHOLD, Type.DOUBLE, 0.9, Validator.between(0, 1),
          "Score at or above which an event is CRITICAL rather than WARNING; at least " + SCORE_THRESHOLD + ".")
      .define(SCORE_MAX_LOG10P, Type.DOUBLE, 10.0, Validator.between(1, 300),
          "-log10 of the tail probability at which the score reaches 1 (10: |z| of about 6.5).")
      .define(SCORE_MIN_HISTORY_POINTS, Type.INT, 30, Validator.between(3, 10_000_000),
          "Fewest history residuals a series needs before its readings are scored; below it they are written with status"
              + " INSUFFICIENT_HISTORY and no score.")
      .define(SCORE_REFERENCE_READINGS, Type.INT, 3000, Validator.between(30, 1_000_000),
          "Readings of a series' recent normal past each reading's score is judged against (its own tail, not a fixed"
              + " Gaussian; see the scoring section of the README). Longer is steadier and adapts more slowly after a change;"
              + " scoring reads up to twice this many readings before each window.")
      .define(SCORE_REFERENCE_MIN_READINGS, Type.INT, 300, Validator.between(3, 1_000_000),
          "Fewest values a reference needs before it judges a reading: a series' first readings (and the first after its"
              + " forecast appears) are its learning period and get no score. Fewer values do not show a series' tail, so"
              + " its everyday excursions would look rare. A series that reports fewer readings in " + SCORE_HISTORY
              + " learns for " + SCORE_HISTORY + " instead, and never for fewer than " + SCORE_MIN_HISTORY_POINTS
              + " readings. At most " + SCORE_REFERENCE_READINGS + ".")
      .define(SCORE_SPIKE_MAX_RUN, Type.INT, 2, Validator.between(1, 1_000),
          "Longest run of consecutive anomalous readings still reported as spikes (one SPIKE event per reading);"
              + " longer runs are level shifts, drift, or FORECAST_DEVIATION.")
      .define(SCORE_SHIFT_WINDOW, Type.DURATION, Duration.ofMinutes(20), Validator.positiveDuration(),
          "Length of each of the level-shift detector's two adjacent windows (it compares their median values, less the"
              + " movement the previous seasons show between the two), so the test means the same whatever a series'"
              + " reporting interval. It also sets how many neighbours a spike must stand out from.")
      .define(SCORE_SHIFT_SIGMAS, Type.DOUBLE, 3.0, Validator.atLeast(0.1),
          "Smallest change of the median value, in robust sigmas of the residuals, reported as a level shift.")
      .define(SCORE_SHIFT_MIN_READINGS, Type.INT, 5, Validator.between(2, 10_000),
          "Fewest readings each shift window holds: a series reporting more slowly than " + SCORE_SHIFT_WINDOW
              + " divided by this gets windows of this many of its own (median) reading intervals instead.")
      .define(SCORE_DRIFT_BUCKETS, Type.INT, 6, Validator.between(2, 10_000),
          "Buckets the drift detector looks back over for a persistent bias of the residuals.")
      .define(SCORE_DRIFT_MIN_BUCKETS, Type.INT, 4, Validator.between(2, 10_000),
          "Fewest buckets with readings it needs in that look-back (gaps are not filled); at most " + SCORE_DRIFT_BUCKETS + ".")
      .define(SCORE_DRIFT_Z, Type.DOUBLE, 4.0, Validator.atLeast(0.1),
          "Significance of the bias (median bucket residual over its standard error) reported as drift.")
      .define(SCORE_DRIFT_AGREEMENT, Type.DOUBLE, 0.75, Validator.between(0, 1),
          "Share of the look-back buckets whose residual must have the bias' sign.")
      .define(SCORE_DRIFT_SIGMAS, Type.DOUBLE, 1.0, Validator.atLeast(0),
          "Smallest bias, in robust sigmas of the reading residuals, reported as drift: significance alone would flag"
              + " biases too small to matter on series whose bucket means are very steady.")
      .define(SCORE_DRIFT_QUIET, Type.DURATION, Duration.ofHours(12), Validator.positiveDuration(),
          "How long a drift must have been quiet before drifting again is a new DRIFT event: one event per drift, however"
              + " long it lasts and across any number of scoring windows. A bucket keeps a drift going while its statistic"
              + " has the drift's sign and at least half " + SCORE_DRIFT_Z + "; buckets the detector cannot judge (no"
              + " readings, a level shift in the look-back) neither continue nor end it. Each run replays how the runs of"
              + " this time before it judged drift, so it takes the drift detector's scales from " + SCORE_HISTORY
              + " less this time (at most half of it); one bucket makes every re-crossing of the threshold an event.")
      .define(SCORE_GAP_FACTOR, Type.DOUBLE, 5.0, Validator.atLeast(1),
          "A silence longer than this many median reading intervals is a gap: no detector window or anomaly run spans it.")
      .define(SCORE_SCALE_FLOOR_RELATIVE, Type.DOUBLE, 1e-3, Validator.between(0, 1),
          "When a series' residuals have no spread (MAD and mean absolute deviation both 0), the scale used instead,"
              + " as a share of its median value.")
      .define(SCORE_SCALE_FLOOR_ABSOLUTE, Type.DOUBLE, 1e-9, positive(),
          "The smallest scale ever used, so every z is finite.");

  private final Resolution resolution;

  public ForecastJobConfig(Map<String, String> originals) {
    super(DEFINITION, originals, List.of(KAFKA_SINK_PREFIX));
    this.resolution = Resolution.fromConfigName(RESOLUTION, getString(RESOLUTION));
    checkHistoryHoldsBacktest();
    checkScoringSettings();
  }

  private static Validator positive() {
    return (key, value) -> {
      if (value != null && !(((Number) value).doubleValue() > 0)) {
        throw VigilErrors.invalidConfigValue(key, String.valueOf(value), "a number greater than 0");
      }
    };
  }

  private void checkScoringSettings() {
    if (scoreCriticalThreshold() < scoreThreshold()) {
      throw VigilErrors.invalidConfigValue(SCORE_CRITICAL_THRESHOLD, String.valueOf(scoreCriticalThreshold()),
          "a score of at least " + SCORE_THRESHOLD + " (" + scoreThreshold() + ")");
    }
    if (scoreDriftMinBuckets() > scoreDriftBuckets()) {
      throw VigilErrors.invalidConfigValue(SCORE_DRIFT_MIN_BUCKETS, String.valueOf(scoreDriftMinBuckets()),
          "at most " + SCORE_DRIFT_BUCKETS + " (" + scoreDriftBuckets() + ")");
    }
    if (scoreReferenceMinReadings() > scoreReferenceReadings()) {
      throw VigilErrors.invalidConfigValue(SCORE_REFERENCE_MIN_READINGS, String.valueOf(scoreReferenceMinReadings()),
          "at most " + SCORE_REFERENCE_READINGS + " (" + scoreReferenceReadings() + ")");
    }
    if (scoreHistory().compareTo(scoreInterval()) < 0) {
      throw VigilErrors.invalidConfigValue(SCORE_HISTORY, String.valueOf(get(SCORE_HISTORY)),
          "at least " + SCORE_INTERVAL + " (" + scoreInterval() + "): the scale must come from more than one window");
    }
  }

  public String scoresPath() {
    return getString(SCORES_PATH);
  }

  public String anomaliesPath() {
    return getString(ANOMALIES_PATH);
  }

  public String anomaliesTopic() {
    return getString(ANOMALIES_TOPIC);
  }

  public boolean scorePublish() {
    return getBoolean(SCORE_PUBLISH);
  }

  public Duration scoreInterval() {
    return getDuration(SCORE_INTERVAL);
  }

  public Duration scoreHistory() {
    return getDuration(SCORE_HISTORY);
  }

  public double scoreThreshold() {
    return getDouble(SCORE_THRESHOLD);
  }

  public double scoreCriticalThreshold() {
    return getDouble(SCORE_CRITICAL_THRESHOLD);
  }

  public double scoreMaxLog10p() {
    return getDouble(SCORE_MAX_LOG10P);
  }

  public int scoreMinHistoryPoints() {
    return getInt(SCORE_MIN_HISTORY_POINTS);
  }

  public int scoreReferenceReadings() {
    return getInt(SCORE_REFERENCE_READINGS);
  }

  public int scoreReferenceMinReadings() {
    return getInt(SCORE_REFERENCE_MIN_READINGS);
  }

  public int scoreSpikeMaxRun() {
    return getInt(SCORE_SPIKE_MAX_RUN);
  }

  public Duration scoreShiftWindow() {
    return getDuration(SCORE_SHIFT_WINDOW);
  }

  public double scoreShiftSigmas() {
    return getDouble(SCORE_SHIFT_SIGMAS);
  }

  public int scoreShiftMinReadings() {
    return getInt(SCORE_SHIFT_MIN_READINGS);
  }

  public int scoreDriftBuckets() {
    return getInt(SCORE_DRIFT_BUCKETS);
  }

  public int scoreDriftMinBuckets() {
    return getInt(SCORE_DRIFT_MIN_BUCKETS);
  }

  public double scoreDriftZ() {
    return getDouble(SCORE_DRIFT_Z);
  }

  public double scoreDriftAgreement() {
    return getDouble(SCORE_DRIFT_AGREEMENT);
  }

  public double scoreDriftSigmas() {
    return getDouble(SCORE_DRIFT_SIGMAS);
  }

  public Duration scoreDriftQuiet() {
    return getDuration(SCORE_DRIFT_QUIET);
  }

  public double scoreGapFactor() {
    return getDouble(SCORE_GAP_FACTOR);
  }

  public double scoreScaleFloorRelative() {
    return getDouble(SCORE_SCALE_FLOOR_RELATIVE);
  }

  public double scoreScaleFloorAbsolute() {
    return getDouble(SCORE_SCALE_FLOOR_ABSOLUTE);
  }

  /** Options for Spark's Kafka sink: durable, idempotent producer writes unless overridden under kafka.sink. */
  public Map<String, String> kafkaSinkOptions() {
    Map<String, String> options = new java.util.TreeMap<>();
    options.put("kafka.bootstrap.servers", getString(KAFKA_BOOTSTRAP_SERVERS));
    options.put("topic", anomaliesTopic());
    options.put("kafka.acks", "all");
    options.put("kafka.enable.idempotence", "true");
    options.putAll(originalsWithPrefix(KAFKA_SINK_PREFIX));
    return options;
  }

  private static Validator openUnitInterval() {
    return (key, value) -> {
      if (value != null && (((Number) value).doubleValue() <= 0 || ((Number) value).doubleValue() > 1)) {
        throw VigilErrors.invalidConfigValue(key, String.valueOf(value), "a number in (0, 1]");
      }
    };
  }

  /** Reads a properties file (may be null) and applies {@code key=value} overrides on top. */
  public static ForecastJobConfig load(Path file, List<String> overrides) {
    return new ForecastJobConfig(ConfigSources.load(file, overrides));
  }

  public String silverPath() {
    return getString(SILVER_PATH);
  }

  public String forecastsPath() {
    return getString(FORECASTS_PATH);
  }

  public Resolution resolution() {
    return resolution;
  }

  public Duration history() {
    return getDuration(HISTORY);
  }

  /** The length of one bucket at the configured resolution. */
  public Duration step() {
    return resolution.step(getDuration(NATIVE_STEP));
  }

  /** Whole buckets in the history window. */
  public int historyBuckets() {
    return (int) Math.min(Integer.MAX_VALUE, history().toMillis() / step().toMillis());
  }

  public int horizon() {
    return getInt(HORIZON);
  }

  public int seasonLength() {
    Object v = get(SEASON_LENGTH);
    return v == null ? resolution.naturalSeason(getDuration(NATIVE_STEP)) : (Integer) v;
  }

  public int movingAverageWindow() {
    Object v = get(MOVING_AVERAGE_WINDOW);
    return v == null ? seasonLength() : (Integer) v;
  }

  public int minHistoryBuckets() {
    Object v = get(MIN_HISTORY);
    return v == null ? 2 * seasonLength() : (Integer) v;
  }

  public int fillMaxGap() {
    return getInt(FILL_MAX_GAP);
  }

  public double intervalCoverage() {
    return getDouble(INTERVAL_COVERAGE);
  }

  /** The registry root: models.path, or a 'models' directory beside the forecasts table. */
  public String modelsPath() {
    String v = getString(MODELS_PATH);
    if (v != null && !v.isBlank()) {
      return v;
    }
    String f = forecastsPath().replaceAll("/+$", "");
    int slash = f.lastIndexOf('/');
    return (slash < 0 ? "" : f.substring(0, slash + 1)) + "models";
  }

  public boolean modelEnabled() {
    return getBoolean(MODEL_ENABLED);
  }

  public int modelLags() {
    return getInt(MODEL_LAGS);
  }

  public int modelProfileSeasons() {
    return getInt(MODEL_PROFILE_SEASONS);
  }

  public int modelMaxIter() {
    return getInt(MODEL_MAX_ITER);
  }

  public int modelMaxDepth() {
    return getInt(MODEL_MAX_DEPTH);
  }

  public double modelStepSize() {
    return getDouble(MODEL_STEP_SIZE);
  }

  public double modelSubsample() {
    return getDouble(MODEL_SUBSAMPLE);
  }

  public long modelSeed() {
    return getLong(MODEL_SEED);
  }

  public boolean modelRefit() {
    return getBoolean(MODEL_REFIT);
  }

  public int trainOriginStride() {
    return getInt(TRAIN_ORIGIN_STRIDE);
  }

  public int backtestOrigins() {
    return getInt(BACKTEST_ORIGINS);
  }

  public int backtestSpacing() {
    Object v = get(BACKTEST_SPACING);
    return v == null ? horizon() : (Integer) v;
  }

  public double promoteMaxRelMase() {
    return getDouble(PROMOTE_MAX_REL_MASE);
  }

  /**
   * Buckets training needs: the backtest's origins and last horizon, and before the first origin
   * two seasons plus the lags, so the model has rows to learn from and MASE a scale.
   */
  public int trainingBucketsNeeded() {
    return (backtestOrigins() - 1) * backtestSpacing() + horizon() + 2 * seasonLength() + modelLags();
  }

  /** Checked when training, not on load: forecasting with the baselines needs less history. */
  public void checkHistoryHoldsModelBacktest() {
    if (historyBuckets() < trainingBucketsNeeded()) {
      throw VigilErrors.invalidConfigValue(HISTORY, String.valueOf(get(HISTORY)),
          "at least " + trainingBucketsNeeded() + " " + resolution.configName() + " buckets to train a model: "
              + BACKTEST_ORIGINS + " x " + BACKTEST_SPACING + " + " + HORIZON + " for the backtest, and two seasons plus "
              + MODEL_LAGS + " before it (or lower those settings)");
    }
  }

  // The backtest holds out the last season and seasonal naive needs a season before it.
  private void checkHistoryHoldsBacktest() {
    int needed = 2 * seasonLength();
    if (historyBuckets() < needed) {
      throw VigilErrors.invalidConfigValue(HISTORY, String.valueOf(get(HISTORY)),
          "at least two seasons (" + needed + " " + resolution.configName() + " buckets) so the last season can be backtested");
    }
    if (minHistoryBuckets() > historyBuckets()) {
      throw VigilErrors.invalidConfigValue(MIN_HISTORY, String.valueOf(minHistoryBuckets()),
          "at most the " + historyBuckets() + " buckets that " + HISTORY + " holds");
    }
  }
}
