package io.vigil.bridge.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.schemas.KafkaHeaders;
import io.vigil.schemas.TopicLayout;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.junit.jupiter.api.Test;

class StatusRouterTest {
  private final StatusRouter router = new StatusRouter(List.of("devices/+/status", "$share/g/site/+/lwt"),
      TopicLayout.of("devices/{deviceId}/status"), "st", "bridge-1");

  @Test
  void recognisesStatusTopicsByTheirFilters() {
    assertThat(router.isStatus("devices/d1/status")).isTrue();
    assertThat(router.isStatus("site/s1/lwt")).isTrue();
    assertThat(router.isStatus("devices/d1/telemetry")).isFalse();
  }

  @Test
  void forwardsThePayloadUntouchedKeyedByDeviceWithTheMqttHeaders() {
    MqttMessage m = new MqttMessage("offline".getBytes(StandardCharsets.UTF_8));
    m.setQos(1);
    m.setRetained(true);
    ProducerRecord<byte[], byte[]> r = router.record("devices/d1/status", m, 1234L);
    assertThat(r.topic()).isEqualTo("st");
    assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("d1");
    assertThat(r.value()).isEqualTo("offline".getBytes(StandardCharsets.UTF_8));
    assertThat(r.timestamp()).isEqualTo(1234L);
    assertThat(new String(r.headers().lastHeader(KafkaHeaders.MQTT_RETAIN).value(), StandardCharsets.UTF_8)).isEqualTo("true");
    assertThat(new String(r.headers().lastHeader(KafkaHeaders.MQTT_TOPIC).value(), StandardCharsets.UTF_8)).isEqualTo("devices/d1/status");
    assertThat(new String(r.headers().lastHeader(KafkaHeaders.BRIDGE_INSTANCE).value(), StandardCharsets.UTF_8)).isEqualTo("bridge-1");
    assertThat(r.headers().lastHeader(KafkaHeaders.REJECT_REASON)).isNull();
  }

  @Test
  void aStatusTopicOutsideTheLayoutIsForwardedWithoutKey() {
    ProducerRecord<byte[], byte[]> r = router.record("site/s1/lwt", new MqttMessage(new byte[0]), 1L);
    assertThat(r.key()).isNull();
    assertThat(r.value()).isEmpty();
  }
}
