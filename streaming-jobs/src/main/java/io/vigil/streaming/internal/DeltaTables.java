package io.vigil.streaming.internal;

import io.delta.tables.DeltaTable;
import io.vigil.schemas.TableSchemas;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates each table with its shared schema before any query writes to it, so column comments
 * and NOT NULL constraints come from {@code TableSchemas} rather than from whatever the first
 * micro-batch happened to infer.
 */
public final class DeltaTables {
  private static final Logger LOG = LoggerFactory.getLogger(DeltaTables.class);

  /**
   * Delta's {@code dataSkippingStatsColumns} per table: the columns readers filter on. By default
   * Delta computes min/max for the first 32 columns of every file it writes; on silver that
   * included the long id strings, a fifth of the CPU of writing it, for statistics no query uses.
   */
  static final Map<StructType, String> STATS_COLUMNS = Map.of(
      TableSchemas.BRONZE, "topic,partition,offset,kafka_timestamp,ingest_time",
      TableSchemas.SILVER, "device_id,metric,event_time,value,ingest_time,source_partition,source_offset",
      TableSchemas.LATE_DATA, "device_id,metric,event_time,ingest_time,lateness_ms");

  private DeltaTables() {}

  public static void createIfNotExists(SparkSession spark, String path, StructType schema, String partitionColumn) {
    var builder = DeltaTable.createIfNotExists(spark).location(path).addColumns(schema);
    if (partitionColumn != null) {
      builder = builder.partitionedBy(partitionColumn);
    }
    String stats = STATS_COLUMNS.get(schema);
    if (stats != null) {
      // Only at creation: an existing table keeps the statistics its owner chose.
      builder = builder.property("delta.dataSkippingStatsColumns", stats);
    }
    builder.execute();
    LOG.info("Delta table ready at {}", path);
  }
}
