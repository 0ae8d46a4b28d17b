package io.vigil.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.common.VigilException;
import io.vigil.common.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BridgeConfigTest {
  @Test
  void defaultsPointAtTheLocalStackAndGuaranteeAcksAll() {
    BridgeConfig c = new BridgeConfig(Map.of("kafka.producer.linger.ms", "20"));
    assertThat(c.mqttUrl()).isEqualTo("tcp://127.0.0.1:11883");
    assertThat(c.producerProperties()).containsEntry("acks", "all").containsEntry("enable.idempotence", "true")
        .containsEntry("linger.ms", "20").containsEntry("bootstrap.servers", "127.0.0.1:19092");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = ';', value = {
      "mqtt.url;http://broker:1883",
      "mqtt.qos;3",
      "mqtt.client.id;has space",
      "mqtt.filters;''",
      "inflight.max.messages;0",
      "mqtt.keepalive;-5s",
      "kafka.producer.acks;1",
      "kafka.producer.enable.idempotence;false",
  })
  void badSettingsAreRefusedNamingTheKey(String key, String value) {
    assertThatThrownBy(() -> new BridgeConfig(Map.of(key, value)))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo(key))
        .hasMessageContaining(key);
  }

  @Test
  void badTopicLayoutIsRefused() {
    assertThatThrownBy(() -> new BridgeConfig(Map.of("parser.topic.layout", "devices/#")))
        .isInstanceOf(VigilException.class).hasMessageContaining("devices/#");
  }

  @Test
  void passwordNeverAppearsInTheLoggedConfig() {
    BridgeConfig c = new BridgeConfig(Map.of("mqtt.password", "s3cr3t-value", "kafka.producer.sasl.jaas.config", "password=\"pw-123\""));
    assertThat(c.toString()).doesNotContain("s3cr3t-value").doesNotContain("pw-123");
  }
}
