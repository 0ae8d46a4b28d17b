package io.vigil.streaming.internal;

import static org.apache.spark.sql.functions.udf;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF0;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.util.LongAccumulator;

/**
 * Counts the rows of a Dataset while a write consumes it, instead of a separate count that would
 * compute it twice. Stays 0 when the write is skipped (Delta found the batch's transaction already
 * committed). A retried task counts its rows again: good enough for metrics, not for logic.
 */
final class RowCounter {
  private final LongAccumulator rows;

  RowCounter(SparkSession spark, String name) {
    this.rows = spark.sparkContext().longAccumulator(name);
  }

  Dataset<Row> counting(Dataset<Row> rows) {
    LongAccumulator acc = this.rows;
    // Non-deterministic, so the optimizer neither drops nor reorders it.
    UserDefinedFunction count = udf((UDF0<Boolean>) () -> {
      acc.add(1);
      return true;
    }, DataTypes.BooleanType).asNondeterministic();
    return rows.where(count.apply());
  }

  long value() {
    return rows.value();
  }
}
