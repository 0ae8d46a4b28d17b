package io.vigil.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.common.VigilException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry kept as a Delta table, read through {@link DeviceRegistry#load}. */
class DeviceRegistryDeltaTest {
  private static SparkSession spark;

  @TempDir Path dir;

  @BeforeAll
  static void startSpark() {
    spark = SparkSessions.local("DeviceRegistryDeltaTest", 1);
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @Test
  void aDeltaTableRegistryIsRead() {
    StructType schema = new StructType().add("device_id", DataTypes.StringType).add("expected_interval", DataTypes.StringType)
        .add("metrics", DataTypes.createArrayType(DataTypes.StringType));
    String path = dir.resolve("registry").toString();
    spark.createDataFrame(List.of(RowFactory.create("pump-1", "30s", new String[] {"pressure"}),
            RowFactory.create("pump-2", "PT2M", null)), schema)
        .write().format("delta").save(path);
    DeviceRegistry r = DeviceRegistry.load(spark, path);
    assertThat(r.entries()).extracting(DeviceRegistry.Entry::deviceId).containsExactlyInAnyOrder("pump-1", "pump-2");
    assertThat(r.entries()).filteredOn(e -> e.deviceId().equals("pump-2")).singleElement()
        .extracting(DeviceRegistry.Entry::expectedInterval).isEqualTo(Duration.ofMinutes(2));
    assertThat(r.entries()).filteredOn(e -> e.deviceId().equals("pump-1")).singleElement()
        .satisfies(e -> assertThat(e.metrics()).containsExactly("pressure"));
  }

  @Test
  void aPathThatIsNoDeltaTableIsAClearError() {
    assertThatThrownBy(() -> DeviceRegistry.load(spark, dir.resolve("nothing-here").toString()))
        .isInstanceOf(VigilException.class).hasMessageContaining("device.watch.registry.path")
        .hasMessageContaining("not a readable Delta table");
  }
}
