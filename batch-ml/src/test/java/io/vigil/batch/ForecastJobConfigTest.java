package io.vigil.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.common.config.ConfigException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ForecastJobConfigTest {
  private static Map<String, String> required() {
    Map<String, String> m = new HashMap<>();
    m.put(ForecastJobConfig.SILVER_PATH, "/data/silver");
    m.put(ForecastJobConfig.FORECASTS_PATH, "/data/forecasts");
    return m;
  }

  @Test
  void defaultsAreHourlyTwoWeeksOneDayAhead() {
    ForecastJobConfig c = new ForecastJobConfig(required());

    assertThat(c.resolution()).isEqualTo(Resolution.HOURLY);
    assertThat(c.history()).isEqualTo(Duration.ofDays(14));
    assertThat(c.historyBuckets()).isEqualTo(336);
    assertThat(c.horizon()).isEqualTo(24);
    assertThat(c.seasonLength()).isEqualTo(24);
    assertThat(c.movingAverageWindow()).isEqualTo(24);
    assertThat(c.minHistoryBuckets()).isEqualTo(48);
    assertThat(c.fillMaxGap()).isEqualTo(2);
  }

  @Test
  void dailyResolutionDefaultsToAWeeklySeason() {
    Map<String, String> m = required();
    m.put(ForecastJobConfig.RESOLUTION, "daily");
    m.put(ForecastJobConfig.HISTORY, "56d");

    ForecastJobConfig c = new ForecastJobConfig(m);

    assertThat(c.seasonLength()).isEqualTo(7);
    assertThat(c.historyBuckets()).isEqualTo(56);
  }

  @ParameterizedTest(name = "{0}={1} is refused, naming {2}")
  @CsvSource({
      "silver.path, '', silver.path",
      "forecast.resolution, weekly, forecast.resolution",
      "forecast.horizon, 0, forecast.horizon",
      "forecast.history, 1d, forecast.history",
      "forecast.history, soon, forecast.history",
      // A season too long for the history is reported on the history: that is what has to grow.
      "forecast.season.length, 200, forecast.history",
      "forecast.min.history, 400, forecast.min.history",
      "forecast.fill.max.gap, -1, forecast.fill.max.gap",
      "forecast.interval.coverage, 1.5, forecast.interval.coverage",
      "forecast.resolution, minutely, forecast.resolution",
      "forecast.native.step, 0s, forecast.native.step",
      "forecast.model.lags, 0, forecast.model.lags",
      "forecast.model.max.iter, 0, forecast.model.max.iter",
      "forecast.model.step.size, 0, forecast.model.step.size",
      "forecast.model.subsample, 1.5, forecast.model.subsample",
      "forecast.model.enabled, maybe, forecast.model.enabled",
      "forecast.backtest.origins, 0, forecast.backtest.origins",
      "forecast.backtest.spacing, 0, forecast.backtest.spacing",
      "models.promote.max.relmase, -1, models.promote.max.relmase",
      "score.reference.min.readings, 2, score.reference.min.readings",
      // Longer than the reference itself: it could never fill.
      "score.reference.min.readings, 5000, score.reference.min.readings",
      "forecast.horizn, 12, forecast.horizn"})
  void invalidSettingsAreRefusedNamingTheKey(String key, String value, String named) {
    Map<String, String> m = required();
    m.put(key, value);

    assertThatThrownBy(() -> new ForecastJobConfig(m))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'" + named + "'");
  }

  @Test
  void nativeResolutionUsesTheConfiguredStepAndADayOfStepsAsTheSeason() {
    Map<String, String> m = required();
    m.put(ForecastJobConfig.RESOLUTION, "native");
    m.put(ForecastJobConfig.NATIVE_STEP, "10m");

    ForecastJobConfig c = new ForecastJobConfig(m);

    assertThat(c.step()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.seasonLength()).isEqualTo(144);
    assertThat(c.historyBuckets()).isEqualTo(14 * 144);
  }

  @Test
  void theRegistryDefaultsToAModelsDirectoryBesideTheForecastsTable() {
    assertThat(new ForecastJobConfig(required()).modelsPath()).isEqualTo("/data/models");
    Map<String, String> m = required();
    m.put(ForecastJobConfig.FORECASTS_PATH, "s3a://lake/tables/forecasts/");
    assertThat(new ForecastJobConfig(m).modelsPath()).isEqualTo("s3a://lake/tables/models");
    m.put(ForecastJobConfig.MODELS_PATH, "/elsewhere/models");
    assertThat(new ForecastJobConfig(m).modelsPath()).isEqualTo("/elsewhere/models");
  }

  @Test
  void trainingNeedsRoomForTheBacktestAndIsRefusedNamingTheHistory() {
    Map<String, String> m = required();
    m.put(ForecastJobConfig.BACKTEST_ORIGINS, "20");
    ForecastJobConfig c = new ForecastJobConfig(m); // fine for the baselines

    assertThatThrownBy(c::checkHistoryHoldsModelBacktest)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'forecast.history'")
        .hasMessageContaining("forecast.backtest.origins");
    new ForecastJobConfig(required()).checkHistoryHoldsModelBacktest();
  }

  @Test
  void pathsDefaultToWhereTheLocalStreamingJobWritesSilver() {
    ForecastJobConfig c = new ForecastJobConfig(Map.of());
    assertThat(c.silverPath()).isEqualTo(io.vigil.common.VigilHome.table("silver").toString());
    assertThat(c.forecastsPath()).isEqualTo(io.vigil.common.VigilHome.table("forecasts").toString());
  }
}
