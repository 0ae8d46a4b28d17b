package io.vigil.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.schemas.ParserOptions;
import io.vigil.schemas.TableSchemas;
import io.vigil.schemas.TelemetryParser;
import io.vigil.streaming.internal.DeltaTables;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.streaming.MemoryStream;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The silver and quarantine queries as streams into real Delta tables, fed batch by batch. */
class SilverStreamTest {
  private static final long NOW = Instant.parse("2024-05-01T12:00:00Z").toEpochMilli();
  private static SparkSession spark;

  @TempDir Path dir;

  @BeforeAll
  static void startSpark() {
    spark = SparkSessions.local("SilverStreamTest", 2);
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @Test
  void redeliveredRecordsInLaterBatchesAreNotWrittenTwice() throws Exception {
    String silver = dir.resolve("silver").toString();
    DeltaTables.createIfNotExists(spark, silver, TableSchemas.SILVER, "event_date");
    MemoryStream<Row> kafka = new MemoryStream<>(1, spark.sqlContext(), scala.Option.apply(2), Encoders.row(KafkaRows.SCHEMA));
    StreamingQuery query = TelemetryParsing.toSilver(
            TelemetryParsing.parse(kafka.toDF(), new TelemetryParser(ParserOptions.defaults())), Duration.ofMinutes(10))
        .writeStream().format("delta").option("checkpointLocation", dir.resolve("cp").toString()).start(silver);
    try {
      String first = "{\"ts\": " + NOW + ", \"msgId\": \"a-1\", \"t\": 1, \"h\": 2}";
      String second = "{\"ts\": " + (NOW + 10_000) + ", \"msgId\": \"a-2\", \"t\": 3}";
      add(kafka, new KafkaRows().add("dev-a", first, NOW).add("dev-a", first, NOW + 5)); // MQTT dup in one batch
      query.processAllAvailable();
      assertThat(spark.read().format("delta").load(silver).count()).isEqualTo(2);

      // The bridge retried after a timeout: the same message again, at new offsets, plus a new one.
      add(kafka, new KafkaRows().startingAt(2).add("dev-a", first, NOW + 2_000).add("dev-a", second, NOW + 10_000));
      query.processAllAvailable();

      List<Row> rows = spark.read().format("delta").load(silver).orderBy("event_time", "metric").collectAsList();
      assertThat(rows).extracting(r -> r.getAs("message_id") + "/" + r.getAs("metric"))
          .containsExactly("a-1/h", "a-1/t", "a-2/t");
      assertThat(rows.get(2).<Long>getAs("source_offset")).isEqualTo(3L);
      // The table keeps the shared schema's NOT NULL constraints and comments.
      assertThat(spark.read().format("delta").load(silver).schema().apply("measurement_id").nullable()).isFalse();
    } finally {
      query.stop();
    }
  }

  @Test
  void quarantineStreamKeepsEveryRefusedRecord() throws Exception {
    String quarantine = dir.resolve("quarantine").toString();
    DeltaTables.createIfNotExists(spark, quarantine, TableSchemas.QUARANTINE, "ingest_date");
    MemoryStream<Row> kafka = new MemoryStream<>(2, spark.sqlContext(), scala.Option.apply(2), Encoders.row(KafkaRows.SCHEMA));
    StreamingQuery query = TelemetryParsing.toQuarantine(
            TelemetryParsing.parse(kafka.toDF(), new TelemetryParser(ParserOptions.defaults())))
        .writeStream().format("delta").option("checkpointLocation", dir.resolve("cpq").toString()).start(quarantine);
    try {
      add(kafka, new KafkaRows().add("dev-a", "{oops", NOW).add("dev-a", "{\"ts\": " + NOW + ", \"t\": 1}", NOW)
          .add("dev-b", "[1,2]", NOW));
      query.processAllAvailable();
      List<Row> rows = spark.read().format("delta").load(quarantine).orderBy("source_offset").collectAsList();
      assertThat(rows).extracting(r -> r.getAs("device_id") + ":" + r.getAs("reason"))
          .containsExactly("dev-a:NOT_JSON", "dev-b:NOT_AN_OBJECT");
      assertThat(new String(rows.get(0).<byte[]>getAs("payload"))).isEqualTo("{oops");
    } finally {
      query.stop();
    }
  }

  private static void add(MemoryStream<Row> stream, KafkaRows rows) {
    stream.addData(scala.collection.JavaConverters.asScalaBuffer(rows.rows()).toSeq());
  }
}
