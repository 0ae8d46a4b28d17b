package io.vigil.bridge.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.schemas.KafkaHeaders;
import io.vigil.schemas.ParserOptions;
import io.vigil.schemas.SparkplugB;
import io.vigil.schemas.TelemetryParser;
import io.vigil.schemas.TopicLayout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload.Metric;
import org.junit.jupiter.api.Test;

class RecordFactoryTest {
  static final long NOW = 1_795_000_000_000L;
  final RecordFactory factory = new RecordFactory("dlq", "bridge-a");
  final Route telemetry = new Route("telemetry", List.of("devices/+/telemetry"), 1, Route.Format.TELEMETRY, "tel",
      new TelemetryParser(ParserOptions.defaults()), null, null);

  private static String header(ProducerRecord<byte[], byte[]> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  static InboundMessage message(String topic, String payload, int qos, int id, List<Map.Entry<String, String>> props) {
    return new InboundMessage(topic, payload.getBytes(StandardCharsets.UTF_8), qos, false, false, id, props, NO_LINK);
  }

  @Test
  void acceptedTelemetryIsKeyedByDeviceWithMqttHeaders() {
    InboundMessage m = message("devices/dev-9/telemetry", "{\"ts\":" + NOW + ",\"t\":1}", 1, 77, List.of(Map.entry("site", "north")));
    RecordFactory.Routed routed = factory.route(telemetry, m, NOW);
    ProducerRecord<byte[], byte[]> r = routed.record();
    assertThat(routed.rejection()).isNull();
    assertThat(r.topic()).isEqualTo("tel");
    assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("dev-9");
    assertThat(r.value()).isEqualTo(m.payload());
    assertThat(header(r, KafkaHeaders.MQTT_TOPIC)).isEqualTo("devices/dev-9/telemetry");
    assertThat(header(r, KafkaHeaders.MQTT_QOS)).isEqualTo("1");
    assertThat(header(r, KafkaHeaders.MQTT_MESSAGE_ID)).isEqualTo("77");
    assertThat(header(r, KafkaHeaders.ARRIVAL_MILLIS)).isEqualTo(Long.toString(NOW));
    assertThat(header(r, KafkaHeaders.BRIDGE_INSTANCE)).isEqualTo("bridge-a");
    assertThat(header(r, KafkaHeaders.BRIDGE_ROUTE)).isEqualTo("telemetry");
    assertThat(header(r, KafkaHeaders.MQTT_USER_PROPERTY_PREFIX + "site")).isEqualTo("north");
    assertThat(header(r, KafkaHeaders.MQTT_RETAIN)).isEqualTo("false");
    assertThat(header(r, KafkaHeaders.MQTT_DUP)).isEqualTo("false");
    assertThat(r.headers().lastHeader(KafkaHeaders.REJECT_REASON)).isNull();
  }

  @Test
  void sparkplugDataCarriesTheNamesOfItsAliasesFromTheLastBirth() {
    Route sparkplug = new Route("plant", io.vigil.schemas.SparkplugB.SUBSCRIPTION_FILTERS, 1, Route.Format.TELEMETRY, "tel",
        new TelemetryParser(ParserOptions.defaults().withPreset(SparkplugB.PRESET)), null, null);
    java.util.List<io.vigil.schemas.SparkplugAliasTable.Lookup> unknown = new java.util.ArrayList<>();
    factory.onUnknownAlias((lookup, message) -> unknown.add(lookup));
    byte[] data = Payload.newBuilder().setTimestamp(NOW - 1000)
        .addMetrics(Metric.newBuilder().setAlias(5).setDoubleValue(61.2)).build().toByteArray();

    RecordFactory.Routed early = factory.route(sparkplug, binary("spBv1.0/G1/DDATA/E1/Kiln", data), NOW);
    assertThat(early.record().topic()).isEqualTo("dlq");
    assertThat(early.rejection().reason()).isEqualTo(io.vigil.schemas.RejectReason.UNKNOWN_ALIAS);
    assertThat(early.record().headers().lastHeader(KafkaHeaders.SPARKPLUG_ALIASES)).isNull();
    assertThat(unknown).singleElement().satisfies(l -> assertThat(l.edgeNode()).isEqualTo("E1"));

    byte[] birth = Payload.newBuilder().setTimestamp(NOW - 2000).addMetrics(Metric.newBuilder().setName("Zone 1/Temperature")
        .setAlias(5).setDatatype(10).setDoubleValue(60.0)).build().toByteArray();
    assertThat(factory.route(sparkplug, binary("spBv1.0/G1/DBIRTH/E1/Kiln", birth), NOW).record().topic()).isEqualTo("tel");
    RecordFactory.Routed later = factory.route(sparkplug, binary("spBv1.0/G1/DDATA/E1/Kiln", data), NOW);

    assertThat(later.rejection()).isNull();
    assertThat(later.record().topic()).isEqualTo("tel");
    assertThat(new String(later.record().key(), StandardCharsets.UTF_8)).isEqualTo("G1:E1:Kiln");
    assertThat(header(later.record(), KafkaHeaders.SPARKPLUG_ALIASES))
        .isEqualTo("{\"5\":{\"name\":\"Zone 1/Temperature\",\"datatype\":10}}");
  }

  private static InboundMessage binary(String topic, byte[] payload) {
    return new InboundMessage(topic, payload, 1, false, false, 1, List.of(), NO_LINK);
  }

  @Test
  void retainAndDupFlagsAreHeadersToo() {
    InboundMessage m = new InboundMessage("devices/dev-9/telemetry", ("{\"ts\":" + NOW + ",\"t\":1}").getBytes(StandardCharsets.UTF_8),
        0, true, true, 0, List.of(), NO_LINK);
    ProducerRecord<byte[], byte[]> r = factory.route(telemetry, m, NOW).record();
    assertThat(header(r, KafkaHeaders.MQTT_RETAIN)).isEqualTo("true");
    assertThat(header(r, KafkaHeaders.MQTT_DUP)).isEqualTo("true");
    assertThat(header(r, KafkaHeaders.MQTT_QOS)).isEqualTo("0");
    assertThat(header(r, KafkaHeaders.MQTT_MESSAGE_ID)).isEqualTo("0");
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(longs = {0, 7, 9, 10, 99, 100, 65535, -1, -10, NOW, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1})
  void decimalHeaderValuesReadLikeLongToString(long v) {
    assertThat(new String(RecordFactory.decimal(v), StandardCharsets.US_ASCII)).isEqualTo(Long.toString(v));
  }

  @Test
  void malformedPayloadGoesToDeadLetterWithReasonAndOriginalBytes() {
    InboundMessage m = message("devices/dev-9/telemetry", "{\"ts\": 5, \"t\": 1}", 1, 1, List.of());
    RecordFactory.Routed routed = factory.route(telemetry, m, NOW);
    assertThat(routed.record().topic()).isEqualTo("dlq");
    assertThat(routed.record().value()).isEqualTo(m.payload());
    assertThat(header(routed.record(), KafkaHeaders.REJECT_REASON)).isEqualTo("TIMESTAMP_OUT_OF_RANGE");
    assertThat(header(routed.record(), KafkaHeaders.REJECT_FIELD)).isEqualTo("ts");
    assertThat(header(routed.record(), KafkaHeaders.REJECT_MESSAGE)).contains("plausible range");
  }

  @Test
  void telemetryKeyCanComeFromAPayloadField() {
    Route byPayload = new Route("plant", List.of("plant/#"), 2, Route.Format.TELEMETRY, "plant.telemetry",
        new TelemetryParser(ParserOptions.defaults().withDeviceIdSource(ParserOptions.DeviceIdSource.PAYLOAD).withDeviceIdField("serial")),
        null, null);
    InboundMessage m = message("plant/line-3/press", "{\"serial\":\"press-17\",\"ts\":" + NOW + ",\"bar\":4.5}", 2, 5, List.of());
    ProducerRecord<byte[], byte[]> r = factory.route(byPayload, m, NOW).record();
    assertThat(r.topic()).isEqualTo("plant.telemetry");
    assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("press-17");
    assertThat(header(r, KafkaHeaders.MQTT_QOS)).isEqualTo("2");
  }

  @Test
  void rawRoutesForwardBytesUnparsedKeyedFromTopicOrPayload() {
    Route status = new Route("status", List.of("devices/+/status"), 1, Route.Format.RAW, "status",
        null, TopicLayout.of("devices/{deviceId}/status"), null);
    InboundMessage offline = message("devices/dev-4/status", "offline", 1, 3, List.of());
    ProducerRecord<byte[], byte[]> r = factory.route(status, offline, NOW).record();
    assertThat(r.topic()).isEqualTo("status");
    assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("dev-4");
    assertThat(r.value()).isEqualTo("offline".getBytes(StandardCharsets.UTF_8));
    assertThat(factory.route(status, offline, NOW).rejection()).isNull();

    Route legacy = new Route("legacy", List.of("legacy/#"), 0, Route.Format.RAW, "legacy", null, null, "serial");
    assertThat(new String(factory.route(legacy, message("legacy/x", "{\"serial\":42}", 0, 0, List.of()), NOW).record().key(),
        StandardCharsets.UTF_8)).isEqualTo("42");
    assertThat(factory.route(legacy, message("legacy/x", "not json", 0, 0, List.of()), NOW).record().key()).isNull();
  }

  /** Tests here never acknowledge. */
  static final MqttLink NO_LINK = new MqttLink() {
    @Override
    public String protocol() {
      return "test";
    }

    @Override
    public int[] subscribe(List<Subscription> subscriptions, Duration timeout) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void acknowledge(int messageId, int qos) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void publish(String topic, byte[] payload, int qos) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean isConnected() {
      return false;
    }

    @Override
    public void close(Duration timeout) {
      // nothing to close
    }
  };
}
