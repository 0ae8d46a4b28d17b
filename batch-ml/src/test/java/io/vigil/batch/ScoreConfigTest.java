package io.vigil.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.common.config.ConfigException;
import io.vigil.schemas.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScoreConfigTest {
  @Test
  void defaultsScoreTheLastHourAgainstThreeDaysOfHistoryAndPublishDurably() {
    ForecastJobConfig c = new ForecastJobConfig(Map.of(ForecastJobConfig.KAFKA_SINK_PREFIX + "kafka.linger.ms", "5"));

    assertThat(c.scoreInterval()).isEqualTo(Duration.ofHours(1));
    assertThat(c.scoreHistory()).isEqualTo(Duration.ofDays(3));
    assertThat(c.scoreThreshold()).isEqualTo(0.5);
    assertThat(c.anomaliesTopic()).isEqualTo(Topics.ANOMALIES);
    assertThat(c.kafkaSinkOptions()).containsEntry("kafka.acks", "all").containsEntry("kafka.enable.idempotence", "true")
        .containsEntry("topic", Topics.ANOMALIES).containsEntry("kafka.linger.ms", "5");
    assertThat(c.scoresPath()).isEqualTo(io.vigil.common.VigilHome.table("anomaly_scores").toString());
  }

  @ParameterizedTest(name = "{0}={1} is refused, naming {2}")
  @CsvSource({
      "score.threshold, 1.5, score.threshold",
      "score.threshold, -0.1, score.threshold",
      // A critical level below the alert level would make every event critical: reported on the critical key.
      "score.critical.threshold, 0.3, score.critical.threshold",
      "score.interval, 0s, score.interval",
      "score.interval, hourly, score.interval",
      "score.history, 30m, score.history",
      "score.calibration.max.log10p, 0, score.calibration.max.log10p",
      "score.min.history.points, 2, score.min.history.points",
      "score.spike.max.run, 0, score.spike.max.run",
      "score.shift.window, 0s, score.shift.window",
      "score.shift.window, 10, score.shift.window",
      "score.shift.sigmas, 0, score.shift.sigmas",
      "score.shift.min.readings, 1, score.shift.min.readings",
      "score.drift.buckets, 1, score.drift.buckets",
      "score.drift.min.buckets, 7, score.drift.min.buckets",
      "score.drift.z, 0, score.drift.z",
      "score.drift.agreement, 2, score.drift.agreement",
      "score.drift.sigmas, -1, score.drift.sigmas",
      "score.drift.quiet, 0s, score.drift.quiet",
      "score.drift.quiet, 12, score.drift.quiet",
      "score.gap.factor, 0.5, score.gap.factor",
      "score.scale.floor.absolute, 0, score.scale.floor.absolute",
      "score.publish, sometimes, score.publish",
      "topics.anomalies, '', topics.anomalies",
      "kafka.bootstrap.servers, '', kafka.bootstrap.servers",
      "score.treshold, 0.5, score.treshold"})
  void invalidScoringSettingsAreRefusedNamingTheKey(String key, String value, String named) {
    Map<String, String> m = new HashMap<>();
    m.put(key, value);

    assertThatThrownBy(() -> new ForecastJobConfig(m))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'" + named + "'");
  }
}
