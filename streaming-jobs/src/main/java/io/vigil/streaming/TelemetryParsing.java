package io.vigil.streaming;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import io.vigil.schemas.TableSchemas;
import io.vigil.schemas.TelemetryParser;
import io.vigil.streaming.internal.ParsedRecords;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Telemetry from Kafka rows to parsed rows and the quarantine shape, as plain functions on
 * Datasets: they work the same on a stream and on a small static DataFrame in a test. The silver
 * shape, which needs the per-device watermarks, is {@code TablesBatch}'s.
 *
 * <p>Nothing is dropped silently: every Kafka record becomes measurement rows (one per metric) or a
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
   * timestamp, and headers when {@code includeHeaders} is on), or bronze rows made from them, with
   * the shared parser. The device id comes from the {@code vigil.mqtt.topic} header or the
   * payload, the arrival time from {@code vigil.arrival-ms} (else the Kafka timestamp).
   */
  public static Dataset<Row> parse(Dataset<Row> kafkaRows, TelemetryParser parser) {
    return parse(kafkaRows, parser, Map.of());
  }

  /**
   * As {@link #parse(Dataset, TelemetryParser)}, each record with the parser of the bridge route
   * that took it (header {@code vigil.bridge.route}); records without the header or of a route not
   * in {@code routes} with {@code defaultParser}.
   */
  public static Dataset<Row> parse(Dataset<Row> kafkaRows, TelemetryParser defaultParser,
      Map<String, TelemetryParser> routes) {
    return ParsedRecords.input(kafkaRows).mapPartitions(new ParsedRecords(defaultParser, routes),
        Encoders.row(ParsedRecords.SCHEMA));
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
}
