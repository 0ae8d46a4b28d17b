package io.vigil.streaming.internal;

import static org.apache.spark.sql.types.DataTypes.BinaryType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;
import static org.apache.spark.sql.functions.col;

import io.vigil.schemas.Attribute;
import io.vigil.schemas.DeviceStatus;
import io.vigil.schemas.KafkaHeaders;
import io.vigil.schemas.Measurement;
import io.vigil.schemas.ParseResult;
import io.vigil.schemas.Rejection;
import io.vigil.schemas.TableSchemas;
import io.vigil.schemas.TelemetryParser;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Kafka rows to parsed rows: one row per measurement of an accepted record, one per attribute, one
 * for its device status, one row per rejection (the whole record, or in lenient mode a refused
 * field). Times stay epoch milliseconds here and become timestamps in SQL, so the encoder does not
 * depend on {@code spark.sql.datetime.java8API}.
 *
 * <p>Each record is parsed with the parser of the bridge route that took it (header
 * {@code vigil.bridge.route}), so the job reads a payload with the same mapping the bridge
 * checked it with; records without the header, or from a route the job does not know, get the
 * default parser (the driver counts and logs those routes, see {@code TablesSink}).
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
      // The bridge route header as it came (null without one).
      field("route", StringType, true),
      // PAYLOAD or ARRIVAL on measurement, attribute and status rows.
      field("time_source", StringType, true),
      // Measurement columns: set on measurement rows, null on rejection rows.
      field("measurement_index", IntegerType, true),
      field("metric", StringType, true),
      field("event_ms", LongType, true),
      field("event_day", IntegerType, true),
      field("value", DoubleType, true),
      field("message_id", StringType, true),
      field("measurement_id", StringType, true),
      // Attribute columns: set on attribute rows (a device status is one too, named vigil.connection).
      field("attribute", StringType, true),
      field("attribute_value", StringType, true),
      field("attribute_id", StringType, true),
      // Device status: ONLINE or OFFLINE on the status row (also an attribute row), for the device watch.
      field("status", StringType, true),
      field("status_detail", StringType, true),
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
  private static final int ROUTE_HEADER = 8;
  private static final int SPARKPLUG_ALIASES_HEADER = 9;
  private static final int SPARKPLUG_DEVICES_HEADER = 10;
  private static final int COLUMNS = SCHEMA.size();

  private final TelemetryParser parser;
  private final Map<String, TelemetryParser> routes;

  public ParsedRecords(TelemetryParser parser) {
    this(parser, Map.of());
  }

  /**
   * @param parser for records without a route header or with a route not in {@code routes}
   * @param routes the parser of each bridge route, by route name
   */
  public ParsedRecords(TelemetryParser parser, Map<String, TelemetryParser> routes) {
    this.parser = parser;
    this.routes = Map.copyOf(routes);
  }

  /** The parser of a route, the default one for none or an unknown one. */
  TelemetryParser parserFor(String route) {
    TelemetryParser p = route == null ? null : routes.get(route);
    return p == null ? parser : p;
  }

  /**
   * What {@link #call} reads, from Kafka source rows (headers optional) or bronze rows: the few
   * headers it needs (MQTT topic, arrival time, bridge route, Sparkplug aliases) are looked up here, in compiled code, so each record does not become a Java
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
        headers.getItem(KafkaHeaders.BRIDGE_ROUTE),
        headers.getItem(KafkaHeaders.SPARKPLUG_ALIASES),
        headers.getItem(KafkaHeaders.SPARKPLUG_DEVICES));
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
    String route = kafka.getString(ROUTE_HEADER);
    long arrivalMs = arrivalMillis(kafka, kafka.getString(ARRIVAL_HEADER), ingestMs);
    ParseResult result = parse(parserFor(route), mqttTopic, payload, arrivalMs, kafka.getString(SPARKPLUG_ALIASES_HEADER),
        kafka.size() > SPARKPLUG_DEVICES_HEADER ? kafka.getString(SPARKPLUG_DEVICES_HEADER) : null);
    String deviceId = result.deviceId().orElseGet(() -> keyAsDevice(kafka, result));
    Record record = new Record(ingestMs, topic, partition, offset, mqttTopic, arrivalMs, route);
    int start = out.size();
    if (!result.isAccepted()) {
      out.add(record.rejection(deviceId, result.rejection().get(), payload, true));
      return;
    }
    String timeSource = result.timeSource().name();
    int index = 0;
    for (Measurement m : result.measurements()) {
      Object[] row = record.row(m.deviceId(), timeSource, m.eventTimeMillis(), out.size() == start);
      row[MEASUREMENT_INDEX] = index++;
      row[METRIC] = m.metric();
      row[VALUE_COLUMN] = m.value();
      row[MESSAGE_ID] = m.messageId();
      row[MEASUREMENT_ID] = m.measurementId();
      out.add(RowFactory.create(row));
    }
    String messageId = result.measurements().isEmpty() ? null : result.measurements().get(0).messageId();
    for (Attribute a : result.attributes()) {
      out.add(attribute(record.row(deviceId, timeSource, a.eventTimeMillis(), out.size() == start), deviceId, a.name(), a.value(),
          a.eventTimeMillis(), messageId));
    }
    if (result.deviceStatus().isPresent()) {
      DeviceStatus status = result.deviceStatus().get();
      Object[] row = record.row(deviceId, timeSource, status.atMillis(), out.size() == start);
      row[STATUS] = status.state().name();
      row[STATUS_DETAIL] = status.detail();
      out.add(attribute(row, deviceId, TableSchemas.CONNECTION_ATTRIBUTE, status.state().name(), status.atMillis(), messageId));
    }
    // A Sparkplug NDEATH speaks for the devices behind the edge node too: a status row each, under its own id.
    result.relatedStatuses().forEach((other, status) -> {
      Object[] row = record.row(other, timeSource, status.atMillis(), out.size() == start);
      row[STATUS] = status.state().name();
      row[STATUS_DETAIL] = status.detail();
      out.add(attribute(row, other, TableSchemas.CONNECTION_ATTRIBUTE, status.state().name(), status.atMillis(), messageId));
    });
    // Lenient mode: the refused fields of an accepted record are quarantined too, never dropped.
    for (Rejection r : result.fieldRejections()) {
      out.add(record.rejection(deviceId, r, payload, out.size() == start));
    }
  }

  /**
   * One place that calls the shared parser. The Sparkplug aliases header, when present, is what a
   * data message's metric aliases resolve against (the bridge copies it from the birth certificate).
   */
  private static ParseResult parse(TelemetryParser parser, String mqttTopic, byte[] payload, long arrivalMs,
      String sparkplugAliases, String sparkplugDevices) {
    Map<String, String> headers;
    if (sparkplugDevices == null) {
      headers = sparkplugAliases == null ? Map.of() : Map.of(KafkaHeaders.SPARKPLUG_ALIASES, sparkplugAliases);
    } else {
      headers = new java.util.HashMap<>(2);
      headers.put(KafkaHeaders.SPARKPLUG_DEVICES, sparkplugDevices);
      if (sparkplugAliases != null) {
        headers.put(KafkaHeaders.SPARKPLUG_ALIASES, sparkplugAliases);
      }
    }
    return parser.parse(mqttTopic, payload, arrivalMs, headers);
  }

  private static Row attribute(Object[] row, String deviceId, String name, String value, long eventMs, String messageId) {
    row[ATTRIBUTE] = name;
    row[ATTRIBUTE_VALUE] = value;
    row[MESSAGE_ID] = messageId;
    row[ATTRIBUTE_ID] = attributeId(deviceId, name, eventMs, value);
    return RowFactory.create(row);
  }

  /** The same attribute delivered twice (a redelivery, a retry, a re-read) gets the same id. */
  static String attributeId(String deviceId, String name, long eventMs, String value) {
    String key = "a|" + deviceId + '|' + name + '|' + eventMs + '|' + value;
    return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString();
  }

  // Positions in SCHEMA of the columns expand() sets per row kind.
  private static final int DEVICE_ID = SCHEMA.fieldIndex("device_id");
  private static final int ROUTE = SCHEMA.fieldIndex("route");
  private static final int TIME_SOURCE = SCHEMA.fieldIndex("time_source");
  private static final int MEASUREMENT_INDEX = SCHEMA.fieldIndex("measurement_index");
  private static final int METRIC = SCHEMA.fieldIndex("metric");
  private static final int EVENT_MS = SCHEMA.fieldIndex("event_ms");
  private static final int EVENT_DAY = SCHEMA.fieldIndex("event_day");
  private static final int VALUE_COLUMN = SCHEMA.fieldIndex("value");
  private static final int MESSAGE_ID = SCHEMA.fieldIndex("message_id");
  private static final int MEASUREMENT_ID = SCHEMA.fieldIndex("measurement_id");
  private static final int ATTRIBUTE = SCHEMA.fieldIndex("attribute");
  private static final int ATTRIBUTE_VALUE = SCHEMA.fieldIndex("attribute_value");
  private static final int ATTRIBUTE_ID = SCHEMA.fieldIndex("attribute_id");
  private static final int STATUS = SCHEMA.fieldIndex("status");
  private static final int STATUS_DETAIL = SCHEMA.fieldIndex("status_detail");
  private static final int REASON = SCHEMA.fieldIndex("reason");
  private static final int FIELD = SCHEMA.fieldIndex("field");
  private static final int MESSAGE = SCHEMA.fieldIndex("message");
  private static final int PAYLOAD = SCHEMA.fieldIndex("payload");
  private static final int FIRST_OF_RECORD = SCHEMA.fieldIndex("first_of_record");

  /** The columns every row of one Kafka record shares. */
  private record Record(long ingestMs, String topic, int partition, long offset, String mqttTopic, long arrivalMs,
      String route) {
    Object[] row(String deviceId, String timeSource, Long eventMs, boolean first) {
      Object[] row = new Object[COLUMNS];
      row[0] = ingestMs;
      row[1] = topic;
      row[2] = partition;
      row[3] = offset;
      row[4] = mqttTopic;
      row[5] = arrivalMs;
      row[DEVICE_ID] = deviceId;
      row[ROUTE] = route;
      row[TIME_SOURCE] = timeSource;
      if (eventMs != null) {
        row[EVENT_MS] = eventMs;
        row[EVENT_DAY] = (int) Math.floorDiv(eventMs, MS_PER_DAY);
      }
      row[FIRST_OF_RECORD] = first;
      return row;
    }

    Row rejection(String deviceId, Rejection r, byte[] payload, boolean first) {
      Object[] row = row(deviceId, null, null, first);
      row[REASON] = r.reason().name();
      row[FIELD] = r.field();
      row[MESSAGE] = r.message();
      row[PAYLOAD] = payload;
      return RowFactory.create(row);
    }
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
