package io.vigil.streaming.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delta.tables.DeltaTable;
import io.vigil.common.VigilException;
import io.vigil.schemas.TableSchemas;
import io.vigil.streaming.SparkSessions;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tables written by an earlier version gain the columns a newer one added, in place. */
class DeltaTablesUpgradeTest {
  private static SparkSession spark;

  @TempDir Path dir;

  @BeforeAll
  static void startSpark() {
    spark = SparkSessions.local("DeltaTablesUpgradeTest", 1);
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  /** Silver as the version before time_source wrote it. */
  private static StructType oldSilver() {
    return new StructType(Arrays.stream(TableSchemas.SILVER.fields()).filter(f -> !f.name().equals("time_source"))
        .toArray(StructField[]::new));
  }

  private static Row oldRow() {
    return RowFactory.create("dev-a", "t", Timestamp.valueOf("2026-12-01 10:00:00"), 1.5, null, "id-1",
        Timestamp.valueOf("2026-12-01 10:00:01"), "vigil.telemetry", 0, 7L, Date.valueOf("2026-12-01"));
  }

  @Test
  void anOldSilverTableGetsTimeSourceWhereANewTableHasItAndKeepsItsRows() {
    String path = dir.resolve("silver").toString();
    DeltaTable.create(spark).location(path).addColumns(oldSilver()).partitionedBy("event_date").execute();
    spark.createDataFrame(List.of(oldRow()), oldSilver()).write().format("delta").mode("append").save(path);

    DeltaTables.createIfNotExists(spark, path, TableSchemas.SILVER, "event_date");

    StructType upgraded = spark.read().format("delta").load(path).schema();
    assertThat(upgraded.fieldNames()).containsExactly(TableSchemas.SILVER.fieldNames());
    assertThat(upgraded.apply("time_source").dataType()).isEqualTo(DataTypes.StringType);
    assertThat(upgraded.apply("time_source").getComment().get()).contains("PAYLOAD", "ARRIVAL");
    Row old = spark.read().format("delta").load(path).first();
    assertThat(old.<String>getAs("measurement_id")).isEqualTo("id-1");
    assertThat(old.isNullAt(old.fieldIndex("time_source"))).isTrue();

    // The job's rows (new schema, by name) append to the upgraded table; a second start changes nothing.
    Row fresh = RowFactory.create("dev-a", "t", Timestamp.valueOf("2026-12-01 10:01:00"), "ARRIVAL", 2.5, null, "id-2",
        Timestamp.valueOf("2026-12-01 10:01:01"), "vigil.telemetry", 0, 8L, Date.valueOf("2026-12-01"));
    spark.createDataFrame(List.of(fresh), TableSchemas.SILVER).write().format("delta").mode("append").save(path);
    long versions = DeltaTable.forPath(spark, path).history().count();
    DeltaTables.createIfNotExists(spark, path, TableSchemas.SILVER, "event_date");
    assertThat(DeltaTable.forPath(spark, path).history().count()).isEqualTo(versions);
    assertThat(spark.read().format("delta").load(path).where("time_source = 'ARRIVAL'").count()).isEqualTo(1);
  }

  @Test
  void anOldLateDataTableIsUpgradedToo() {
    String path = dir.resolve("late_data").toString();
    StructType old = new StructType(Arrays.stream(TableSchemas.LATE_DATA.fields())
        .filter(f -> !f.name().equals("time_source")).toArray(StructField[]::new));
    DeltaTable.create(spark).location(path).addColumns(old).partitionedBy("event_date").execute();
    DeltaTables.createIfNotExists(spark, path, TableSchemas.LATE_DATA, "event_date");
    assertThat(spark.read().format("delta").load(path).schema().fieldNames())
        .containsExactly(TableSchemas.LATE_DATA.fieldNames());
  }

  @Test
  void aMissingNotNullColumnIsAClearErrorNotASilentChange() {
    String path = dir.resolve("odd").toString();
    StructType withoutId = new StructType(Arrays.stream(TableSchemas.SILVER.fields())
        .filter(f -> !f.name().equals("measurement_id")).toArray(StructField[]::new));
    DeltaTable.create(spark).location(path).addColumns(withoutId).execute();
    assertThatThrownBy(() -> DeltaTables.createIfNotExists(spark, path, TableSchemas.SILVER, "event_date"))
        .isInstanceOf(VigilException.class).hasMessageContaining("measurement_id").hasMessageContaining(path);
  }
}
