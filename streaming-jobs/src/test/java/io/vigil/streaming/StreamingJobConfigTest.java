package io.vigil.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.common.config.ConfigException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class StreamingJobConfigTest {
  @Test
  void defaultsTargetTheLocalStack() {
    StreamingJobConfig c = StreamingJobConfig.defaults();
    assertThat(c.bootstrapServers()).isEqualTo("127.0.0.1:19092");
    assertThat(c.telemetryTopic()).isEqualTo("vigil.telemetry");
    assertThat(c.anomaliesTopic()).isEqualTo("vigil.anomalies");
    assertThat(c.queries()).containsExactly("tables", "gold", "device-watch");
    assertThat(c.metricsPort()).isEqualTo(9465);
    assertThat(c.metricsBindAddress()).isEqualTo("127.0.0.1");
    assertThat(c.goldExpectedIntervalOverrides()).isEmpty();
    assertThat(c.runFor()).as("runs until stopped").isEmpty();
    assertThat(c.deviceWatchSettings().gapFactor()).isEqualTo(3.0);
    assertThat(c.kafkaSourceOptions()).containsEntry("includeHeaders", "true").containsEntry("failOnDataLoss", "true");
    assertThat(c.kafkaSinkOptions()).containsEntry("kafka.acks", "all").containsEntry("topic", "vigil.anomalies");
  }

  @Test
  void pathsDeriveFromRootsUnlessOverridden() {
    StreamingJobConfig c = new StreamingJobConfig(Map.of("tables.root", "s3a://lake/vigil/", "checkpoints.root", "/cp",
        "tables.quarantine.path", "/elsewhere/q"));
    assertThat(c.silverPath()).isEqualTo("s3a://lake/vigil/silver");
    assertThat(c.anomalyEventsPath()).isEqualTo("s3a://lake/vigil/anomaly_events");
    assertThat(c.attributesPath()).isEqualTo("s3a://lake/vigil/attributes");
    assertThat(c.quarantinePath()).isEqualTo("/elsewhere/q");
    assertThat(c.checkpointPath("tables")).isEqualTo("/cp/tables/v1");
    assertThat(c.checkpointPath("gold")).isEqualTo("/cp/gold/v1");
    assertThat(c.bronzePath()).isEqualTo("s3a://lake/vigil/bronze");
    assertThat(c.lateDataPath()).isEqualTo("s3a://lake/vigil/late_data");
    assertThat(c.gold1mPath()).isEqualTo("s3a://lake/vigil/gold_1m");
    assertThat(c.gold1hPath()).isEqualTo("s3a://lake/vigil/gold_1h");
    assertThat(c.checkpointPath("device-watch")).isEqualTo("/cp/device-watch/v3");
  }

  @Test
  void overridesAndPassThroughKafkaOptions() {
    StreamingJobConfig c = StreamingJobConfig.load(null, List.of("trigger.interval=2s", "device.watch.gap.factor=4",
        "kafka.source.kafka.security.protocol=SSL", "parser.strict=false", "job.queries=tables,device-watch",
        "gold.expected.interval.overrides=dev-1=5s, dev-2=2m"));
    assertThat(c.triggerInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.deviceWatchSettings().gapFactor()).isEqualTo(4.0);
    assertThat(c.kafkaSourceOptions()).containsEntry("kafka.security.protocol", "SSL");
    assertThat(c.kafkaSinkOptions()).doesNotContainKey("kafka.security.protocol");
    assertThat(c.parserOptions().strict()).isFalse();
    assertThat(c.queries()).containsExactly("tables", "device-watch");
    assertThat(c.goldExpectedIntervalOverrides())
        .containsExactly(Map.entry("dev-1", Duration.ofSeconds(5)), Map.entry("dev-2", Duration.ofMinutes(2)));
    assertThat(StreamingJobConfig.load(null, List.of("job.run.for=90s")).runFor()).contains(Duration.ofSeconds(90));
  }

  @ParameterizedTest(name = "{0}={1} is refused")
  @CsvSource({
      "device.watch.gap.factor, 0.5",
      "device.watch.state.expiry, 30m",
      "trigger.interval, 0s",
      "kafka.max.offsets.per.trigger, 0",
      "parser.topic.layout, devices/#",
      "job.queries, tables;bogus",
      "job.queries, silver",
      "job.queries, quarantine;device-watch",
      "gold.expected.interval.overrides, dev-1",
      "gold.expected.interval.overrides, dev-1=0s",
      "metrics.port, 70000",
      "job.stop.timeout, 0s",
      "device.watch.min.samples, 0",
      "trigger.intervall, 5s",
      "job.run.for, 0s",
      "maintenance.vacuum.retention, 6d",
      "maintenance.vacuum.retention, 167h",
      "maintenance.recent.window, 12h",
      "maintenance.tables, silver;gold_1m",
      "maintenance.tables, gold_1h",
      "maintenance.tables, bogus",
      "maintenance.vacuum.only.tables, gold_1d",
  })
  void invalidSettingsAreRefusedNamingTheKey(String key, String value) {
    assertThatThrownBy(() -> new StreamingJobConfig(Map.of(key, value.replace(';', ','))))
        .hasMessageContaining(key.equals("parser.topic.layout") ? "devices/#" : key);
  }

  @Test
  void retiredQueryNamesPointAtTheTablesQuery() {
    assertThatThrownBy(() -> new StreamingJobConfig(Map.of("job.queries", "silver,quarantine")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'silver'").hasMessageContaining("Use 'tables' instead");
  }

  @Test
  void maintenanceDefaultsCompactTheAppendOnlyTablesAndVacuumGoldOnly() {
    StreamingJobConfig c = new StreamingJobConfig(Map.of("tables.root", "/lake"));
    assertThat(c.maintenanceTables()).containsExactly("bronze", "silver", "late_data", "quarantine", "attributes",
        "anomaly_events");
    assertThat(c.maintenanceVacuumOnlyTables()).containsExactly("gold_1m", "gold_1h");
    assertThat(c.maintenanceRecentWindow()).isEqualTo(Duration.ofDays(1));
    assertThat(c.maintenanceVacuumRetention()).isEqualTo(Duration.ofDays(7));
    assertThat(c.maintenanceVacuumEnabled()).isTrue();
    assertThat(TableMaintenance.tables(c)).extracting(TableMaintenance.Table::path).containsExactly("/lake/bronze",
        "/lake/silver", "/lake/late_data", "/lake/quarantine", "/lake/attributes", "/lake/anomaly_events", "/lake/gold_1m",
        "/lake/gold_1h");
    assertThat(TableMaintenance.tables(c)).extracting(TableMaintenance.Table::compact)
        .containsExactly(true, true, true, true, true, true, false, false);
    StreamingJobConfig tablesOnly = new StreamingJobConfig(Map.of("job.queries", "tables,device-watch"));
    assertThat(TableMaintenance.tables(tablesOnly)).as("gold is not written by this job: nothing to maintain")
        .extracting(TableMaintenance.Table::name)
        .containsExactly("bronze", "silver", "late_data", "quarantine", "attributes",
        "anomaly_events");
    assertThat(new StreamingJobConfig(Map.of("maintenance.vacuum.retention", "168h")).maintenanceVacuumRetention())
        .isEqualTo(Duration.ofDays(7));
  }

  @Test
  void goldInMaintenanceTablesIsRefusedWithTheConflictAndTheSafeWay() {
    assertThatThrownBy(() -> new StreamingJobConfig(Map.of("maintenance.tables", "silver,gold_1m")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("maintenance.tables").hasMessageContaining("'gold_1m'")
        .hasMessageContaining("concurrent-modification conflict")
        .hasMessageContaining("stop the gold query first");
  }

  @Test
  void shortVacuumRetentionIsRefusedSayingWhatStillNeedsTheFiles() {
    assertThatThrownBy(() -> new StreamingJobConfig(Map.of("maintenance.vacuum.retention", "1d")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("maintenance.vacuum.retention").hasMessageContaining("1d").hasMessageContaining("7d")
        .hasMessageContaining("lagging streaming reader").hasMessageContaining("time-travel");
  }

  @Test
  void unknownKeyErrorSuggestsTheRightOne() {
    assertThatThrownBy(() -> new StreamingJobConfig(Map.of("trigger.intervall", "5s")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("trigger.interval'?");
  }
}
