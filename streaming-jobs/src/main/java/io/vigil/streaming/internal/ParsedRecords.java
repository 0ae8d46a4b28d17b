package io.vigil.streaming.internal;

import static org.apache.spark.sql.types.DataTypes.BinaryType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import io.vigil.schemas.KafkaHeaders;
import io.vigil.schemas.Measurement;
import io.vigil.schemas.ParseResult;
import io.vigil.schemas.Rejection;
import io.vigil.schemas.TelemetryParser;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.collection.Seq;

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

  private final TelemetryParser parser;
  // Column positions in the input, resolved once on the driver: rows may reach call() without a schema.
  private final int keyAt;
  private final int valueAt;
  private final int topicAt;
  private final int partitionAt;
  private final int offsetAt;
  private final int timestampAt;
  private final int headersAt;

  /** @param input the Kafka rows' schema (Spark's Kafka source; headers optional) */
  public ParsedRecords(TelemetryParser parser, StructType input) {
    this.parser = parser;
    this.keyAt = indexOf(input, "key");
    this.valueAt = required(input, "value");
    this.topicAt = required(input, "topic");
    this.partitionAt = required(input, "partition");
    this.offsetAt = required(input, "offset");
    this.timestampAt = indexOf(input, "timestamp");
    this.headersAt = indexOf(input, "headers");
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
    String topic = kafka.getString(topicAt);
    int partition = kafka.getInt(partitionAt);
    long offset = kafka.getLong(offsetAt);
    byte[] payload = (byte[]) kafka.get(valueAt);
    String[] headers = headers(kafka);
    String mqttTopic = headers[0];
    long arrivalMs = arrivalMillis(kafka, headers[1], ingestMs);
    ParseResult result = parser.parse(mqttTopic, payload, arrivalMs);
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
    byte[] key = keyAt < 0 ? null : (byte[]) kafka.get(keyAt);
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
    Object value = timestampAt < 0 ? null : kafka.get(timestampAt);
    if (value instanceof Timestamp t) {
      return t.getTime();
    }
    if (value instanceof Instant i) {
      return i.toEpochMilli();
    }
    return ingestMs;
  }

  /** The MQTT topic and arrival headers, or nulls; with a repeated name the last wins, as in Kafka's lastHeader. */
  private String[] headers(Row kafka) {
    String[] found = new String[2];
    if (headersAt < 0 || kafka.isNullAt(headersAt)) {
      return found;
    }
    Object headers = kafka.get(headersAt);
    Iterable<?> items = headers instanceof Seq<?> seq ? scala.collection.JavaConverters.seqAsJavaList(seq)
        : headers instanceof List<?> list ? list : List.of();
    for (Object item : items) {
      Row h = (Row) item;
      if (h.isNullAt(1)) {
        continue;
      }
      String name = h.getString(0);
      if (KafkaHeaders.MQTT_TOPIC.equals(name)) {
        found[0] = new String((byte[]) h.get(1), StandardCharsets.UTF_8);
      } else if (KafkaHeaders.ARRIVAL_MILLIS.equals(name)) {
        found[1] = new String((byte[]) h.get(1), StandardCharsets.UTF_8);
      }
    }
    return found;
  }

  private static int indexOf(StructType schema, String column) {
    String[] names = schema.fieldNames();
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(column)) {
        return i;
      }
    }
    return -1;
  }

  private static int required(StructType schema, String column) {
    int at = indexOf(schema, column);
    if (at < 0) {
      throw new IllegalArgumentException("Kafka rows need a column " + column + "; they have " + schema.simpleString());
    }
    return at;
  }

  private static StructField field(String name, org.apache.spark.sql.types.DataType type, boolean nullable) {
    return new StructField(name, type, nullable, org.apache.spark.sql.types.Metadata.empty());
  }
}
