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
          "Share of backtest absolute errors the prediction interval [lower, upper] covers.");

  private final Resolution resolution;

  public ForecastJobConfig(Map<String, String> originals) {
    super(DEFINITION, originals, List.of());
    this.resolution = Resolution.fromConfigName(RESOLUTION, getString(RESOLUTION));
    checkHistoryHoldsBacktest();
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

  /** Whole buckets in the history window. */
  public int historyBuckets() {
    return (int) Math.min(Integer.MAX_VALUE, history().toMillis() / resolution.step().toMillis());
  }

  public int horizon() {
    return getInt(HORIZON);
  }

  public int seasonLength() {
    Object v = get(SEASON_LENGTH);
    return v == null ? resolution.naturalSeason() : (Integer) v;
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
