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
      "forecast.horizn, 12, forecast.horizn"})
  void invalidSettingsAreRefusedNamingTheKey(String key, String value, String named) {
    Map<String, String> m = required();
    m.put(key, value);

    assertThatThrownBy(() -> new ForecastJobConfig(m))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'" + named + "'");
  }

  @Test
  void pathsDefaultToWhereTheLocalStreamingJobWritesSilver() {
    ForecastJobConfig c = new ForecastJobConfig(Map.of());
    assertThat(c.silverPath()).isEqualTo(io.vigil.common.VigilHome.table("silver").toString());
    assertThat(c.forecastsPath()).isEqualTo(io.vigil.common.VigilHome.table("forecasts").toString());
  }
}
