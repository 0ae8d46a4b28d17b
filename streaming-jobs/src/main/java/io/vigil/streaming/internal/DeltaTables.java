package io.vigil.streaming.internal;

import io.delta.tables.DeltaTable;
import io.vigil.schemas.TableSchemas;
import io.vigil.common.VigilErrors;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
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

  /**
   * Creates the table, or brings an existing one up to {@code schema}: columns a newer Vigil
   * version added (nullable ones, such as silver's {@code time_source}) are added in place, at the
   * position a new table has them, so old and new tables look alike. Rows written before keep null
   * there. Nothing is rewritten: adding a column is a metadata-only Delta commit.
   */
  public static void createIfNotExists(SparkSession spark, String path, StructType schema, String partitionColumn) {
    if (DeltaTable.isDeltaTable(spark, path)) {
      List<String> added = addMissingColumns(spark, path, schema);
      if (!added.isEmpty()) {
        LOG.info("Delta table at {} upgraded: added columns {}", path, added);
      }
      LOG.info("Delta table ready at {}", path);
      return;
    }
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

  /** Adds the columns of {@code schema} the table lacks; returns their names. */
  static List<String> addMissingColumns(SparkSession spark, String path, StructType schema) {
    Set<String> present = new HashSet<>();
    for (StructField f : DeltaTable.forPath(spark, path).toDF().schema().fields()) {
      present.add(f.name().toLowerCase(Locale.ROOT));
    }
    List<String> added = new ArrayList<>();
    String previous = null;
    for (StructField f : schema.fields()) {
      if (!present.contains(f.name().toLowerCase(Locale.ROOT))) {
        if (!f.nullable()) {
          throw VigilErrors.tableSchemaMismatch(path.substring(path.lastIndexOf('/') + 1), path, "column " + f.name()
              + " (" + f.dataType().sql() + " NOT NULL) is missing, and a NOT NULL column cannot be added to an existing table");
        }
        String comment = f.getComment().isDefined() ? " COMMENT '" + f.getComment().get().replace("\\", "\\\\")
            .replace("'", "\\'") + "'" : "";
        spark.sql("ALTER TABLE delta.`" + path.replace("`", "``") + "` ADD COLUMNS (`" + f.name() + "` "
            + f.dataType().sql() + comment + (previous == null ? " FIRST" : " AFTER `" + previous + "`") + ")");
        added.add(f.name());
      }
      previous = f.name();
    }
    return added;
  }
}
