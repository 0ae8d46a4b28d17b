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
          "Lags 1..L (in buckets) the model sees; also the short rolling window. The last L buckets before the"
              + " origin must be present for the model to forecast a series.")
      .define(MODEL_PROFILE_SEASONS, Type.INT, 4, Validator.between(1, 100),
          "Seasons averaged into the seasonal profile feature (mean of the same phase in the last P seasons).")
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
              + " and below the current model's; 1.0 means it must at least beat seasonal naive.");

  private final Resolution resolution;

  public ForecastJobConfig(Map<String, String> originals) {
    super(DEFINITION, originals, List.of());
    this.resolution = Resolution.fromConfigName(RESOLUTION, getString(RESOLUTION));
    checkHistoryHoldsBacktest();
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
