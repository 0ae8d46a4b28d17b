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
  });

  private final TelemetryParser parser;

  public ParsedRecords(TelemetryParser parser) {
    this.parser = parser;
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
    String topic = kafka.getAs("topic");
    int partition = kafka.<Integer>getAs("partition");
    long offset = kafka.<Long>getAs("offset");
    byte[] payload = kafka.getAs("value");
    String mqttTopic = header(kafka, KafkaHeaders.MQTT_TOPIC);
    long arrivalMs = arrivalMillis(kafka, ingestMs);
    ParseResult result = parser.parse(mqttTopic, payload, arrivalMs);
    String deviceId = result.deviceId().orElseGet(() -> keyAsDevice(kafka, result));
    if (!result.isAccepted()) {
      out.add(rejection(ingestMs, topic, partition, offset, mqttTopic, arrivalMs, deviceId, result.rejection().get(), payload));
      return;
    }
    int index = 0;
    for (Measurement m : result.measurements()) {
      out.add(RowFactory.create(ingestMs, topic, partition, offset, mqttTopic, arrivalMs, m.deviceId(),
          index++, m.metric(), m.eventTimeMillis(), (int) Math.floorDiv(m.eventTimeMillis(), MS_PER_DAY), m.value(),
          m.messageId(), m.measurementId(), null, null, null, null));
    }
    // Lenient mode: the refused fields of an accepted record are quarantined too, never dropped.
    for (Rejection r : result.fieldRejections()) {
      out.add(rejection(ingestMs, topic, partition, offset, mqttTopic, arrivalMs, deviceId, r, payload));
    }
  }

  private static Row rejection(long ingestMs, String topic, int partition, long offset, String mqttTopic, long arrivalMs,
      String deviceId, Rejection r, byte[] payload) {
    return RowFactory.create(ingestMs, topic, partition, offset, mqttTopic, arrivalMs, deviceId,
        null, null, null, null, null, null, null, r.reason().name(), r.field(), r.message(), payload);
  }

  /** Without a parsed device id, the record key (the bridge writes the device id there) still helps triage. */
  private static String keyAsDevice(Row kafka, ParseResult result) {
    byte[] key = kafka.getAs("key");
    return key == null || result.isAccepted() ? null : new String(key, StandardCharsets.UTF_8);
  }

  /** The bridge's arrival header; else the Kafka timestamp; else now. */
  private static long arrivalMillis(Row kafka, long ingestMs) {
    String header = header(kafka, KafkaHeaders.ARRIVAL_MILLIS);
    if (header != null) {
      try {
        return Long.parseLong(header.trim());
      } catch (NumberFormatException e) {
        // fall through: a malformed header must not lose the record
      }
    }
    int ts = indexOf(kafka, "timestamp");
    Object value = ts < 0 ? null : kafka.get(ts);
    if (value instanceof Timestamp t) {
      return t.getTime();
    }
    if (value instanceof Instant i) {
      return i.toEpochMilli();
    }
    return ingestMs;
  }

  private static String header(Row kafka, String name) {
    int idx = indexOf(kafka, "headers");
    if (idx < 0 || kafka.isNullAt(idx)) {
      return null;
    }
    Object headers = kafka.get(idx);
    Iterable<?> items = headers instanceof Seq<?> seq ? scala.collection.JavaConverters.seqAsJavaList(seq)
        : headers instanceof List<?> list ? list : List.of();
    String found = null;
    for (Object item : items) {
      Row h = (Row) item;
      if (name.equals(h.getString(0)) && !h.isNullAt(1)) {
        found = new String((byte[]) h.get(1), StandardCharsets.UTF_8); // last one wins, as in Kafka's lastHeader
      }
    }
    return found;
  }

  private static int indexOf(Row row, String column) {
    StructType schema = row.schema();
    if (schema == null) {
      return -1;
    }
    for (int i = 0; i < schema.fields().length; i++) {
      if (schema.fields()[i].name().equals(column)) {
        return i;
      }
    }
    return -1;
  }

  private static StructField field(String name, org.apache.spark.sql.types.DataType type, boolean nullable) {
    return new StructField(name, type, nullable, org.apache.spark.sql.types.Metadata.empty());
  }
}
