package io.vigil.schemas.internal;

import com.google.protobuf.InvalidProtocolBufferException;
import io.vigil.schemas.Attribute;
import io.vigil.schemas.DeviceStatus;
import io.vigil.schemas.KafkaHeaders;
import io.vigil.schemas.Measurement;
import io.vigil.schemas.ParseResult;
import io.vigil.schemas.ParserOptions;
import io.vigil.schemas.Rejection;
import io.vigil.schemas.TimeSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.tahu.protobuf.SparkplugBProto.DataType;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload.Metric;

/**
 * Sparkplug B messages as Vigil readings (the rules are in docs/sparkplug-b.md). Stateless: metric
 * names of alias-only DATA messages come from the {@link KafkaHeaders#SPARKPLUG_ALIASES} header the
 * bridge attaches. One bad metric never costs the others: Sparkplug BIRTHs routinely mix readings
 * with DataSets and Templates, so metric problems are always field rejections, whatever the strict
 * setting says; only a message-level problem (topic, protobuf, payload time, an unknown alias)
 * refuses the whole message.
 */
public final class SparkplugDecoder {
  private SparkplugDecoder() {}

  static final String BD_SEQ = "bdSeq";
  static final String NODE_CONTROL = "Node Control/";
  static final String DEVICE_CONTROL = "Device Control/";
  static final String PROPERTIES = "Properties/";

  public static ParseResult decode(String topic, byte[] payload, long arrivalMillis, Map<String, String> headers,
      ParserOptions options) {
    SparkplugTopic t = SparkplugTopic.parse(topic);
    if (t == null) {
      return ParseResult.rejected(null, Rejections.sparkplugTopic(topic));
    }
    if (t.type().equals("STATE") || t.type().equals("NCMD") || t.type().equals("DCMD")) {
      return ParseResult.rejected(null, Rejections.sparkplugNotTelemetry(topic, t.type()));
    }
    if (!t.wellFormed()) {
      return ParseResult.rejected(null, Rejections.sparkplugTopic(topic));
    }
    String deviceId = SparkplugNames.deviceId(t.group(), t.node(), t.device());
    if (!options.deviceIdPattern().matcher(deviceId).matches()) {
      return ParseResult.rejected(null, Rejections.invalidDeviceId("topic", deviceId, options.deviceIdPattern()));
    }
    if (payload == null || payload.length == 0) {
      return ParseResult.rejected(deviceId, Rejections.emptyPayload());
    }
    if (payload.length > options.maxPayloadBytes()) {
      return ParseResult.rejected(deviceId, Rejections.oversized(payload.length, options.maxPayloadBytes()));
    }
    Payload p;
    try {
      p = Payload.parseFrom(payload);
    } catch (InvalidProtocolBufferException e) {
      return ParseResult.rejected(deviceId, Rejections.notProtobuf(topic, String.valueOf(e.getMessage())));
    }
    Bounds bounds = new Bounds(options.earliest().toEpochMilli(), arrivalMillis + options.maxFutureSkew().toMillis());
    if (p.hasTimestamp() && !bounds.contains(p.getTimestamp())) {
      return ParseResult.rejected(deviceId, bounds.outOfRange("timestamp", p.getTimestamp()));
    }
    if (p.getMetricsCount() > options.maxMetrics()) {
      return ParseResult.rejected(deviceId, Rejections.tooManyMetrics(options.maxMetrics()));
    }
    return new Reading(t, deviceId, p, arrivalMillis, bounds, headers, options.deviceIdPattern()).run();
  }

  private record Bounds(long earliest, long latest) {
    boolean contains(long millis) {
      return millis >= earliest && millis <= latest;
    }

    Rejection outOfRange(String field, long millis) {
      return Rejections.timestampOutOfRange(field, millis, Instant.ofEpochMilli(earliest), Instant.ofEpochMilli(latest),
          "Sparkplug timestamps are epoch milliseconds (UTC)");
    }
  }

  /** One message being read: its metrics become measurements, attributes and field rejections. */
  private static final class Reading {
    private final SparkplugTopic topic;
    private final String deviceId;
    private final Payload payload;
    private final long arrivalMillis;
    private final Bounds bounds;
    private final Map<String, String> headers;
    private Map<Long, SparkplugAliasHeader.Definition> aliases;
    private final List<Measurement> measurements = new ArrayList<>();
    private final List<Attribute> attributes = new ArrayList<>();
    private final List<Rejection> fieldRejections = new ArrayList<>();
    private boolean arrivalUsed;
    private String bdSeq;
    private final java.util.regex.Pattern deviceIdPattern;

    Reading(SparkplugTopic topic, String deviceId, Payload payload, long arrivalMillis, Bounds bounds, Map<String, String> headers,
        java.util.regex.Pattern deviceIdPattern) {
      this.deviceIdPattern = deviceIdPattern;
      this.topic = topic;
      this.deviceId = deviceId;
      this.payload = payload;
      this.arrivalMillis = arrivalMillis;
      this.bounds = bounds;
      this.headers = headers == null ? Map.of() : headers;
    }

    ParseResult run() {
      for (int i = 0; i < payload.getMetricsCount(); i++) {
        Rejection unknown = read(i, payload.getMetrics(i));
        if (unknown != null) {
          return ParseResult.rejected(deviceId, unknown);
        }
      }
      if (topic.isDeath()) {
        DeviceStatus status = death();
        return ParseResult.accepted(deviceId, List.of(), List.of(), arrivalUsed ? TimeSource.ARRIVAL : TimeSource.PAYLOAD,
            List.of(), status).withRelatedStatuses(devicesDown(status));
      }
      DeviceStatus status = null;
      if (topic.isBirth()) {
        status = new DeviceStatus(DeviceStatus.State.ONLINE, messageTime(), topic.type() + (bdSeq == null ? "" : " bdSeq=" + bdSeq));
      } else if (measurements.isEmpty() && attributes.isEmpty()) {
        return ParseResult.rejected(deviceId, fieldRejections.isEmpty()
            ? Rejections.sparkplugNoMetrics(topic.group() + "/" + topic.type() + "/" + topic.node()) : fieldRejections.get(0));
      }
      return ParseResult.accepted(deviceId, measurements, fieldRejections,
          arrivalUsed ? TimeSource.ARRIVAL : TimeSource.PAYLOAD, attributes, status);
    }

    /**
     * An NDEATH is the edge node's MQTT will, composed when it connected, so its timestamp (if any)
     * is the connect time: the arrival time is when the node went away. A DDEATH is sent by a live
     * edge node at the time the device went away.
     */
    private DeviceStatus death() {
      if (topic.type().equals("NDEATH")) {
        arrivalUsed = true;
        return new DeviceStatus(DeviceStatus.State.OFFLINE, arrivalMillis,
            "NDEATH" + (bdSeq == null ? "" : " bdSeq=" + bdSeq) + ": the edge node and all its devices (" + deviceId + ":*) are offline");
      }
      return new DeviceStatus(DeviceStatus.State.OFFLINE, messageTime(), "DDEATH");
    }

    /**
     * The devices an NDEATH takes down with its edge node, as the bridge named them (the header
     * {@link KafkaHeaders#SPARKPLUG_DEVICES}: the parser keeps no state), each OFFLINE at the node's
     * status time. None for a DDEATH, or without the header (a record bridged before it existed).
     */
    private Map<String, DeviceStatus> devicesDown(DeviceStatus nodeStatus) {
      String header = topic.type().equals("NDEATH") ? headers.get(KafkaHeaders.SPARKPLUG_DEVICES) : null;
      List<String> devices = header == null ? null : SparkplugDevicesHeader.decode(header);
      if (devices == null || devices.isEmpty()) {
        return Map.of();
      }
      Map<String, DeviceStatus> out = new java.util.LinkedHashMap<>();
      for (String device : devices) {
        String id = SparkplugNames.deviceId(topic.group(), topic.node(), device);
        if (!deviceIdPattern.matcher(id).matches()) {
          continue; // its readings were refused for the same id: nothing watches it
        }
        out.put(id, new DeviceStatus(DeviceStatus.State.OFFLINE,
            nodeStatus.atMillis(), "NDEATH of edge node " + deviceId + (bdSeq == null ? "" : " bdSeq=" + bdSeq)));
      }
      return out;
    }

    private long messageTime() {
      if (payload.hasTimestamp()) {
        return payload.getTimestamp();
      }
      arrivalUsed = true;
      return arrivalMillis;
    }

    /** Reads metric {@code index}; returns a rejection only for an alias no header names (the whole message is refused). */
    private Rejection read(int index, Metric m) {
      int datatype = m.hasDatatype() ? m.getDatatype() : 0;
      String raw;
      if (m.hasName() && !m.getName().isEmpty()) {
        raw = m.getName();
      } else if (m.hasAlias()) {
        SparkplugAliasHeader.Definition d = aliases().get(m.getAlias());
        if (d == null) {
          return Rejections.unknownAlias("metrics[" + index + "].alias", m.getAlias(), topic);
        }
        raw = d.name();
        datatype = datatype == 0 ? d.datatype() : datatype;
      } else {
        fieldRejections.add(Rejections.invalidMetricName("metrics[" + index + "]", ""));
        return null;
      }
      if (raw.equals(BD_SEQ)) {
        bdSeq = m.hasLongValue() ? Long.toString(m.getLongValue()) : m.hasIntValue() ? Integer.toString(m.getIntValue()) : null;
        return null;
      }
      if (raw.startsWith(NODE_CONTROL) || raw.startsWith(DEVICE_CONTROL) || m.getIsNull()
          || m.getValueCase() == Metric.ValueCase.VALUE_NOT_SET) {
        return null; // commands to the edge, and metrics without a value, are no readings
      }
      String name = SparkplugNames.metricName(raw);
      if (name.length() > 128) {
        fieldRejections.add(Rejections.invalidMetricName(raw, name));
        return null;
      }
      long time;
      if (m.hasTimestamp()) {
        if (!bounds.contains(m.getTimestamp())) {
          fieldRejections.add(bounds.outOfRange(raw + ".timestamp", m.getTimestamp()));
          return null;
        }
        time = m.getTimestamp();
      } else {
        time = messageTime();
      }
      Object value = SparkplugValues.of(m, datatype);
      if (value instanceof SparkplugValues.Unsupported u) {
        fieldRejections.add(Rejections.unsupportedMetricType(raw, u.type()));
      } else if (raw.startsWith(PROPERTIES) || value instanceof String) {
        attributes.add(new Attribute(name, SparkplugValues.text(value), time));
      } else {
        double v = (Double) value;
        if (Double.isFinite(v)) {
          measurements.add(new Measurement(deviceId, name, time, v, null));
        } else {
          fieldRejections.add(Rejections.nonFinite(raw, Double.toString(v)));
        }
      }
      return null;
    }

    private Map<Long, SparkplugAliasHeader.Definition> aliases() {
      if (aliases == null) {
        String header = headers.get(KafkaHeaders.SPARKPLUG_ALIASES);
        Map<Long, SparkplugAliasHeader.Definition> decoded = header == null ? null : SparkplugAliasHeader.decode(header);
        aliases = decoded == null ? Map.of() : decoded;
      }
      return aliases;
    }
  }

  /** The name of a Sparkplug datatype number, for messages. */
  static String datatypeName(int datatype) {
    DataType t = DataType.forNumber(datatype);
    return t == null ? "datatype " + datatype : t.name();
  }
}
