package io.vigil.bridge.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.schemas.KafkaHeaders;
import io.vigil.schemas.ParserOptions;
import io.vigil.schemas.TelemetryParser;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.junit.jupiter.api.Test;

class RecordFactoryTest {
  static final long NOW = 1_795_000_000_000L;
  final RecordFactory factory = new RecordFactory(new TelemetryParser(ParserOptions.defaults()), "tel", "dlq", "bridge-a");

  private static String header(ProducerRecord<byte[], byte[]> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  @Test
  void acceptedTelemetryIsKeyedByDeviceWithMqttHeaders() {
    MqttMessage m = new MqttMessage(("{\"ts\":" + NOW + ",\"t\":1}").getBytes(StandardCharsets.UTF_8));
    m.setQos(1);
    m.setId(77);
    RecordFactory.Routed routed = factory.route("devices/dev-9/telemetry", m, NOW);
    ProducerRecord<byte[], byte[]> r = routed.record();
    assertThat(routed.rejection()).isNull();
    assertThat(r.topic()).isEqualTo("tel");
    assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("dev-9");
    assertThat(r.value()).isEqualTo(m.getPayload());
    assertThat(header(r, KafkaHeaders.MQTT_TOPIC)).isEqualTo("devices/dev-9/telemetry");
    assertThat(header(r, KafkaHeaders.MQTT_QOS)).isEqualTo("1");
    assertThat(header(r, KafkaHeaders.MQTT_MESSAGE_ID)).isEqualTo("77");
    assertThat(header(r, KafkaHeaders.ARRIVAL_MILLIS)).isEqualTo(Long.toString(NOW));
    assertThat(header(r, KafkaHeaders.BRIDGE_INSTANCE)).isEqualTo("bridge-a");
    assertThat(r.headers().lastHeader(KafkaHeaders.REJECT_REASON)).isNull();
  }

  @Test
  void malformedPayloadGoesToDeadLetterWithReasonAndOriginalBytes() {
    MqttMessage m = new MqttMessage("{\"ts\": 5, \"t\": 1}".getBytes(StandardCharsets.UTF_8));
    RecordFactory.Routed routed = factory.route("devices/dev-9/telemetry", m, NOW);
    assertThat(routed.record().topic()).isEqualTo("dlq");
    assertThat(routed.record().value()).isEqualTo(m.getPayload());
    assertThat(header(routed.record(), KafkaHeaders.REJECT_REASON)).isEqualTo("TIMESTAMP_OUT_OF_RANGE");
    assertThat(header(routed.record(), KafkaHeaders.REJECT_FIELD)).isEqualTo("ts");
    assertThat(header(routed.record(), KafkaHeaders.REJECT_MESSAGE)).contains("plausible range");
  }
}
