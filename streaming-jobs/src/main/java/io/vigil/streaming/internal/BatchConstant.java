package io.vigil.streaming.internal;

import static org.apache.spark.sql.functions.timestamp_micros;
import static org.apache.spark.sql.functions.udf;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF0;
import org.apache.spark.sql.types.DataTypes;

/**
 * Values that are the same for every row of a micro-batch but change from batch to batch, as
 * columns whose generated code does not change. Spark writes a timestamp literal into the Java
 * code it generates, so a new literal each batch meant a new class to compile, and for the JIT to
 * warm up again, for code that runs once per record: a steady share of the job's CPU went to the
 * compiler threads. A function's result is passed to the code as an object instead.
 */
final class BatchConstant {
  private BatchConstant() {}

  /** {@code epochMillis} as a non-null timestamp column. */
  static Column timestamp(long epochMillis) {
    long micros = Math.multiplyExact(epochMillis, 1000L);
    return timestamp_micros(udf((UDF0<Long>) () -> micros, DataTypes.LongType).asNonNullable().apply());
  }
}
