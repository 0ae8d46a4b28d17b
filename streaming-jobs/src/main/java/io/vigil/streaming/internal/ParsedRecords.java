package io.vigil.streaming.internal;

import static org.apache.spark.sql.types.DataTypes.BinaryType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;
import static org.apache.spark.sql.functions.col;

import io.vigil.schemas.KafkaHeaders;
import io.vigil.schemas.Measurement;
import io.vigil.schemas.ParseResult;
import io.vigil.schemas.Rejection;
import io.vigil.schemas.TelemetryParser;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Kafka rows to parsed rows: one row per measurement of an accepted record, one row per rejection
 * (the whole record, or in lenient mode a refused field). Times stay epoch milliseconds here and
 * become timestamps in SQL, so the encoder does not depend on {@code spark.sql.datetime.java8API}.
 */
public final class ParsedRecords implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;
  private static final long MS_PER_DAY = 86_400_000L;

  public static final StructType SCHEMA = new StructType(new StructField[] {
      field("ingest_ms", LongType, false),
      field("source_topic", StringType, false),
      field("source_partition", IntegerType, false),
      field("source_offset", LongType, false),
      field("mqtt_topic", StringType, true),
      field("arrival_ms", LongType, false),
      field("device_id", StringType, true),
      // Measurement columns: set on measurement rows, null on rejection rows.
      field("measurement_index", IntegerType, true),
      field("metric", StringType, true),
      field("event_ms", LongType, true),
      field("event_day", IntegerType, true),
      field("value", DoubleType, true),
      field("message_id", StringType, true),
      field("measurement_id", StringType, true),
      // Rejection columns: set on rejection rows, null on measurement rows.
      field("reason", StringType, true),
      field("field", StringType, true),
      field("message", StringType, true),
      field("payload", BinaryType, true),
      // True on the first row a Kafka record produced: counting these counts records, not rows.
      field("first_of_record", org.apache.spark.sql.types.DataTypes.BooleanType, false),
  });

  // The input shape input() selects, so call() reads fixed positions.
  private static final int KEY = 0;
  private static final int VALUE = 1;
  private static final int TOPIC = 2;
  private static final int PARTITION = 3;
  private static final int OFFSET = 4;
  private static final int TIMESTAMP = 5;
  private static final int MQTT_TOPIC_HEADER = 6;
  private static final int ARRIVAL_HEADER = 7;
  private static final int SPARKPLUG_ALIASES_HEADER = 8;

  private final TelemetryParser parser;

  public ParsedRecords(TelemetryParser parser) {
    this.parser = parser;
  }

  /**
   * What {@link #call} reads, from Kafka source rows (headers optional) or bronze rows: the three
   * headers it needs are looked up here, in compiled code, so each record does not become a Java
   * row holding all of its headers.
   */
  public static Dataset<Row> input(Dataset<Row> rows) {
    for (String column : new String[] {"value", "topic", "partition", "offset"}) {
      if (!Arrays.asList(rows.columns()).contains(column)) {
        throw new IllegalArgumentException("Kafka rows need a column " + column + "; they have " + rows.schema().simpleString());
      }
    }
    Column headers = KafkaRecordColumns.headersMap(rows);
    return rows.select(
        KafkaRecordColumns.columnOrNull(rows, BinaryType, "key"),
        col("value"),
        col("topic"),
        col("partition"),
        col("offset"),
        KafkaRecordColumns.columnOrNull(rows, TimestampType, "timestamp", "kafka_timestamp"),
        headers.getItem(KafkaHeaders.MQTT_TOPIC),
        headers.getItem(KafkaHeaders.ARRIVAL_MILLIS),
        headers.getItem(KafkaHeaders.SPARKPLUG_ALIASES));
  }

  @Override
  public Iterator<Row> call(Iterator<Row> kafkaRows) {
    // One clock read per partition: every record of a batch partition shares its ingest time.
    long ingestMs = System.currentTimeMillis();
    return new FlatteningIterator(kafkaRows, ingestMs);
  }

  private final class FlatteningIterator implements Iterator<Row> {
    private final Iterator<Row> in;
    private final long ingestMs;
    private final List<Row> pending = new ArrayList<>();
    private int next;

    FlatteningIterator(Iterator<Row> in, long ingestMs) {
      this.in = in;
      this.ingestMs = ingestMs;
    }

    @Override
    public boolean hasNext() {
      while (next >= pending.size() && in.hasNext()) {
        pending.clear();
        next = 0;
        expand(in.next(), ingestMs, pending);
      }
      return next < pending.size();
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      return pending.get(next++);
    }
  }

  void expand(Row kafka, long ingestMs, List<Row> out) {
    String topic = kafka.getString(TOPIC);
    int partition = kafka.getInt(PARTITION);
    long offset = kafka.getLong(OFFSET);
    byte[] payload = (byte[]) kafka.get(VALUE);
    String mqttTopic = kafka.getString(MQTT_TOPIC_HEADER);
    long arrivalMs = arrivalMillis(kafka, kafka.getString(ARRIVAL_HEADER), ingestMs);
    // Sparkplug B DATA by alias: the bridge wrote the names the record needs (the parser keeps no state).
    String aliases = kafka.getString(SPARKPLUG_ALIASES_HEADER);
    ParseResult result = aliases == null ? parser.parse(mqttTopic, payload, arrivalMs)
        : parser.parse(mqttTopic, payload, arrivalMs, java.util.Map.of(KafkaHeaders.SPARKPLUG_ALIASES, aliases));
    String deviceId = result.deviceId().orElseGet(() -> keyAsDevice(kafka, result));
    if (!result.isAccepted()) {
      out.add(rejection(ingestMs, topic, partition, offset, mqttTopic, arrivalMs, deviceId, result.rejection().get(), payload,
          true));
      return;
    }
    int index = 0;
    for (Measurement m : result.measurements()) {
      out.add(RowFactory.create(ingestMs, topic, partition, offset, mqttTopic, arrivalMs, m.deviceId(),
          index, m.metric(), m.eventTimeMillis(), (int) Math.floorDiv(m.eventTimeMillis(), MS_PER_DAY), m.value(),
          m.messageId(), m.measurementId(), null, null, null, null, index == 0));
      index++;
    }
    // Lenient mode: the refused fields of an accepted record are quarantined too, never dropped.
    boolean first = index == 0;
    for (Rejection r : result.fieldRejections()) {
      out.add(rejection(ingestMs, topic, partition, offset, mqttTopic, arrivalMs, deviceId, r, payload, first));
      first = false;
    }
  }

  private static Row rejection(long ingestMs, String topic, int partition, long offset, String mqttTopic, long arrivalMs,
      String deviceId, Rejection r, byte[] payload, boolean firstOfRecord) {
    return RowFactory.create(ingestMs, topic, partition, offset, mqttTopic, arrivalMs, deviceId,
        null, null, null, null, null, null, null, r.reason().name(), r.field(), r.message(), payload, firstOfRecord);
  }

  /** Without a parsed device id, the record key (the bridge writes the device id there) still helps triage. */
  private String keyAsDevice(Row kafka, ParseResult result) {
    byte[] key = (byte[]) kafka.get(KEY);
    return key == null || result.isAccepted() ? null : new String(key, StandardCharsets.UTF_8);
  }

  /** The bridge's arrival header; else the Kafka timestamp; else now. */
  private long arrivalMillis(Row kafka, String header, long ingestMs) {
    if (header != null) {
      try {
        return Long.parseLong(header.trim());
      } catch (NumberFormatException e) {
        // fall through: a malformed header must not lose the record
      }
    }
    Object value = kafka.get(TIMESTAMP);
    if (value instanceof Timestamp t) {
      return t.getTime();
    }
    if (value instanceof Instant i) {
      return i.toEpochMilli();
    }
    return ingestMs;
  }

  private static StructField field(String name, org.apache.spark.sql.types.DataType type, boolean nullable) {
    return new StructField(name, type, nullable, org.apache.spark.sql.types.Metadata.empty());
  }
}
