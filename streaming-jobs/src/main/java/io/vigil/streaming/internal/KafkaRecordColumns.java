package io.vigil.streaming.internal;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_arrays;

import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;

/**
 * Columns of Kafka records (Spark's Kafka source rows, or bronze rows made from them) as
 * expressions Spark compiles. Higher-order functions such as {@code transform} run interpreted,
 * row by row: on the headers of every record that was a tenth of the {@code tables} query's CPU.
 */
final class KafkaRecordColumns {
  static final String DEDUP_POLICY = "spark.sql.mapKeyDedupPolicy";
  private static final DataType STRING_MAP = DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType);

  private KafkaRecordColumns() {}

  /**
   * The {@code headers} column as a string map: already one (bronze rows), built from the source's
   * array of (key, binary value) structs, or a null map without headers. A name that occurs twice
   * keeps its last value, as Kafka's {@code lastHeader} does; that needs the {@code LAST_WIN} map
   * key policy, which this sets on the rows' session.
   */
  static Column headersMap(Dataset<Row> rows) {
    StructField headers = Arrays.stream(rows.schema().fields()).filter(f -> f.name().equals("headers")).findFirst()
        .orElse(null);
    if (headers == null) {
      return lit(null).cast(STRING_MAP);
    }
    if (headers.dataType() instanceof MapType) {
      return col("headers");
    }
    rows.sparkSession().conf().set(DEDUP_POLICY, "LAST_WIN");
    return map_from_arrays(col("headers.key"), col("headers.value").cast(DataTypes.createArrayType(DataTypes.StringType)));
  }

  /** {@code name} if the rows have it, else the first of {@code alternatives} they have, else a typed null. */
  static Column columnOrNull(Dataset<Row> rows, DataType type, String name, String... alternatives) {
    java.util.List<String> present = Arrays.asList(rows.columns());
    if (present.contains(name)) {
      return col(name);
    }
    for (String other : alternatives) {
      if (present.contains(other)) {
        return col(other);
      }
    }
    return lit(null).cast(type);
  }
}
