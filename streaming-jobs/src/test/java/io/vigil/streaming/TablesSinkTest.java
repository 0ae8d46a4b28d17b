package io.vigil.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.schemas.KafkaHeaders;
import io.vigil.schemas.ParserOptions;
import io.vigil.schemas.TableSchemas;
import io.vigil.schemas.TelemetryParser;
import io.vigil.streaming.internal.CheckpointState;
import io.vigil.streaming.internal.DeltaTables;
import io.vigil.streaming.internal.JobMetrics;
import io.vigil.streaming.internal.TablesBatch;
import io.vigil.streaming.internal.TablesSink;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.streaming.MemoryStream;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tables query's batch function on a local SparkSession and real Delta tables, batch by batch. */
class TablesSinkTest {
  private static final long NOW = Instant.parse("2024-05-01T12:00:00Z").toEpochMilli();
  private static final long DELAY = Duration.ofMinutes(10).toMillis();
  private static SparkSession spark;

  @TempDir Path dir;
  private TablesSink.Paths paths;
  private JobMetrics metrics;
  private TablesSink sink;

  @BeforeAll
  static void startSpark() {
    spark = SparkSessions.local("TablesSinkTest", 2);
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @BeforeEach
  void tables() {
    paths = new TablesSink.Paths(path("bronze"), path("silver"), path("late_data"), path("quarantine"), path("attributes"));
    DeltaTables.createIfNotExists(spark, paths.bronze(), TableSchemas.BRONZE, "ingest_date");
    DeltaTables.createIfNotExists(spark, paths.silver(), TableSchemas.SILVER, "event_date");
    DeltaTables.createIfNotExists(spark, paths.lateData(), TableSchemas.LATE_DATA, "event_date");
    DeltaTables.createIfNotExists(spark, paths.quarantine(), TableSchemas.QUARANTINE, "ingest_date");
    metrics = new JobMetrics();
    sink = newSink(path("cp"));
  }

  private TablesSink newSink(String checkpoint) {
    return new TablesSink(paths, new TelemetryParser(ParserOptions.defaults()), DELAY, checkpoint, metrics);
  }

  private String path(String name) {
    return dir.resolve(name).toString();
  }

  private static String reading(long ts, String msgId, String metrics) {
    return "{\"ts\": " + ts + (msgId == null ? "" : ", \"msgId\": \"" + msgId + "\"") + ", " + metrics + "}";
  }

  private static Dataset<Row> kafka(KafkaRows rows) {
    return spark.createDataFrame(rows.rows(), KafkaRows.SCHEMA);
  }

  private long count(String table) {
    return spark.read().format("delta").load(table).count();
  }

  @Test
  void eachRecordLandsOnceInItsTablesAcrossBatchesReplaysAndDuplicates() {
    String first = reading(NOW, "a-1", "\"t\": 1, \"h\": 2");
    // Batch 0: a reading, its MQTT redelivery in the same batch, garbage.
    sink.call(kafka(new KafkaRows().add("dev-a", first, NOW).add("dev-a", first, NOW + 5).add("dev-a", "{oops", NOW)), 0L);
    assertThat(count(paths.bronze())).isEqualTo(3);
    assertThat(count(paths.silver())).isEqualTo(2);
    assertThat(count(paths.quarantine())).isEqualTo(1);

    // Batch 1: the bridge retried (same reading at new offsets) plus a new reading without msgId.
    KafkaRows batch1 = new KafkaRows().startingAt(3).add("dev-a", first, NOW + 2_000)
        .add("dev-a", reading(NOW + 10_000, null, "\"t\": 3"), NOW + 10_000);
    sink.call(kafka(batch1), 1L);
    // Measurements not written because silver has them: a-1's two metrics in batch 0 and again in batch 1.
    assertThat(metrics.counter("duplicates_dropped")).isEqualTo(4);
    // Spark replays batch 1 after a crash: every table already has it.
    sink.call(kafka(batch1), 1L);
    assertThat(count(paths.bronze())).isEqualTo(5);
    List<Row> silver = spark.read().format("delta").load(paths.silver()).orderBy("event_time", "metric").collectAsList();
    assertThat(silver).extracting(r -> r.getAs("message_id") + "/" + r.getAs("metric"))
        .containsExactly("a-1/h", "a-1/t", "null/t");
    assertThat(silver.get(2).<Long>getAs("source_offset")).isEqualTo(4L);

    // Batch 2: dev-a's watermark is NOW+10s-10m. One reading 20 minutes old (late_data), one 5
    // minutes old (silver, counted), a new device a day behind (no watermark yet: silver).
    sink.call(kafka(new KafkaRows().startingAt(5)
        .add("dev-a", reading(NOW + 10_000 - Duration.ofMinutes(20).toMillis(), "a-0", "\"t\": 9"), NOW + 11_000)
        .add("dev-a", reading(NOW + 10_000 - Duration.ofMinutes(5).toMillis(), "a-5", "\"t\": 8"), NOW + 11_000)
        .add("dev-b", reading(NOW - Duration.ofDays(1).toMillis(), null, "\"p\": 1.5"), NOW + 11_000)), 2L);
    assertThat(count(paths.silver())).isEqualTo(5);
    List<Row> late = spark.read().format("delta").load(paths.lateData()).collectAsList();
    assertThat(late).hasSize(1);
    assertThat(late.get(0).<String>getAs("reason")).isEqualTo(TablesBatch.BEYOND_WATERMARK);
    assertThat(late.get(0).<String>getAs("message_id")).isEqualTo("a-0");
    assertThat(late.get(0).<Long>getAs("lateness_ms")).isEqualTo(Duration.ofMinutes(10).toMillis());
    assertThat(late.get(0).<java.sql.Timestamp>getAs("watermark").getTime()).isEqualTo(NOW + 10_000 - DELAY);
    assertThat(metrics.counter("late_within_watermark")).isEqualTo(1);
    assertThat(metrics.lastTableRows("tables")).containsEntry("bronze", 3L).containsEntry("silver", 2L)
        .containsEntry("late_data", 1L).containsEntry("quarantine", 0L);

    // Bronze keeps the record as it came: bytes, offsets and headers.
    Row bronze = spark.read().format("delta").load(paths.bronze()).where("offset = 2").first();
    assertThat(new String(bronze.<byte[]>getAs("value"))).isEqualTo("{oops");
    assertThat(bronze.<String, String>getJavaMap(bronze.fieldIndex("headers")))
        .containsEntry(KafkaHeaders.MQTT_TOPIC, "devices/dev-a/telemetry");
    Row quarantined = spark.read().format("delta").load(paths.quarantine()).first();
    assertThat(quarantined.<String>getAs("reason")).isEqualTo("NOT_JSON");
    assertThat(new String(quarantined.<byte[]>getAs("payload"))).isEqualTo("{oops");
  }

  @Test
  void watermarksSurviveARestartAndANewCheckpointStillFindsSilverDuplicates() {
    sink.call(kafka(new KafkaRows().add("dev-a", reading(NOW, "a-1", "\"t\": 1"), NOW)), 0L);
    // A new sink on the same checkpoint (the job restarted) reads the persisted watermark.
    TablesSink restarted = newSink(path("cp"));
    restarted.call(kafka(new KafkaRows().startingAt(1)
        .add("dev-a", reading(NOW - Duration.ofMinutes(11).toMillis(), "a-0", "\"t\": 1"), NOW)), 1L);
    assertThat(count(paths.lateData())).isEqualTo(1);

    // A new checkpoint re-reads Kafka from the start: new app id, no watermarks, and silver already
    // holds the readings, so none is written twice.
    TablesSink fresh = newSink(path("cp2"));
    fresh.call(kafka(new KafkaRows().add("dev-a", reading(NOW, "a-1", "\"t\": 1"), NOW)), 0L);
    assertThat(count(paths.silver())).isEqualTo(1);
    assertThat(new CheckpointState(spark, path("cp")).appId().id())
        .isNotEqualTo(new CheckpointState(spark, path("cp2")).appId().id());
  }

  @Test
  void runsAsTheForeachBatchOfAStream() throws Exception {
    MemoryStream<Row> stream = new MemoryStream<>(1, spark.sqlContext(), scala.Option.apply(2), Encoders.row(KafkaRows.SCHEMA));
    StreamingQuery query = stream.toDF().writeStream().option("checkpointLocation", path("stream-cp"))
        .foreachBatch(newSink(path("stream-cp"))).start();
    try {
      stream.addData(scala.collection.JavaConverters.asScalaBuffer(new KafkaRows()
          .add("dev-a", reading(NOW, "a-1", "\"t\": 1, \"h\": 2"), NOW).add("dev-b", "[1]", NOW).rows()).toSeq());
      query.processAllAvailable();
      assertThat(count(paths.silver())).isEqualTo(2);
      assertThat(count(paths.quarantine())).isEqualTo(1);
      assertThat(count(paths.bronze())).isEqualTo(2);
    } finally {
      query.stop();
    }
  }

}
