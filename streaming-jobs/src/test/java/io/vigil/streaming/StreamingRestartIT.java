package io.vigil.streaming;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.schemas.RejectReason;
import io.vigil.simulator.SimulatorConfig;
import io.vigil.testsupport.KafkaServerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job in its own JVM, killed with SIGKILL in the middle of a backlog and restarted from its
 * checkpoints: silver holds each published measurement exactly once (injected duplicates too),
 * bronze each Kafka record once, quarantine each malformed message with its reason; then SIGTERM
 * stops it cleanly with exit code 0.
 */
class StreamingRestartIT {
  @RegisterExtension static final KafkaServerExtension kafka = new KafkaServerExtension();
  private static final Duration TIMEOUT = Duration.ofMinutes(10);
  private static final String TELEMETRY = "restart.telemetry";
  private static SparkSession spark;

  @TempDir Path dir;

  @BeforeAll
  static void startSpark() {
    spark = SparkSessions.local("StreamingRestartIT", 1);
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @Test
  void killedMidStreamAndRestartedSilverHoldsEachMeasurementOnce() throws Exception {
    kafka.createTopic(TELEMETRY, 2);
    SimulatedKafkaLoad load = new SimulatedKafkaLoad(Map.of(
        SimulatorConfig.DEVICES, "12",
        SimulatorConfig.HISTORY, "10m",
        SimulatorConfig.DURATION, "0s",
        SimulatorConfig.INTERVAL, "1s",
        SimulatorConfig.SEED, "7",
        SimulatorConfig.FAULTS, "duplicate=0.05,malformed=0.02",
        SimulatorConfig.LABELS, dir.resolve("labels.csv").toString()));
    assertThat(load.duplicatesInjected).as("the simulator must inject duplicates").isPositive();
    assertThat(load.rejected).as("and malformed messages").isPositive();
    Path tables = dir.resolve("tables");
    List<String> settings = List.of(
        "kafka.bootstrap.servers=" + kafka.bootstrapServers(),
        "topics.telemetry=" + TELEMETRY,
        "tables.root=" + tables,
        "checkpoints.root=" + dir.resolve("checkpoints"),
        "job.queries=tables,gold",
        "trigger.interval=1s",
        // Small batches: the backlog takes many, so the kill lands in the middle of the stream.
        "kafka.max.offsets.per.trigger=1500",
        "silver.dedup.watermark=1h",
        "metrics.port=0");
    int total = load.messages.size();
    try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
      load.send(producer, TELEMETRY, 0, total / 2);
      try (JobProcess first = JobProcess.start(dir.resolve("job-1.log"), settings)) {
        await("a first silver commit (see " + first.log + ")").atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1))
            .until(() -> commits(tables.resolve("silver")) >= 1 || !first.process().isAlive());
        assertThat(first.process().isAlive()).as(first.logTail()).isTrue();
        load.send(producer, TELEMETRY, total / 2, total);
        first.kill();
      }
      assertThat(spark.read().format("delta").load(tables.resolve("bronze").toString()).count())
          .as("killed before the backlog was done").isLessThan(total);

      try (JobProcess second = JobProcess.start(dir.resolve("job-2.log"), settings)) {
        await("every record in bronze (see " + second.log + ")").atMost(TIMEOUT).pollInterval(Duration.ofSeconds(2))
            .until(() -> spark.read().format("delta").load(tables.resolve("bronze").toString()).count() >= total
                || !second.process().isAlive());
        assertThat(second.process().isAlive()).as(second.logTail()).isTrue();
        await("silver complete").atMost(TIMEOUT).pollInterval(Duration.ofSeconds(2))
            .until(() -> silver(tables).select("measurement_id").distinct().count() >= load.uniqueMeasurementIds.size());

        var bronze = spark.read().format("delta").load(tables.resolve("bronze").toString());
        assertThat(bronze.count()).isEqualTo(total);
        assertThat(bronze.select("partition", "offset").distinct().count()).isEqualTo(total);

        var silver = silver(tables);
        Set<String> ids = new HashSet<>(silver.select("measurement_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
        assertThat(silver.count()).as("one row per measurement, none doubled").isEqualTo(ids.size());
        assertThat(ids).as("none lost, none made up").isEqualTo(load.uniqueMeasurementIds);
        assertThat(spark.read().format("delta").load(tables.resolve("late_data").toString()).count()).isZero();

        var quarantine = spark.read().format("delta").load(tables.resolve("quarantine").toString());
        assertThat(quarantine.count()).isEqualTo(load.rejected);
        Set<String> reasons = Set.copyOf(quarantine.select("reason").distinct().as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
        assertThat(Arrays.stream(RejectReason.values()).map(Enum::name)).containsAll(reasons);
        assertThat(quarantine.where(col("payload").isNull()).count()).isZero();

        // Gold caught up with silver: every reading counted once in its 1-minute window.
        await("gold complete").atMost(TIMEOUT).pollInterval(Duration.ofSeconds(2)).until(() ->
            goldCount(tables.resolve("gold_1m")) == silver.count());

        assertThat(second.terminate(120)).as("exit code after SIGTERM; " + second.logTail()).isZero();
        assertThat(Files.readString(second.log)).contains("Stop signal received").contains("Streaming job stopped");
      }
    }
  }

  private static org.apache.spark.sql.Dataset<Row> silver(Path tables) {
    return spark.read().format("delta").load(tables.resolve("silver").toString());
  }

  private static long goldCount(Path table) {
    Row r = spark.read().format("delta").load(table.toString()).agg(org.apache.spark.sql.functions.sum("count")).first();
    return r.isNullAt(0) ? 0 : r.getLong(0);
  }

  /** Delta commits after the table's creation (version 0). */
  private static long commits(Path table) throws java.io.IOException {
    Path log = table.resolve("_delta_log");
    if (!Files.isDirectory(log)) {
      return 0;
    }
    try (var files = Files.list(log)) {
      return files.filter(f -> f.getFileName().toString().matches("\\d{20}\\.json")).count() - 1;
    }
  }
}
