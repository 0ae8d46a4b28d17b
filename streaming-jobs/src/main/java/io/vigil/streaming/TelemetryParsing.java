package io.vigil.streaming;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import io.vigil.schemas.TableSchemas;
import io.vigil.schemas.TelemetryParser;
import io.vigil.streaming.internal.ParsedRecords;
import java.time.Duration;
import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Telemetry from Kafka rows to the silver and quarantine shapes, as plain functions on Datasets:
 * they work the same on a stream and on a small static DataFrame in a test.
 *
 * <p>Nothing is dropped silently: every Kafka record becomes silver rows (one per metric) or a
 * quarantine row; in lenient parser mode the refused fields of an accepted record are quarantine
 * rows as well.
 */
public final class TelemetryParsing {
  private TelemetryParsing() {}

  /** The parsed shape {@link #parse} returns (see {@link ParsedRecords#SCHEMA}). */
  public static StructType parsedSchema() {
    return ParsedRecords.SCHEMA;
  }

  /**
   * Parses Kafka rows (Spark's Kafka source schema: key, value, topic, partition, offset,
   * timestamp, and headers when {@code includeHeaders} is on) with the shared parser. The device id
   * comes from the {@code vigil.mqtt.topic} header or the payload, the arrival time from
   * {@code vigil.arrival-ms} (else the Kafka timestamp).
   */
  public static Dataset<Row> parse(Dataset<Row> kafkaRows, TelemetryParser parser) {
    return kafkaRows.mapPartitions(new ParsedRecords(parser), Encoders.row(ParsedRecords.SCHEMA));
  }

  /**
   * Measurements in {@link TableSchemas#SILVER} column order, deduplicated by
   * {@code measurement_id}. The watermark is on ingest time, not event time: a redelivery arrives
   * soon after the original whatever the device clock says, and an event-time watermark would
   * silently drop readings from a device whose clock lags (they would be "late").
   *
   * @param dedupWindow how long an id is remembered; redeliveries further apart pass through
   */
  public static Dataset<Row> toSilver(Dataset<Row> parsed, Duration dedupWindow) {
    Dataset<Row> measurements = parsed.where(col("measurement_id").isNotNull()).select(
        col("device_id"),
        col("metric"),
        expr("timestamp_millis(event_ms)").as("event_time"),
        col("value"),
        col("message_id"),
        col("measurement_id"),
        expr("timestamp_millis(ingest_ms)").as("ingest_time"),
        col("source_topic"),
        col("source_partition"),
        col("source_offset"),
        expr("date_from_unix_date(event_day)").as("event_date"));
    // Spark refuses dropDuplicatesWithinWatermark on a static Dataset; there, the batch is the window.
    Dataset<Row> unique = measurements.isStreaming()
        ? measurements.withWatermark("ingest_time", dedupWindow.toMillis() + " milliseconds")
            .dropDuplicatesWithinWatermark("measurement_id")
        : measurements.dropDuplicates("measurement_id");
    return unique.select(columnsOf(TableSchemas.SILVER));
  }

  /** Rejections in {@link TableSchemas#QUARANTINE} column order, with the original bytes. */
  public static Dataset<Row> toQuarantine(Dataset<Row> parsed) {
    return parsed.where(col("reason").isNotNull()).select(
        expr("timestamp_millis(ingest_ms)").as("ingest_time"),
        col("source_topic"),
        col("source_partition"),
        col("source_offset"),
        col("mqtt_topic"),
        col("device_id"),
        col("reason"),
        col("field"),
        col("message"),
        col("payload"),
        expr("date_from_unix_date(cast(floor(ingest_ms / 86400000) as int))").as("ingest_date"));
  }

  /**
   * One row per accepted Kafka record (device_id, event_ms, arrival_ms): the device watch's input.
   * Records, not measurements: a message with five metrics is one sign of life, not five.
   */
  public static Dataset<Row> heartbeats(Dataset<Row> parsed) {
    return parsed.where(col("measurement_index").equalTo(0))
        .select(col("device_id"), col("event_ms"), col("arrival_ms"));
  }

  static Column[] columnsOf(StructType schema) {
    return Arrays.stream(schema.fields()).map(StructField::name).map(org.apache.spark.sql.functions::col)
        .toArray(Column[]::new);
  }
}
