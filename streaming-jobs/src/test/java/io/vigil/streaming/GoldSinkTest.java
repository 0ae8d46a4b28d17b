package io.vigil.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vigil.schemas.TableSchemas;
import io.vigil.streaming.internal.DeltaTables;
import io.vigil.streaming.internal.GoldBatch;
import io.vigil.streaming.internal.GoldSink;
import io.vigil.streaming.internal.JobMetrics;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Gold windows from silver rows: merged across batches, late readings, replays, completeness. */
class GoldSinkTest {
  private static final Instant MINUTE = Instant.parse("2024-05-01T12:00:00Z");
  private static SparkSession spark;

  @TempDir Path dir;

  @BeforeAll
  static void startSpark() {
    spark = SparkSessions.local("GoldSinkTest", 2);
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  private static Row silver(String device, Instant t, double value) {
    return RowFactory.create(device, "t", Timestamp.from(t), "PAYLOAD", value, null, device + t + value,
        Timestamp.from(t), "vigil.telemetry", 0, 0L, Date.valueOf("2024-05-01"));
  }

  private static Dataset<Row> rows(List<Row> rows) {
    return spark.createDataFrame(rows, TableSchemas.SILVER);
  }

  @Test
  void windowsMergedOverBatchesEqualOneComputationAndReplaysCountOnce() {
    String gold1m = dir.resolve("gold_1m").toString();
    String gold1h = dir.resolve("gold_1h").toString();
    DeltaTables.createIfNotExists(spark, gold1m, TableSchemas.GOLD, null);
    DeltaTables.createIfNotExists(spark, gold1h, TableSchemas.GOLD, null);
    JobMetrics metrics = new JobMetrics();
    GoldSink sink = new GoldSink(gold1m, gold1h, Duration.ofSeconds(10), Map.of("dev-fast", Duration.ofSeconds(1)),
        dir.resolve("cp").toString(), metrics);

    List<Row> all = new ArrayList<>();
    double[] values = {4, 7, 1, 9, 3, 8};
    for (int i = 0; i < values.length; i++) {
      all.add(silver("dev-a", MINUTE.plusSeconds(10L * i), values[i]));
    }
    all.add(silver("dev-fast", MINUTE.plusSeconds(1), 5));
    // Batch 0: the middle readings; batch 1: the first and last arrive (late, out of order).
    sink.call(rows(List.of(all.get(1), all.get(2), all.get(3), all.get(4), all.get(6))), 0L);
    Dataset<Row> batch1 = rows(List.of(all.get(5), all.get(0)));
    sink.call(batch1, 1L);
    sink.call(batch1, 1L); // replayed after a crash: skipped by both MERGEs

    Row merged = spark.read().format("delta").load(gold1m).where("device_id = 'dev-a'").first();
    Row once = GoldBatch.partials(rows(all), Duration.ofMinutes(1), GoldBatch.expectedInterval(Duration.ofSeconds(10), Map.of()))
        .where("device_id = 'dev-a'").first();
    assertThat(merged.<Long>getAs("count")).isEqualTo(6L).isEqualTo(once.<Long>getAs("count"));
    assertThat(merged.<Double>getAs("mean")).isCloseTo(once.getAs("mean"), within(1e-9));
    assertThat(merged.<Double>getAs("stddev")).isCloseTo(once.getAs("stddev"), within(1e-9));
    assertThat(merged.<Double>getAs("min")).isEqualTo(1.0);
    assertThat(merged.<Double>getAs("max")).isEqualTo(9.0);
    assertThat(merged.<Double>getAs("first")).isEqualTo(4.0);
    assertThat(merged.<Double>getAs("last")).isEqualTo(8.0);
    assertThat(merged.<Timestamp>getAs("window_start").toInstant()).isEqualTo(MINUTE);
    assertThat(merged.<Timestamp>getAs("window_end").toInstant()).isEqualTo(MINUTE.plusSeconds(60));
    assertThat(merged.<Long>getAs("expected_count")).isEqualTo(6L);
    assertThat(merged.<Double>getAs("completeness")).isEqualTo(1.0);

    // dev-fast is expected every second: 1 of 60 in the minute, 1 of 3600 in the hour.
    Row fast = spark.read().format("delta").load(gold1m).where("device_id = 'dev-fast'").first();
    assertThat(fast.<Long>getAs("expected_count")).isEqualTo(60L);
    assertThat(fast.<Double>getAs("completeness")).isCloseTo(1 / 60.0, within(1e-9));
    assertThat(fast.isNullAt(fast.fieldIndex("stddev"))).isTrue();
    Row hour = spark.read().format("delta").load(gold1h).where("device_id = 'dev-a'").first();
    assertThat(hour.<Long>getAs("count")).isEqualTo(6L);
    assertThat(hour.<Long>getAs("expected_count")).isEqualTo(360L);
    assertThat(hour.<Timestamp>getAs("window_start").toInstant()).isEqualTo(MINUTE);
    assertThat(metrics.tableRowsTotal("gold_1m")).isEqualTo(2 + 1 + 1);
  }
}
