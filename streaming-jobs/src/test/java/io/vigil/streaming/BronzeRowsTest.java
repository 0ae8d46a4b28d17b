package io.vigil.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.streaming.internal.TablesBatch;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BronzeRowsTest {
  private static final long NOW = Instant.parse("2024-05-01T23:59:59.250Z").toEpochMilli();
  private static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark = SparkSessions.local("BronzeRowsTest", 2);
    spark.conf().set("spark.sql.session.timeZone", "UTC");
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  /** From an RDD, as a stream's batch is: Spark would evaluate a projection of a local list while planning. */
  private static Dataset<Row> kafka() {
    List<Row> rows = new KafkaRows().add("dev-a", "{\"ts\": 1, \"t\": 1}", NOW).rows();
    return spark.createDataFrame(org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(rows), KafkaRows.SCHEMA);
  }

  @Test
  void everyRowCarriesTheBatchIngestTimeAndItsDate() {
    Row row = TablesBatch.bronze(kafka(), NOW).first();
    assertThat(row.<java.sql.Timestamp>getAs("ingest_time").toInstant()).isEqualTo(Instant.ofEpochMilli(NOW));
    assertThat(row.<java.sql.Date>getAs("ingest_date").toString()).isEqualTo("2024-05-01");
    assertThat(TablesBatch.bronze(kafka(), NOW).schema().apply("ingest_time").nullable()).isFalse();
  }

  @Test
  void batchesWithDifferentIngestTimesRunTheSameGeneratedCode() {
    // Compiled per batch, per-record code costs the JIT a new warm-up every batch.
    assertThat(generatedCode(TablesBatch.bronze(kafka(), NOW + 5_000)))
        .isEqualTo(generatedCode(TablesBatch.bronze(kafka(), NOW)))
        .isNotEmpty();
  }

  private static List<String> generatedCode(Dataset<Row> rows) {
    var plan = rows.queryExecution().executedPlan();
    return scala.collection.JavaConverters.seqAsJavaList(
        org.apache.spark.sql.execution.debug.package$.MODULE$.codegenStringSeq(plan)).stream()
        .map(t -> t._2())
        .toList();
  }
}
