package io.vigil.batch.internal;

import io.delta.tables.DeltaTable;
import io.vigil.common.VigilErrors;
import io.vigil.schemas.TableSchemas;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Reading silver and replacing one run's rows in the forecasts table, both by path. */
public final class DeltaTables {
  private DeltaTables() {}

  /** The silver table, checked to carry the columns forecasting needs. */
  public static Dataset<Row> readSilver(SparkSession spark, String path) {
    if (!DeltaTable.isDeltaTable(spark, path)) {
      throw VigilErrors.tableNotFound("silver", path,
          "Set silver.path to the silver table the streaming job writes, or start that job so the table exists.");
    }
    Dataset<Row> silver = spark.read().format("delta").load(path);
    List<String> problems = missingOrRetyped(silver.schema(), TableSchemas.SILVER, List.of("device_id", "metric", "event_time", "value"));
    if (!problems.isEmpty()) {
      throw VigilErrors.tableSchemaMismatch("silver", path, String.join("; ", problems));
    }
    return silver;
  }

  /**
   * Replaces every row of the run {@code as_of} with {@code rows} in one Delta commit, creating the
   * table with the contract schema on first use. Rerunning an as_of therefore never duplicates.
   */
  public static void replaceRun(SparkSession spark, String path, long asOfMicros, Dataset<Row> rows) {
    if (DeltaTable.isDeltaTable(spark, path)) {
      StructType existing = DeltaTable.forPath(spark, path).toDF().schema();
      List<String> problems = missingOrRetyped(existing, TableSchemas.FORECASTS, List.of(TableSchemas.FORECASTS.fieldNames()));
      if (!problems.isEmpty()) {
        throw VigilErrors.tableSchemaMismatch("forecasts", path, String.join("; ", problems));
      }
    } else {
      // Created explicitly so NOT NULL and the column comments come from the contract, not from the first DataFrame.
      DeltaTable.createIfNotExists(spark).location(path).addColumns(TableSchemas.FORECASTS).execute();
    }
    rows.write().format("delta").mode("overwrite")
        .option("replaceWhere", "as_of = timestamp_micros(" + asOfMicros + ")")
        .save(path);
  }

  private static List<String> missingOrRetyped(StructType actual, StructType contract, List<String> columns) {
    List<String> problems = new ArrayList<>();
    for (String name : columns) {
      StructField expected = contract.apply(name);
      if (!List.of(actual.fieldNames()).contains(name)) {
        problems.add("column " + name + " is missing");
      } else if (!actual.apply(name).dataType().equals(expected.dataType())) {
        problems.add("column " + name + " is " + actual.apply(name).dataType().simpleString()
            + ", expected " + expected.dataType().simpleString());
      }
    }
    return problems;
  }
}
