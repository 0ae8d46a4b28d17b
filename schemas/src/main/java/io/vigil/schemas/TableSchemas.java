package io.vigil.schemas;

import static org.apache.spark.sql.types.DataTypes.BinaryType;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;
import static org.apache.spark.sql.types.DataTypes.createMapType;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The Spark schema of every Vigil table, defined once. Jobs write with these and notebooks and
 * consumers read against them. Column names are snake_case; times are Spark timestamps (UTC).
 */
public final class TableSchemas {
  private TableSchemas() {}

  /** Every Kafka record as it came. Partitioned by {@code ingest_date}. */
  public static final StructType BRONZE = schema(
      f("topic", StringType, false, "Kafka topic the record was read from"),
      f("partition", IntegerType, false, "Kafka partition"),
      f("offset", LongType, false, "Kafka offset; (topic, partition, offset) is unique"),
      f("kafka_timestamp", TimestampType, true, "Kafka record timestamp"),
      f("key", BinaryType, true, "Record key (the device id as the bridge writes it)"),
      f("value", BinaryType, true, "The payload bytes as published"),
      f("headers", createMapType(StringType, StringType), true, "Record headers (MQTT topic, QoS, arrival time, ...)"),
      f("ingest_time", TimestampType, false, "When the streaming job read the record"),
      f("ingest_date", DateType, false, "Partition column: date of ingest_time"));

  private static final String TIME_SOURCE_DOC = "Clock of event_time: PAYLOAD (the device's timestamp) or ARRIVAL"
      + " (the bridge's arrival time, for payloads without one); null on rows written before the column existed,"
      + " all of which had PAYLOAD time";

  /** Narrow, parsed, deduplicated measurements. Partitioned by {@code event_date}. */
  public static final StructType SILVER = schema(
      f("device_id", StringType, false, "Device id (from the MQTT topic or the payload)"),
      f("metric", StringType, false, "Metric name"),
      f("event_time", TimestampType, false, "When the device measured it"),
      f("time_source", StringType, true, TIME_SOURCE_DOC),
      f("value", DoubleType, false, "The reading"),
      f("message_id", StringType, true, "The device's message id or sequence number, if it sends one"),
      f("measurement_id", StringType, false, "Deterministic id used for deduplication"),
      f("ingest_time", TimestampType, false, "When the streaming job read it from Kafka"),
      f("source_topic", StringType, false, "Kafka topic"),
      f("source_partition", IntegerType, false, "Kafka partition"),
      f("source_offset", LongType, false, "Kafka offset"),
      f("event_date", DateType, false, "Partition column: date of event_time"));

  /** Readings that arrived after the silver watermark: kept, not thrown away. */
  public static final StructType LATE_DATA = SILVER
      .add(f("lateness_ms", LongType, true, "How far behind the watermark the reading was"))
      .add(f("reason", StringType, false, "Why it is here rather than in silver, e.g. BEYOND_WATERMARK"))
      .add(f("watermark", TimestampType, true, "The device's watermark when the reading arrived"));

  /** Attribute name of the device status (connection) rows in {@link #ATTRIBUTES}: value ONLINE or OFFLINE. */
  public static final String CONNECTION_ATTRIBUTE = "vigil.connection";

  /**
   * Strings devices report next to their readings ({@code status=RUNNING}, {@code fw=1.4.2}), one
   * row per name and message, deduplicated like silver; and each device status a message carried
   * (a last will, a Sparkplug death), as name {@value #CONNECTION_ATTRIBUTE}. Partitioned by
   * {@code event_date}.
   */
  public static final StructType ATTRIBUTES = schema(
      f("device_id", StringType, false, "Device id"),
      f("name", StringType, false, "Attribute name, dotted when nested (e.g. update.state); vigil.connection for device status"),
      f("value", StringType, true, "The string as sent; ONLINE or OFFLINE for vigil.connection"),
      f("event_time", TimestampType, false, "Time of the message that carried it (same clock as its readings)"),
      f("time_source", StringType, true, TIME_SOURCE_DOC),
      f("message_id", StringType, true, "The device's message id or sequence number, if it sends one"),
      f("attribute_id", StringType, false, "Deterministic id (device, name, event time, value) used for deduplication"),
      f("ingest_time", TimestampType, false, "When the streaming job read it from Kafka"),
      f("source_topic", StringType, false, "Kafka topic"),
      f("source_partition", IntegerType, false, "Kafka partition"),
      f("source_offset", LongType, false, "Kafka offset"),
      f("event_date", DateType, false, "Partition column: date of event_time"));

  /** Every record that failed parsing, with the reason and the original bytes. */
  public static final StructType QUARANTINE = schema(
      f("ingest_time", TimestampType, false, "When the streaming job read it"),
      f("source_topic", StringType, false, "Kafka topic"),
      f("source_partition", IntegerType, false, "Kafka partition"),
      f("source_offset", LongType, false, "Kafka offset"),
      f("mqtt_topic", StringType, true, "MQTT topic from the bridge's header"),
      f("device_id", StringType, true, "Device id, when it could be determined"),
      f("reason", StringType, false, "RejectReason name"),
      f("field", StringType, true, "The field at fault"),
      f("message", StringType, false, "What was wrong and how to fix it"),
      f("payload", BinaryType, true, "The original bytes"),
      f("ingest_date", DateType, false, "Partition column"));

  /** Per device and metric windows (1 minute and 1 hour tables share this schema). */
  public static final StructType GOLD = schema(
      f("device_id", StringType, false, "Device id"),
      f("metric", StringType, false, "Metric name"),
      f("window_start", TimestampType, false, "Window start (inclusive)"),
      f("window_end", TimestampType, false, "Window end (exclusive)"),
      f("count", LongType, false, "Readings received"),
      f("min", DoubleType, true, "Minimum"),
      f("max", DoubleType, true, "Maximum"),
      f("mean", DoubleType, true, "Mean"),
      f("stddev", DoubleType, true, "Sample standard deviation"),
      f("first", DoubleType, true, "Earliest reading by event time"),
      f("last", DoubleType, true, "Latest reading by event time"),
      f("first_time", TimestampType, true, "Event time of first (lets late readings update first correctly)"),
      f("last_time", TimestampType, true, "Event time of last"),
      f("expected_count", LongType, true, "Readings expected from the device's interval"),
      f("completeness", DoubleType, true, "count / expected_count, capped at 1"));

  /** Anomaly and data-quality events, the same contract as the Kafka anomalies topic. */
  public static final StructType ANOMALY_EVENTS = schema(
      f("event_id", StringType, false, "Deterministic id: the same anomaly always gets the same id"),
      f("kind", StringType, false, "AnomalyKind name"),
      f("source", StringType, false, "STREAM or BATCH"),
      f("severity", StringType, false, "INFO, WARNING or CRITICAL"),
      f("device_id", StringType, false, "Device id"),
      f("metric", StringType, true, "Metric, when the anomaly concerns one"),
      f("start", TimestampType, false, "When the condition began"),
      f("end", TimestampType, true, "When it ended, if it has"),
      f("detected_at", TimestampType, false, "When Vigil noticed it"),
      f("value", DoubleType, true, "Observed value or measure"),
      f("expected", DoubleType, true, "Expected value or measure"),
      f("score", DoubleType, true, "Anomaly score in [0, 1]"),
      f("model_version", StringType, true, "Model version for batch detections"),
      f("message", StringType, false, "Human-readable description"),
      f("attributes", createMapType(StringType, StringType), true, "Detector-specific facts"));

  /** Per-series forecasts written by the batch jobs. */
  public static final StructType FORECASTS = schema(
      f("device_id", StringType, false, "Device id"),
      f("metric", StringType, false, "Metric name"),
      f("model", StringType, false, "Forecasting method"),
      f("model_version", StringType, false, "Version of the model that produced it"),
      f("as_of", TimestampType, false, "Logical time of the run: only data before it was used"),
      f("target_time", TimestampType, false, "The time being forecast"),
      f("horizon", IntegerType, false, "Steps ahead of as_of, 1..H"),
      f("forecast", DoubleType, false, "Point forecast"),
      f("lower", DoubleType, true, "Lower bound of the prediction interval"),
      f("upper", DoubleType, true, "Upper bound of the prediction interval"));

  /**
   * Every reading the batch scoring job scored, one row per reading and window; a run replaces the
   * rows of its window ({@code window_start}).
   */
  public static final StructType ANOMALY_SCORES = schema(
      f("device_id", StringType, false, "Device id"),
      f("metric", StringType, false, "Metric name"),
      f("event_time", TimestampType, false, "When the device measured it"),
      f("value", DoubleType, false, "The reading"),
      f("forecast", DoubleType, true, "One-step-ahead forecast of the reading's bucket, from data before that bucket"),
      f("forecast_model", StringType, true, "What forecast it: the registered model's type, or seasonal_naive"),
      f("model_version", StringType, true, "Version of the model that forecast it"),
      f("residual", DoubleType, true, "value - forecast"),
      f("z", DoubleType, true, "Robust z of the residual against the series' history (median, MAD)"),
      f("score", DoubleType, true, "Anomaly score in [0, 1]"),
      f("anomalous", BooleanType, false, "Score at or above the threshold"),
      f("spike", BooleanType, false, "Part of a short run of anomalous readings"),
      f("level_shift", BooleanType, false, "The level-shift detector fired at this reading"),
      f("drift", BooleanType, false, "Its bucket is part of a persistent residual bias"),
      f("kind", StringType, true, "AnomalyKind of the anomaly this reading belongs to, if any"),
      f("status", StringType, false, "SCORED, NO_FORECAST or INSUFFICIENT_HISTORY"),
      f("center", DoubleType, true, "Median of the history residuals"),
      f("scale", DoubleType, true, "Robust scale of the history residuals"),
      f("window_start", TimestampType, false, "Start of the scored window"),
      f("window_end", TimestampType, false, "End of the scored window: the run's as_of"));

  private static StructType schema(StructField... fields) {
    return new StructType(fields);
  }

  private static StructField f(String name, DataType type, boolean nullable, String comment) {
    return new StructField(name, type, nullable, Metadata.empty()).withComment(comment);
  }
}
