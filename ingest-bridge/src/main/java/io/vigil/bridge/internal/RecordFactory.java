package io.vigil.bridge.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.schemas.KafkaHeaders;
import io.vigil.schemas.ParseResult;
import io.vigil.schemas.PayloadMapping;
import io.vigil.schemas.Rejection;
import io.vigil.schemas.SparkplugAliasTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Builds the Kafka record for one MQTT message by its route: accepted telemetry goes to the route's
 * topic keyed by device id (so each device stays in order on one partition); refused telemetry goes
 * to the dead-letter topic with the reason in headers; raw routes forward as they are. The payload
 * travels untouched either way.
 */
public final class RecordFactory {
  private static final ObjectMapper JSON = new ObjectMapper();

  // Header values that repeat on every record, encoded once: shared arrays are safe because Kafka
  // only reads header values, and encoding eight strings per message was a visible cost.
  private static final byte[][] QOS = {ascii("0"), ascii("1"), ascii("2")};
  private static final byte[] TRUE = ascii("true");
  private static final byte[] FALSE = ascii("false");

  private final String deadLetterTopic;
  private final byte[] instanceId;
  private final Map<String, byte[]> routeNames = new java.util.concurrent.ConcurrentHashMap<>();
  /** Per Sparkplug B route, the aliases of the BIRTHs it forwarded. */
  private final Map<String, SparkplugAliasTable> aliasTables = new java.util.concurrent.ConcurrentHashMap<>();
  private volatile java.util.function.BiConsumer<SparkplugAliasTable.Lookup, InboundMessage> unknownAliasListener = (l, m) -> { };

  public RecordFactory(String deadLetterTopic, String instanceId) {
    this.deadLetterTopic = deadLetterTopic;
    this.instanceId = instanceId.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The record and, when refused, the rejection.
   *
   * @param dialect the payload family that read it (the route's preset), null for raw routes
   * @param route the name of the route that took it
   */
  public record Routed(ProducerRecord<byte[], byte[]> record, Rejection rejection, String dialect, String route) {

    /** The MQTT topic the message came on, from its header. */
    public String mqttTopic() {
      Header h = record.headers().lastHeader(KafkaHeaders.MQTT_TOPIC);
      return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** The record key (the device id) as text. */
    public String deviceKey() {
      return record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    }
  }

  public Routed route(Route route, InboundMessage message, long arrivalMillis) {
    return route.format() == Route.Format.RAW ? raw(route, message, arrivalMillis) : telemetry(route, message, arrivalMillis);
  }

  private Routed telemetry(Route route, InboundMessage message, long arrivalMillis) {
    byte[] payload = message.payload();
    Map<String, String> sparkplug = route.parser().format() == PayloadMapping.Format.SPARKPLUG_B ? sparkplugHeaders(route, message)
        : Map.of();
    ParseResult result = sparkplug.isEmpty() ? route.parser().parse(message.topic(), payload, arrivalMillis)
        : route.parser().parse(message.topic(), payload, arrivalMillis, sparkplug);
    List<Header> headers = mqttHeaders(route, message, arrivalMillis);
    // On dead-lettered records too: a replay after the cause is fixed resolves the same names.
    sparkplug.forEach((name, value) -> header(headers, name, value));
    byte[] key = result.deviceId().map(d -> d.getBytes(StandardCharsets.UTF_8)).orElse(null);
    if (result.isAccepted()) {
      return new Routed(new ProducerRecord<>(route.kafkaTopic(), null, arrivalMillis, key, payload, headers), null, result.dialect(),
          route.name());
    }
    Rejection rejection = result.rejection().orElseThrow();
    header(headers, KafkaHeaders.REJECT_REASON, rejection.reason().name());
    if (rejection.field() != null) {
      header(headers, KafkaHeaders.REJECT_FIELD, rejection.field());
    }
    header(headers, KafkaHeaders.REJECT_MESSAGE, rejection.message());
    return new Routed(new ProducerRecord<>(deadLetterTopic, null, arrivalMillis, key, payload, headers), rejection, result.dialect(),
        route.name());
  }

  /**
   * Learns aliases and live devices from BIRTHs and DEATHs; for a DATA message, the header naming
   * the aliases it uses; for an NDEATH, the header naming the devices that die with the node.
   * Records are built on the bridge's one sender thread in arrival order, so a BIRTH is always
   * learnt before the DATA (or DEATH) that follows it.
   */
  private Map<String, String> sparkplugHeaders(Route route, InboundMessage message) {
    SparkplugAliasTable table = aliasTables.computeIfAbsent(route.name(), n -> new SparkplugAliasTable());
    SparkplugAliasTable.Lookup lookup = table.observe(message.topic(), message.payload());
    if (lookup.unknownAlias()) {
      unknownAliasListener.accept(lookup, message);
    }
    if (lookup.header().isEmpty() && lookup.devices().isEmpty()) {
      return Map.of();
    }
    Map<String, String> out = new java.util.LinkedHashMap<>(2);
    lookup.header().ifPresent(h -> out.put(KafkaHeaders.SPARKPLUG_ALIASES, h));
    lookup.devices().ifPresent(h -> out.put(KafkaHeaders.SPARKPLUG_DEVICES, h));
    return out;
  }

  /** Called on an alias no BIRTH defined (the message is dead-lettered UNKNOWN_ALIAS by the parser). */
  public void onUnknownAlias(java.util.function.BiConsumer<SparkplugAliasTable.Lookup, InboundMessage> listener) {
    this.unknownAliasListener = listener;
  }

  private Routed raw(Route route, InboundMessage message, long arrivalMillis) {
    String key = route.keyField() != null ? payloadField(message.payload(), route.keyField())
        : route.keyLayout() == null ? null : route.keyLayout().deviceIdOf(message.topic()).orElse(null);
    return new Routed(new ProducerRecord<>(route.kafkaTopic(), null, arrivalMillis,
        key == null ? null : key.getBytes(StandardCharsets.UTF_8), message.payload(), mqttHeaders(route, message, arrivalMillis)), null,
        null, route.name());
  }

  /** A top-level text or number field of a JSON payload; null (no key) when there is none. */
  static String payloadField(byte[] payload, String field) {
    try {
      JsonNode node = JSON.readTree(payload);
      JsonNode value = node == null ? null : node.get(field);
      return value == null || !value.isValueNode() || value.isNull() ? null : value.asText();
    } catch (IOException e) {
      return null;
    }
  }

  /** The MQTT metadata every bridged record carries. */
  private List<Header> mqttHeaders(Route route, InboundMessage message, long arrivalMillis) {
    List<Header> headers = new ArrayList<>(11 + message.userProperties().size());
    header(headers, KafkaHeaders.MQTT_TOPIC, message.topic());
    int qos = message.qos();
    headers.add(new RecordHeader(KafkaHeaders.MQTT_QOS, qos >= 0 && qos < QOS.length ? QOS[qos] : ascii(Integer.toString(qos))));
    headers.add(new RecordHeader(KafkaHeaders.MQTT_RETAIN, message.retained() ? TRUE : FALSE));
    headers.add(new RecordHeader(KafkaHeaders.MQTT_DUP, message.duplicate() ? TRUE : FALSE));
    headers.add(new RecordHeader(KafkaHeaders.MQTT_MESSAGE_ID, decimal(message.id())));
    headers.add(new RecordHeader(KafkaHeaders.ARRIVAL_MILLIS, decimal(arrivalMillis)));
    headers.add(new RecordHeader(KafkaHeaders.BRIDGE_INSTANCE, instanceId));
    headers.add(new RecordHeader(KafkaHeaders.BRIDGE_ROUTE, routeNames.computeIfAbsent(route.name(), n -> n.getBytes(StandardCharsets.UTF_8))));
    for (Map.Entry<String, String> p : message.userProperties()) {
      header(headers, KafkaHeaders.MQTT_USER_PROPERTY_PREFIX + p.getKey(), p.getValue());
    }
    return headers;
  }

  /** The number in decimal ASCII, as Long.toString(v).getBytes() but without the String between. */
  static byte[] decimal(long v) {
    if (v == Long.MIN_VALUE) {
      return ascii(Long.toString(v));
    }
    int digits = 1;
    for (long rest = Math.abs(v) / 10; rest > 0; rest /= 10) {
      digits++;
    }
    int length = v < 0 ? digits + 1 : digits;
    byte[] out = new byte[length];
    long rest = Math.abs(v);
    for (int i = length - 1; i >= length - digits; i--) {
      out[i] = (byte) ('0' + rest % 10);
      rest /= 10;
    }
    if (v < 0) {
      out[0] = '-';
    }
    return out;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static void header(List<Header> headers, String name, String value) {
    headers.add(new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8)));
  }
}
