package io.vigil.streaming.internal;

import io.delta.tables.DeltaTable;
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

  private DeltaTables() {}

  public static void createIfNotExists(SparkSession spark, String path, StructType schema, String partitionColumn) {
    var builder = DeltaTable.createIfNotExists(spark).location(path).addColumns(schema);
    if (partitionColumn != null) {
      builder = builder.partitionedBy(partitionColumn);
    }
    builder.execute();
    LOG.info("Delta table ready at {}", path);
  }
}
