package io.vigil.streaming.internal;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import io.vigil.schemas.AnomalyEvent;
import io.vigil.schemas.AnomalyEventJson;
import io.vigil.schemas.TableSchemas;
import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Anomaly events as rows between the device watch and its sinks: the table columns with times as
 * epoch milliseconds (converted in SQL, independent of the java8API setting) plus the wire JSON,
 * so the Kafka sink publishes exactly what {@link AnomalyEventJson} writes.
 */
public final class AnomalyEventRows {
  private AnomalyEventRows() {}

  public static final StructType SCHEMA = new StructType(new StructField[] {
      f("event_id", DataTypes.StringType, false),
      f("kind", DataTypes.StringType, false),
      f("source", DataTypes.StringType, false),
      f("severity", DataTypes.StringType, false),
      f("device_id", DataTypes.StringType, false),
      f("metric", DataTypes.StringType, true),
      f("start_ms", DataTypes.LongType, false),
      f("end_ms", DataTypes.LongType, true),
      f("detected_at_ms", DataTypes.LongType, false),
      f("value", DataTypes.DoubleType, true),
      f("expected", DataTypes.DoubleType, true),
      f("score", DataTypes.DoubleType, true),
      f("model_version", DataTypes.StringType, true),
      f("message", DataTypes.StringType, false),
      f("attributes", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), true),
      f("json", DataTypes.StringType, false),
  });

  public static Row toRow(AnomalyEvent e) {
    return RowFactory.create(e.eventId(), e.kind().name(), e.source().name(), e.severity().name(), e.deviceId(),
        e.metric(), e.start().toEpochMilli(), e.end() == null ? null : e.end().toEpochMilli(),
        e.detectedAt().toEpochMilli(), e.value(), e.expected(), e.score(), e.modelVersion(), e.message(),
        scala.collection.JavaConverters.mapAsScalaMap(new java.util.HashMap<>(e.attributes())),
        AnomalyEventJson.toJson(e));
  }

  /** Event rows in {@link TableSchemas#ANOMALY_EVENTS} column order. */
  public static Dataset<Row> toTable(Dataset<Row> events) {
    Dataset<Row> converted = events
        .withColumn("start", expr("timestamp_millis(start_ms)"))
        .withColumn("end", expr("timestamp_millis(end_ms)"))
        .withColumn("detected_at", expr("timestamp_millis(detected_at_ms)"));
    return converted.select(Arrays.stream(TableSchemas.ANOMALY_EVENTS.fieldNames()).map(n -> col("`" + n + "`"))
        .toArray(Column[]::new));
  }

  private static StructField f(String name, org.apache.spark.sql.types.DataType type, boolean nullable) {
    return new StructField(name, type, nullable, org.apache.spark.sql.types.Metadata.empty());
  }
}
