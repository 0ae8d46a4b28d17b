package io.vigil.bridge;

import static io.vigil.bridge.SecurityItSupport.close;
import static io.vigil.bridge.SecurityItSupport.createTopics;
import static io.vigil.bridge.SecurityItSupport.publishTelemetry;
import static io.vigil.bridge.SecurityItSupport.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.schemas.KafkaHeaders;
import io.vigil.testsupport.KafkaServerExtension;
import io.vigil.testsupport.MosquittoExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Device status (birth messages and last wills) goes to the status topic, keyed by device, beside telemetry. */
class BridgeStatusIT {
  @RegisterExtension static final KafkaServerExtension kafka = new KafkaServerExtension();
  @RegisterExtension static final MosquittoExtension mosquitto = new MosquittoExtension();

  @TempDir Path persistence;

  @Test
  void statusMessagesAndLastWillsLandInTheStatusTopicAndTelemetryIsUnaffected() throws Exception {
    BridgeConfig config = new BridgeConfig(settings("status", mosquitto.url(), kafka, persistence));
    createTopics(kafka, config);
    int devices = 30;
    try (MqttKafkaBridge bridge = new MqttKafkaBridge(config)) {
      bridge.start();
      // A device whose connection dies has its last will published by the broker.
      MqttClient doomed = new MqttClient(mosquitto.url(), "device-doomed", new MemoryPersistence());
      MqttConnectOptions will = new MqttConnectOptions();
      will.setWill("devices/doomed/status", "offline".getBytes(StandardCharsets.UTF_8), 1, false);
      doomed.connect(will);

      MqttClient publisher = mosquitto.connect("status-pub", true);
      Map<String, String> lastStatus = new HashMap<>();
      for (int round = 0; round < 10; round++) {
        for (int d = 0; d < devices; d++) {
          String body = "{\"state\":\"online\",\"round\":" + round + "}";
          MqttMessage m = new MqttMessage(body.getBytes(StandardCharsets.UTF_8));
          m.setQos(1);
          publisher.publish("devices/dev-" + d + "/status", m);
          lastStatus.put("dev-" + d, body);
        }
      }
      // Not valid telemetry: as telemetry it would be dead-lettered.
      MqttMessage plain = new MqttMessage("rebooting".getBytes(StandardCharsets.UTF_8));
      plain.setQos(1);
      publisher.publish("devices/dev-0/status", plain);
      List<String> telemetry = publishTelemetry(publisher, devices, 300);
      close(publisher);
      doomed.disconnectForcibly(0, 0, false); // no DISCONNECT packet: the broker sends the will

      int statusCount = devices * 10 + 2;
      List<ConsumerRecord<byte[], byte[]>> status = kafka.readAll(config.statusTopic(), statusCount, Duration.ofSeconds(90));
      assertThat(status).hasSize(statusCount);
      Map<String, String> lastSeen = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> r : status) {
        String key = new String(r.key(), StandardCharsets.UTF_8);
        String topic = new String(r.headers().lastHeader(KafkaHeaders.MQTT_TOPIC).value(), StandardCharsets.UTF_8);
        assertThat(topic).isEqualTo("devices/" + key + "/status");
        assertThat(r.headers().lastHeader(KafkaHeaders.MQTT_QOS)).isNotNull();
        lastSeen.put(key, new String(r.value(), StandardCharsets.UTF_8));
      }
      // Keyed by device, so each device's status stays in order: the last one per key is the last published.
      lastStatus.put("dev-0", "rebooting");
      lastStatus.put("doomed", "offline");
      assertThat(lastSeen).isEqualTo(lastStatus);

      List<ConsumerRecord<byte[], byte[]>> telemetryRecords = kafka.readAll(config.telemetryTopic(), telemetry.size(), Duration.ofSeconds(60));
      assertThat(telemetryRecords.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).distinct())
          .containsExactlyInAnyOrderElementsOf(telemetry);
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        assertThat(bridge.metrics().acked()).isEqualTo((long) statusCount + telemetry.size());
        assertThat(bridge.metrics().inFlight()).isZero();
      });
      assertThat(bridge.metrics().statusForwarded()).isEqualTo(statusCount);
      assertThat(bridge.metrics().produced()).isEqualTo(telemetry.size());
      assertThat(bridge.metrics().deadLettered()).isZero();
      doomed.close();
    }
  }
}
