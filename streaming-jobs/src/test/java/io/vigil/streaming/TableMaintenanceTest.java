package io.vigil.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.schemas.TableSchemas;
import io.vigil.streaming.internal.DeltaTables;
import io.vigil.testsupport.ManualClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compaction and vacuum on real Delta tables in a local SparkSession, with a fixed clock. */
class TableMaintenanceTest {
  /** Today is 2026-12-03 (UTC): with the default 1d window, 12-02 and 12-03 are recent. */
  private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
  private static final String OLD = "2026-11-28";
  private static final String YESTERDAY = "2026-12-02";
  private static final String TODAY = "2026-12-03";
  private static SparkSession spark;

  @TempDir Path dir;

  @BeforeAll
  static void startSpark() {
    spark = SparkSessions.local("TableMaintenanceTest", 2);
    MaintenanceMain.prepare(spark);
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @Test
  void compactsOnlyPartitionsOlderThanTheRecentWindowAndKeepsEveryRow() throws IOException {
    String silver = dir.resolve("silver").toString();
    DeltaTables.createIfNotExists(spark, silver, TableSchemas.SILVER, "event_date");
    for (int batch = 0; batch < 4; batch++) {
      appendSilver(silver, batch, OLD, YESTERDAY, TODAY);
    }
    Set<String> oldBefore = files(silver, OLD);
    Set<String> yesterdayBefore = files(silver, YESTERDAY);
    Set<String> todayBefore = files(silver, TODAY);
    List<String> rowsBefore = rows(silver);
    assertThat(oldBefore).hasSize(4);
    assertThat(rowsBefore).hasSize(4 * 3 * 3);
    // Files in the table's directory that no version refers to (a crashed writer's leftovers): VACUUM
    // deletes them once older than the retention. Its clock is the wall clock, so their ages are real.
    Path partition = Path.of(silver, "event_date=" + OLD);
    Path stale = Files.writeString(partition.resolve("part-stale.snappy.parquet"), "left by a crashed writer");
    Path young = Files.writeString(partition.resolve("part-young.snappy.parquet"), "left by a crashed writer");
    Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofDays(8))));
    Files.setLastModifiedTime(young, FileTime.from(Instant.now().minus(Duration.ofDays(6))));

    StreamingJobConfig config = new StreamingJobConfig(java.util.Map.of("tables.silver.path", silver));
    LocalDate firstRecent = TableMaintenance.firstRecentDate(null, new ManualClock(NOW), config.maintenanceRecentWindow());
    assertThat(firstRecent).isEqualTo(LocalDate.parse(YESTERDAY));
    TableMaintenance.Outcome outcome = TableMaintenance.maintain(spark,
        new TableMaintenance.Table("silver", silver, true), TableMaintenance.Settings.of(config), firstRecent);

    assertThat(outcome.ok()).as("%s", outcome.error()).isTrue();
    assertThat(files(silver, OLD)).as("the old partition is compacted").hasSize(1).doesNotContainAnyElementsOf(oldBefore);
    assertThat(files(silver, YESTERDAY)).as("yesterday is still being written").isEqualTo(yesterdayBefore);
    assertThat(files(silver, TODAY)).as("today is still being written").isEqualTo(todayBefore);
    assertThat(rows(silver)).as("same rows, as a multiset").isEqualTo(rowsBefore);
    assertThat(outcome.filesBefore()).isEqualTo(12);
    assertThat(outcome.filesAfter()).isEqualTo(9);
    assertThat(outcome.bytesBefore()).isPositive();
    assertThat(outcome.bytesAfter()).isPositive();
    assertThat(outcome.compactedWhere()).isEqualTo("event_date < DATE'2026-12-02'");
    // The replaced files were removed from the table moments ago, well within the 7-day retention:
    // vacuum must leave them for readers of older versions, and delete only the 8-day-old stray file.
    assertThat(outcome.vacuumed()).isTrue();
    assertThat(outcome.vacuumDeletedFiles()).hasValue(1);
    assertThat(stale).doesNotExist();
    assertThat(young).exists();
    for (String f : oldBefore) {
      assertThat(Path.of(URI.create(f))).exists();
    }
    assertThat(outcome.summaryLine()).startsWith("silver").contains("OK", "files 12 -> 9", "vacuum deleted 1 files");
  }

  @Test
  void aFailingTableIsReportedWithItsPathAndTheOthersAreStillMaintained() throws IOException {
    Path notDelta = Files.createDirectories(dir.resolve("not-delta"));
    Files.writeString(notDelta.resolve("part-0.txt"), "not a table");
    String events = dir.resolve("tables/anomaly_events").toString();
    for (int i = 0; i < 3; i++) {
      spark.range(i * 5L, i * 5L + 5).coalesce(1).write().format("delta").mode("append").save(events);
    }
    assertThat(spark.read().format("delta").load(events).inputFiles()).hasSize(3);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int exit = MaintenanceMain.run(new String[] {
        "--set", "tables.root=" + dir.resolve("tables"),
        "--set", "tables.late.data.path=" + notDelta,
        "--set", "maintenance.tables=late_data,anomaly_events",
        "--set", "maintenance.vacuum.only.tables=",
        "--as-of", "2026-12-03T00:00:00Z"},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        new ManualClock(NOW));

    assertThat(exit).isEqualTo(1);
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).startsWith("late_data").contains("FAILED", notDelta.toString(), "not a Delta table");
    assertThat(lines.get(1)).startsWith("anomaly_events").contains("OK", "files 3 -> 1", "compacted all files");
    assertThat(spark.read().format("delta").load(events).inputFiles()).hasSize(1);
    assertThat(spark.read().format("delta").load(events).count()).isEqualTo(15);
  }

  /** One small append, like one micro-batch: one file in each date's partition. */
  private static void appendSilver(String path, int batch, String... dates) {
    Dataset<Row> rows = null;
    for (String date : dates) {
      long base = Instant.parse(date + "T08:00:00Z").toEpochMilli() + batch * 60_000L;
      Dataset<Row> day = spark.range(3).selectExpr(
          "concat('dev-', id) as device_id",
          "'temp' as metric",
          "timestamp_millis(" + base + " + id * 1000) as event_time",
          "cast(id + " + batch + " as double) as value",
          "cast(null as string) as message_id",
          "concat('m-', '" + date + "', '-', " + batch + ", '-', id) as measurement_id",
          "timestamp_millis(" + base + " + 5000) as ingest_time",
          "'vigil.telemetry' as source_topic",
          "0 as source_partition",
          "cast(" + batch + " * 3 + id as long) as source_offset",
          "date'" + date + "' as event_date");
      rows = rows == null ? day : rows.union(day);
    }
    rows.repartition(org.apache.spark.sql.functions.col("event_date")).write().format("delta").mode("append").save(path);
  }

  private static Set<String> files(String table, String date) {
    return new TreeSet<>(Arrays.asList(
        spark.read().format("delta").load(table).where("event_date = date'" + date + "'").inputFiles()));
  }

  private static List<String> rows(String table) {
    return spark.read().format("delta").load(table).collectAsList().stream().map(Row::toString).sorted().toList();
  }
}
