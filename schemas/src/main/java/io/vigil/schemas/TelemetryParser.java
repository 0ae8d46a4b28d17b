package io.vigil.schemas;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.vigil.schemas.internal.AutoDialect;
import io.vigil.schemas.internal.MappedPayloadReader;
import io.vigil.schemas.internal.Presets;
import io.vigil.schemas.internal.MessageIds;
import io.vigil.schemas.internal.MetricRules;
import io.vigil.schemas.internal.Paths;
import io.vigil.schemas.internal.Rejections;
import io.vigil.schemas.internal.StatusWords;
import io.vigil.schemas.internal.TimestampParser;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns one telemetry message (MQTT topic + payload) into narrow {@link Measurement}s, or a typed
 * {@link Rejection}. The bridge's edge checks and the streaming jobs both use this class, so a
 * message is judged the same way everywhere.
 *
 * <p>Accepted payloads are JSON objects, flat ({@code {"ts": ..., "temperature": 21.5}}) or nested
 * ({@code {"ts": ..., "metrics": {"temperature": 21.5}}}); {@code ts} is epoch milliseconds or an
 * ISO-8601 instant; {@code msgId}/{@code messageId} (string) or {@code seq} (integer) is an optional
 * message id. That is Vigil's own dialect, read on a streaming fast path.
 *
 * <p>Other device families are read under their {@link PayloadMapping} (a preset, see
 * {@link ParserOptions#withPreset}): nested readings, other timestamp units, the arrival time when
 * the payload has none, text values as {@link Attribute}s, bare values whose metric the topic names,
 * and status topics (last wills) as a {@link DeviceStatus}. {@link ParseResult#dialect()} names the
 * family that read the message. Instances are immutable and thread-safe.
 */
public final class TelemetryParser implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final String METRICS_FIELD = "metrics";
  public static final List<String> TIMESTAMP_FIELDS = List.of("ts", "timestamp");
  public static final List<String> MESSAGE_ID_FIELDS = MessageIds.FIELDS;
  /** Documents the rule {@link #isMetricName} checks by hand (a regex per metric was a hot spot at the bridge). */
  static final Pattern METRIC_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.:-]{0,127}");

  // Jackson is not Serializable; rebuilt lazily after a Spark task deserialises the parser.
  private transient ObjectMapper mapper;
  private final ParserOptions options;
  private final boolean vigil;
  private final MappedPayloadReader mapped;
  /** For preset=auto: the parser of each family. */
  private final Map<String, TelemetryParser> families;

  public TelemetryParser(ParserOptions options) {
    this.options = options;
    this.vigil = options.mapping().isVigil();
    this.mapped = new MappedPayloadReader(options);
    this.families = options.mapping().name().equals(AutoDialect.AUTO) ? familyParsers(options) : null;
  }

  /** How this parser's payloads are encoded (its mapping's format): JSON or Sparkplug B protobuf. */
  public PayloadMapping.Format format() {
    return options.mapping().format();
  }

  private static Map<String, TelemetryParser> familyParsers(ParserOptions options) {
    Map<String, TelemetryParser> out = new java.util.HashMap<>();
    for (String family : Presets.FAMILIES) {
      ParserOptions o = family.equals(Presets.VIGIL) ? options.withMapping(PayloadMapping.VIGIL) : options.withPreset(family);
      if (options.mapping().timestampZone() != null) {
        // The one mapping setting a mixed fleet needs: the zone of devices sending local times (Tasmota).
        o = o.withMapping(o.mapping().withTimestampZone(options.mapping().timestampZone()));
      }
      out.put(family, new TelemetryParser(o));
    }
    // Shelly's RPC notifications: the preset with its documented overrides (README, Connecting your devices).
    ParserOptions shelly = out.get("shelly-gen2").options;
    out.put(AutoDialect.SHELLY_GEN2_RPC, new TelemetryParser(shelly.withTopicLayout(TopicLayout.of("{deviceId}/events/rpc"))
        .withMapping(shelly.mapping().withTimestampFields(List.of("params.ts")).withTimestampUnit(PayloadMapping.TimestampUnit.S)
            .withMissingTimestamp(PayloadMapping.MissingTimestamp.REJECT).withMetricsRoot("params")
            .withExclude(List.of("*.id", "*.minute_ts")).withStatusLayout(null))));
    return out;
  }

  public ParserOptions options() {
    return options;
  }

  private ObjectMapper mapper() {
    if (mapper == null) {
      JsonMapper m = JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS) // so NaN gets its own reason, not NOT_JSON
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          // Decimal parsing dominated the parser's profile; this parser returns the same doubles.
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
          .build();
      m.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build());
      mapper = m;
    }
    return mapper;
  }

  /**
   * Parses one message.
   *
   * @param topic the MQTT topic it was published on (null when unknown: the payload must name the device)
   * @param payload the raw bytes
   * @param arrivalMillis when it arrived, to judge event times from the future
   */
  public ParseResult parse(String topic, byte[] payload, long arrivalMillis) {
    return parse(topic, payload, arrivalMillis, Map.of());
  }

  /**
   * Parses one message with the Kafka record headers that travel with it (the streaming job passes
   * them; the bridge passes the ones it is about to write), such as {@link KafkaHeaders#SPARKPLUG_ALIASES}.
   */
  public ParseResult parse(String topic, byte[] payload, long arrivalMillis, Map<String, String> headers) {
    return dispatch(topic, payload, arrivalMillis, headers, true);
  }

  /** With {@code fastPath} false, every message is judged on the tree: tests compare the two paths. */
  ParseResult parse(String topic, byte[] payload, long arrivalMillis, boolean fastPath) {
    return dispatch(topic, payload, arrivalMillis, Map.of(), fastPath);
  }

  /** One place picks the reader: the family's parser under preset=auto, the Sparkplug decoder, or JSON. */
  private ParseResult dispatch(String topic, byte[] payload, long arrivalMillis, Map<String, String> headers, boolean fastPath) {
    if (families != null) {
      return families.get(AutoDialect.familyOf(topic, payload)).dispatch(topic, payload, arrivalMillis, headers, fastPath);
    }
    if (format() == PayloadMapping.Format.SPARKPLUG_B) {
      return io.vigil.schemas.internal.SparkplugDecoder.decode(topic, payload, arrivalMillis, headers, options)
          .withDialect(SparkplugB.PRESET);
    }
    ParseResult result = read(topic, payload, arrivalMillis, fastPath);
    return result.dialect() != null ? result : result.withDialect(options.mapping().name());
  }

  private ParseResult read(String topic, byte[] payload, long arrivalMillis, boolean fastPath) {
    PayloadMapping mapping = options.mapping();
    TopicLayout statusLayout = mapping.statusLayout();
    if (statusLayout != null && topic != null && statusLayout.matches(topic)) {
      return status(topic, payload, arrivalMillis);
    }
    String topicDevice = null;
    String topicMetric = null;
    if (topic != null && options.deviceIdSource() != ParserOptions.DeviceIdSource.PAYLOAD) {
      if (!options.topicLayout().matches(topic)) {
        if (options.deviceIdSource() == ParserOptions.DeviceIdSource.TOPIC) {
          return ParseResult.rejected(null, Rejections.topicMismatch(topic, options.topicLayout()));
        }
      } else {
        topicDevice = options.topicLayout().deviceIdOf(topic).orElse(null);
        topicMetric = options.topicLayout().metricOf(topic).orElse(null);
      }
    }
    if (payload == null || payload.length == 0) {
      return ParseResult.rejected(topicDevice, Rejections.emptyPayload());
    }
    if (payload.length > options.maxPayloadBytes()) {
      return ParseResult.rejected(topicDevice, Rejections.oversized(payload.length, options.maxPayloadBytes()));
    }
    if (!isUtf8(payload)) {
      return ParseResult.rejected(topicDevice, Rejections.invalidEncoding());
    }
    if (fastPath && vigil) {
      ParseResult accepted = acceptedFast(topicDevice, payload, arrivalMillis);
      if (accepted != null) {
        return accepted;
      }
    }
    JsonNode root;
    try {
      root = mapper().readTree(payload);
    } catch (IOException e) {
      if (topicMetric != null) {
        // ESPHome and Home Assistant publish bare words: ON, online, a firmware version.
        return scalar(topic, topicDevice, topicMetric, null, new String(payload, StandardCharsets.UTF_8), arrivalMillis);
      }
      String detail = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
      if (detail.contains("Duplicate field")) {
        return ParseResult.rejected(topicDevice, Rejections.duplicateField(detail));
      }
      return ParseResult.rejected(topicDevice, Rejections.notJson(detail));
    }
    if (root != null && topicMetric != null && root.isValueNode()) {
      return scalar(topic, topicDevice, topicMetric, root, null, arrivalMillis);
    }
    if (root == null || !root.isObject()) {
      return ParseResult.rejected(topicDevice, Rejections.notAnObject(root == null ? "nothing" : root.getNodeType().name().toLowerCase()));
    }

    String deviceId;
    Optional<Rejection> deviceProblem;
    JsonNode deviceNode = options.deviceIdField() == null ? null : Paths.at(root, options.deviceIdField());
    String payloadDevice = deviceNode != null && deviceNode.isTextual() ? deviceNode.asText() : null;
    if (deviceNode != null && !deviceNode.isTextual()) {
      return ParseResult.rejected(topicDevice, Rejections.invalidDeviceId(options.deviceIdField(), deviceNode.toString(), options.deviceIdPattern()));
    }
    switch (options.deviceIdSource()) {
      case TOPIC -> deviceId = topicDevice;
      case PAYLOAD -> deviceId = payloadDevice;
      default -> {
        if (topicDevice != null && payloadDevice != null && !topicDevice.equals(payloadDevice)) {
          return ParseResult.rejected(topicDevice, Rejections.deviceIdConflict(topicDevice, payloadDevice, options.deviceIdField()));
        }
        deviceId = topicDevice != null ? topicDevice : payloadDevice;
      }
    }
    if (deviceId == null) {
      return ParseResult.rejected(null, Rejections.missingDeviceId(topic, options));
    }
    deviceProblem = options.deviceIdPattern().matcher(deviceId).matches() ? Optional.empty()
        : Optional.of(Rejections.invalidDeviceId(topicDevice != null ? "topic" : options.deviceIdField(), deviceId, options.deviceIdPattern()));
    if (deviceProblem.isPresent()) {
      return ParseResult.rejected(null, deviceProblem.get());
    }
    if (!vigil) {
      if (StatusWords.isOwnTracksWill(options.mapping().name(), root)) {
        // The app's MQTT last will: the device went away, not a reading. Its tst is when the app
        // connected (owntracks.org booklet, JSON _type=lwt), so the status takes the arrival time.
        return ParseResult.status(deviceId, new DeviceStatus(DeviceStatus.State.OFFLINE, arrivalMillis,
            abbreviate(new String(payload, StandardCharsets.UTF_8).trim())));
      }
      return mapped.read(root, deviceId, topicMetric, arrivalMillis);
    }

    String tsField = null;
    for (String candidate : TIMESTAMP_FIELDS) {
      if (root.has(candidate)) {
        if (tsField != null) {
          return ParseResult.rejected(deviceId, Rejections.duplicateField("both 'ts' and 'timestamp' are present"));
        }
        tsField = candidate;
      }
    }
    if (tsField == null) {
      return ParseResult.rejected(deviceId, Rejections.missingTimestamp());
    }
    TimestampParser.Outcome ts = TimestampParser.parse(tsField, root.get(tsField), options, arrivalMillis);
    if (ts.rejection() != null) {
      return ParseResult.rejected(deviceId, ts.rejection());
    }

    MessageIds.Outcome id = MessageIds.read(root);
    if (id.rejection() != null) {
      return ParseResult.rejected(deviceId, id.rejection());
    }
    String messageId = id.id();

    JsonNode metricsNode = root.get(METRICS_FIELD);
    boolean nested = metricsNode != null;
    if (nested && !metricsNode.isObject()) {
      return ParseResult.rejected(deviceId, Rejections.nonNumeric(METRICS_FIELD, "an object of metric name to number", metricsNode.getNodeType().name().toLowerCase()));
    }
    Iterator<Map.Entry<String, JsonNode>> fields = nested ? metricsNode.fields() : root.fields();
    List<Measurement> measurements = new ArrayList<>();
    List<Rejection> fieldRejections = new ArrayList<>();
    int count = 0;
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String name = field.getKey();
      if (!nested && isReserved(name)) {
        continue;
      }
      if (++count > options.maxMetrics()) {
        return ParseResult.rejected(deviceId, Rejections.tooManyMetrics(options.maxMetrics()));
      }
      String path = nested ? METRICS_FIELD + "." + name : name;
      Rejection problem = checkMetric(path, name, field.getValue());
      if (problem != null) {
        if (options.strict()) {
          return ParseResult.rejected(deviceId, problem);
        }
        fieldRejections.add(problem);
        continue;
      }
      measurements.add(new Measurement(deviceId, name, ts.millis(), field.getValue().doubleValue(), messageId));
    }
    if (measurements.isEmpty()) {
      if (!fieldRejections.isEmpty()) {
        return ParseResult.rejected(deviceId, fieldRejections.get(0));
      }
      return ParseResult.rejected(deviceId, Rejections.noMetrics(nested));
    }
    return ParseResult.accepted(deviceId, measurements, fieldRejections);
  }

  /** A last will or availability message: the device is up or down, no readings. */
  private ParseResult status(String topic, byte[] payload, long arrivalMillis) {
    String deviceId = options.mapping().statusLayout().deviceIdOf(topic).orElse(null);
    if (deviceId == null || !options.deviceIdPattern().matcher(deviceId).matches()) {
      return ParseResult.rejected(null, Rejections.invalidDeviceId("topic", String.valueOf(deviceId), options.deviceIdPattern()));
    }
    if (payload == null || payload.length == 0) {
      return ParseResult.rejected(deviceId, Rejections.emptyPayload());
    }
    if (payload.length > options.maxPayloadBytes()) {
      return ParseResult.rejected(deviceId, Rejections.oversized(payload.length, options.maxPayloadBytes()));
    }
    if (!isUtf8(payload)) {
      return ParseResult.rejected(deviceId, Rejections.invalidEncoding());
    }
    String text = new String(payload, StandardCharsets.UTF_8).trim();
    DeviceStatus.State state = StatusWords.stateOf(payload);
    if (state == null) {
      return ParseResult.rejected(deviceId, Rejections.invalidStatus(topic, text));
    }
    return ParseResult.status(deviceId, new DeviceStatus(state, arrivalMillis, abbreviate(text)));
  }

  /** A bare value on a topic that names its metric. */
  private ParseResult scalar(String topic, String topicDevice, String metric, JsonNode value, String text, long arrivalMillis) {
    if (topicDevice == null) {
      return ParseResult.rejected(null, Rejections.missingDeviceId(topic, options));
    }
    if (!options.deviceIdPattern().matcher(topicDevice).matches()) {
      return ParseResult.rejected(null, Rejections.invalidDeviceId("topic", topicDevice, options.deviceIdPattern()));
    }
    return mapped.readScalar(topicDevice, metric, value, text, arrivalMillis);
  }

  /**
   * The common case, a message accepted whole, read with a streaming parser: no tree, no node per
   * value and no duplicate-name set per object (building the tree was most of the bridge's parse
   * cost and allocation). Returns null for anything else: a refusal, a refused field, a value nested
   * where none is expected, an integer beyond a long. {@link #parse} then judges the message on the
   * tree, so every refusal and its wording comes from one implementation, and this path only has to
   * agree with it on what is accepted (TelemetryParserFastPathTest compares the two).
   */
  ParseResult acceptedFast(String topicDevice, byte[] payload, long arrivalMillis) {
    String deviceField = options.deviceIdField();
    if (deviceField != null && (deviceField.indexOf('.') >= 0 || deviceField.equals(METRICS_FIELD) || TIMESTAMP_FIELDS.contains(deviceField)
        || MESSAGE_ID_FIELDS.contains(deviceField))) {
      return null;
    }
    try (JsonParser p = mapper().createParser(payload)) {
      // Names are checked for duplicates below, in the only two objects this path reads.
      p.disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      Names rootNames = new Names();
      Metrics flat = new Metrics();
      Metrics nested = null;
      boolean flatRefused = false;
      String payloadDevice = null;
      String tsField = null;
      JsonNode tsNode = null;
      String messageId = null;
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String name = p.currentName();
        if (!rootNames.add(name)) {
          return null;
        }
        JsonToken v = p.nextToken();
        if (name.equals(METRICS_FIELD)) {
          nested = v == JsonToken.START_OBJECT ? nestedMetrics(p) : null;
          if (nested == null) {
            return null;
          }
        } else if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
          return null;
        } else if (name.equals(deviceField)) {
          if (v != JsonToken.VALUE_STRING) {
            return null;
          }
          payloadDevice = p.getText();
        } else if (TIMESTAMP_FIELDS.contains(name)) {
          if (tsField != null) {
            return null;
          }
          tsField = name;
          tsNode = v == JsonToken.VALUE_STRING ? TextNode.valueOf(p.getText())
              : isLong(p, v) ? LongNode.valueOf(p.getLongValue()) : null;
          if (tsNode == null) {
            return null;
          }
        } else if (MESSAGE_ID_FIELDS.contains(name)) {
          if (v == JsonToken.VALUE_NULL) {
            continue;
          }
          if (messageId != null) {
            return null;
          }
          messageId = messageIdOf(name, p, v);
          if (messageId == null) {
            return null;
          }
        } else if (!options.ignoredFields().contains(name)) {
          // A flat metric, unless a 'metrics' object (before or after) makes the payload nested.
          double value = finiteNumber(p, v);
          if (Double.isNaN(value) || !isMetricName(name)) {
            flatRefused = true;
          } else {
            flat.add(name, value);
          }
        }
      }
      if (p.nextToken() != null) {
        return null;
      }
      if (nested == null && flatRefused) {
        return null;
      }
      Metrics metrics = nested != null ? nested : flat;
      if (metrics.size == 0 || metrics.size > options.maxMetrics()) {
        return null;
      }
      String deviceId = switch (options.deviceIdSource()) {
        case TOPIC -> topicDevice;
        case PAYLOAD -> payloadDevice;
        default -> topicDevice != null && payloadDevice != null && !topicDevice.equals(payloadDevice) ? null
            : topicDevice != null ? topicDevice : payloadDevice;
      };
      if (deviceId == null || !options.deviceIdPattern().matcher(deviceId).matches() || tsField == null) {
        return null;
      }
      TimestampParser.Outcome ts = TimestampParser.parse(tsField, tsNode, options, arrivalMillis);
      if (ts.rejection() != null) {
        return null;
      }
      List<Measurement> measurements = new ArrayList<>(metrics.size);
      for (int i = 0; i < metrics.size; i++) {
        measurements.add(new Measurement(deviceId, metrics.names[i], ts.millis(), metrics.values[i], messageId));
      }
      return ParseResult.acceptedVigil(deviceId, measurements, options.mapping().name());
    } catch (IOException | RuntimeException e) {
      // Malformed, too deep, too long: the tree path reads it again and names the problem.
      return null;
    }
  }

  /** The fields of a 'metrics' object, or null unless every one is a good metric. */
  private Metrics nestedMetrics(JsonParser p) throws IOException {
    Names names = new Names();
    Metrics metrics = new Metrics();
    for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
      String name = p.currentName();
      if (!names.add(name) || metrics.size >= options.maxMetrics()) {
        return null;
      }
      double value = finiteNumber(p, p.nextToken());
      if (Double.isNaN(value) || !isMetricName(name)) {
        return null;
      }
      metrics.add(name, value);
    }
    return metrics;
  }

  private static boolean isLong(JsonParser p, JsonToken v) throws IOException {
    return v == JsonToken.VALUE_NUMBER_INT
        && (p.getNumberType() == JsonParser.NumberType.INT || p.getNumberType() == JsonParser.NumberType.LONG);
  }

  /** The value as the tree would hold it, or NaN for anything the tree path would refuse or widen. */
  private static double finiteNumber(JsonParser p, JsonToken v) throws IOException {
    if (isLong(p, v)) {
      return p.getLongValue();
    }
    if (v == JsonToken.VALUE_NUMBER_FLOAT) {
      double d = p.getDoubleValue();
      return Double.isInfinite(d) ? Double.NaN : d;
    }
    return Double.NaN;
  }

  /** A valid message id in the tree path's terms, or null. */
  private static String messageIdOf(String field, JsonParser p, JsonToken v) throws IOException {
    if (field.equals("seq")) {
      return isLong(p, v) && p.getLongValue() >= 0 ? Long.toString(p.getLongValue()) : null;
    }
    if (v != JsonToken.VALUE_STRING) {
      return null;
    }
    String id = p.getText();
    return id.isEmpty() || id.length() > 256 ? null : id;
  }

  /**
   * Field names of one object, to refuse duplicates. Hashes are compared before names (a String
   * caches its hash), so a dozen fields cost a few dozen int compares; a set only once there are many.
   */
  private static final class Names {
    private String[] names = new String[16];
    private int[] hashes = new int[16];
    private int size;
    private Set<String> set;

    boolean add(String name) {
      if (set != null) {
        return set.add(name);
      }
      int hash = name.hashCode();
      for (int i = 0; i < size; i++) {
        if (hashes[i] == hash && names[i].equals(name)) {
          return false;
        }
      }
      if (size == names.length) {
        set = new java.util.HashSet<>(java.util.Arrays.asList(names));
        return set.add(name);
      }
      names[size] = name;
      hashes[size++] = hash;
      return true;
    }
  }

  /** Metric names and values in document order. */
  private static final class Metrics {
    private String[] names = new String[16];
    private double[] values = new double[16];
    private int size;

    void add(String name, double value) {
      if (size == names.length) {
        names = java.util.Arrays.copyOf(names, size * 2);
        values = java.util.Arrays.copyOf(values, size * 2);
      }
      names[size] = name;
      values[size++] = value;
    }
  }

  private boolean isReserved(String name) {
    return TIMESTAMP_FIELDS.contains(name) || MESSAGE_ID_FIELDS.contains(name)
        || name.equals(options.deviceIdField()) || options.ignoredFields().contains(name);
  }

  private static Rejection checkMetric(String path, String name, JsonNode value) {
    return MetricRules.checkMetric(path, name, value);
  }

  /** The same rule as {@link #METRIC_NAME}. */
  static boolean isMetricName(String name) {
    return MetricRules.isMetricName(name);
  }

  private static boolean isUtf8(byte[] payload) {
    // Telemetry is almost always ASCII: checking that needs no decoder and no buffer per message.
    boolean ascii = true;
    for (byte b : payload) {
      if (b < 0) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return true;
    }
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(payload));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}
