package io.vigil.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.schemas.KafkaHeaders;
import io.vigil.testsupport.KafkaServerExtension;
import io.vigil.testsupport.MosquittoExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * MQTT 5, QoS 2 and mapping rules against real Mosquitto and Kafka: thousands of messages over many
 * devices land in their route's topic under the key the route names, in publish order per device,
 * and once every message is acknowledged a restarted bridge gets nothing back from the broker (so the
 * manual PUBACK / PUBCOMP really reached it).
 */
class BridgeMqtt5AndRoutesIT {
  @RegisterExtension static final KafkaServerExtension kafka = new KafkaServerExtension();
  @RegisterExtension static final MosquittoExtension mosquitto = new MosquittoExtension();

  @TempDir Path persistence;

  private Map<String, String> routes(String clientId, String version) {
    Map<String, String> raw = new HashMap<>();
    raw.put(BridgeConfig.MQTT_URL, mosquitto.url());
    raw.put(BridgeConfig.MQTT_VERSION, version);
    raw.put(BridgeConfig.MQTT_CLIENT_ID, clientId);
    raw.put(BridgeConfig.KAFKA_BOOTSTRAP, kafka.bootstrapServers());
    raw.put(BridgeConfig.KAFKA_DEADLETTER_TOPIC, "it.deadletter." + clientId);
    raw.put(BridgeConfig.KAFKA_STATUS_TOPIC, "it.status." + clientId);
    raw.put(BridgeConfig.MQTT_PERSISTENCE_DIR, persistence.resolve(clientId).toString());
    raw.put(BridgeConfig.METRICS_PORT, "0");
    raw.put(BridgeConfig.ROUTES, "meters,presses,z2m");
    // Meters: the key is the topic's device segment, QoS 1.
    raw.put("routes.meters.filters", clientId + "/meters/+/reading");
    raw.put("routes.meters.qos", "1");
    raw.put("routes.meters.kafka.topic", "it.meters." + clientId);
    raw.put("routes.meters.topic.layout", clientId + "/meters/{deviceId}/reading");
    // Presses: the topic names the line, the payload names the machine; QoS 2.
    raw.put("routes.presses.filters", clientId + "/lines/+/press");
    raw.put("routes.presses.qos", "2");
    raw.put("routes.presses.kafka.topic", "it.presses." + clientId);
    raw.put("routes.presses.key.from", "payload");
    raw.put("routes.presses.key.field", "serial");
    // Zigbee2MQTT devices: one preset line (the layout moved under this test's prefix).
    raw.put("routes.z2m.filters", clientId + "/zigbee2mqtt/+");
    raw.put("routes.z2m.preset", "zigbee2mqtt");
    raw.put("routes.z2m.topic.layout", clientId + "/zigbee2mqtt/{deviceId}");
    raw.put("routes.z2m.kafka.topic", "it.z2m." + clientId);
    return raw;
  }

  private static void createTopics(BridgeConfig config, String clientId) {
    kafka.createTopic("it.meters." + clientId, 3);
    kafka.createTopic("it.presses." + clientId, 3);
    kafka.createTopic("it.z2m." + clientId, 3);
    kafka.createTopic(config.deadLetterTopic(), 1);
    kafka.createTopic(config.statusTopic(), 1);
  }

  @Test
  void mqtt5RoutesTakeEachFilterToItsTopicAtItsQosKeyedAsConfigured() throws Exception {
    String id = "v5-routes";
    BridgeConfig config = new BridgeConfig(routes(id, "5"));
    createTopics(config, id);
    Map<String, List<String>> meters = new LinkedHashMap<>();
    Map<String, List<String>> presses = new LinkedHashMap<>();
    Map<String, List<String>> sensors = new LinkedHashMap<>();
    try (MqttKafkaBridge bridge = new MqttKafkaBridge(config)) {
      bridge.start();
      MqttClient publisher = new MqttClient(mosquitto.url(), id + "-pub", new MemoryPersistence());
      publisher.connect(new MqttConnectionOptions());
      long now = System.currentTimeMillis();
      for (int i = 0; i < 3000; i++) {
        boolean meter = i % 2 == 0;
        String device = meter ? "meter-" + (i % 40) : "press-" + (i % 30);
        String payload = meter ? "{\"ts\":" + now + ",\"seq\":" + i + ",\"kwh\":" + i + "}"
            : "{\"serial\":\"" + device + "\",\"ts\":" + now + ",\"seq\":" + i + ",\"bar\":" + (i % 9) + "}";
        MqttMessage m = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
        m.setQos(meter ? 1 : 2);
        MqttProperties props = new MqttProperties();
        props.setUserProperties(List.of(new UserProperty("site", "north")));
        m.setProperties(props);
        publisher.publish(meter ? id + "/meters/" + device + "/reading" : id + "/lines/line-" + (i % 3) + "/press", m);
        (meter ? meters : presses).computeIfAbsent(device, k -> new ArrayList<>()).add(payload);
      }
      for (int i = 0; i < 40; i++) {
        // Zigbee2MQTT's shape: no timestamp, a boolean, a nested object with a string.
        String device = "0x00158d0001a2b3c" + (i % 4);
        String payload = "{\"battery\":" + (60 + i) + ",\"contact\":" + (i % 2 == 0) + ",\"linkquality\":120,"
            + "\"update\":{\"state\":\"idle\",\"installed_version\":8448}}";
        MqttMessage m = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
        m.setQos(1);
        publisher.publish(id + "/zigbee2mqtt/" + device, m);
        sensors.computeIfAbsent(device, k -> new ArrayList<>()).add(payload);
      }
      publisher.disconnect();
      publisher.close();

      assertLandedInOrderPerKey("it.meters." + id, meters);
      List<ConsumerRecord<byte[], byte[]>> pressRecords = assertLandedInOrderPerKey("it.presses." + id, presses);
      ConsumerRecord<byte[], byte[]> sample = pressRecords.get(0);
      assertThat(header(sample, KafkaHeaders.MQTT_QOS)).isEqualTo("2");
      assertThat(header(sample, KafkaHeaders.BRIDGE_ROUTE)).isEqualTo("presses");
      assertThat(header(sample, KafkaHeaders.MQTT_USER_PROPERTY_PREFIX + "site")).isEqualTo("north");
      List<ConsumerRecord<byte[], byte[]>> sensorRecords = assertLandedInOrderPerKey("it.z2m." + id, sensors);
      assertThat(header(sensorRecords.get(0), KafkaHeaders.BRIDGE_ROUTE)).isEqualTo("z2m");
      // Redeliveries may be produced twice, never fewer.
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        assertThat(bridge.metrics().producedByDialect().getOrDefault("zigbee2mqtt", 0L)).isGreaterThanOrEqualTo(40L);
        assertThat(bridge.metrics().producedByDialect().getOrDefault("vigil", 0L)).isGreaterThanOrEqualTo(3000L);
      });
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(bridge.metrics().inFlight()).isZero());
      assertThat(bridge.metrics().deadLettered()).isZero();
    }
    assertNothingIsRedeliveredAfterRestart(config, "it.presses." + id, 1500);
  }

  @Test
  void qos2OverMqtt311IsAcknowledgedOnlyByTheBridgeAndNothingComesBack() throws Exception {
    String id = "v311-qos2";
    BridgeConfig config = new BridgeConfig(routes(id, "3.1.1"));
    createTopics(config, id);
    Map<String, List<String>> presses = new LinkedHashMap<>();
    Map<String, List<String>> sensors = new LinkedHashMap<>();
    try (MqttKafkaBridge bridge = new MqttKafkaBridge(config)) {
      bridge.start();
      org.eclipse.paho.client.mqttv3.MqttClient publisher = mosquitto.connect(id + "-pub", true);
      long now = System.currentTimeMillis();
      for (int i = 0; i < 2000; i++) {
        String device = "press-" + (i % 50);
        String payload = "{\"serial\":\"" + device + "\",\"ts\":" + now + ",\"seq\":" + i + ",\"bar\":1}";
        publisher.publish(id + "/lines/line-" + (i % 4) + "/press", payload.getBytes(StandardCharsets.UTF_8), 2, false);
        presses.computeIfAbsent(device, k -> new ArrayList<>()).add(payload);
      }
      publisher.disconnect();
      publisher.close();
      assertLandedInOrderPerKey("it.presses." + id, presses);
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        assertThat(bridge.metrics().inFlight()).isZero();
        assertThat(bridge.metrics().acked()).isGreaterThanOrEqualTo(2000);
      });
    }
    assertNothingIsRedeliveredAfterRestart(config, "it.presses." + id, 2000);
  }

  /**
   * Every payload is in the topic, keyed by its device, and per device in publish order. A dropped
   * connection (seen once here: Mosquitto reset an MQTT 5 connection mid-stream) makes the broker
   * redeliver what was not yet acknowledged: such duplicates are allowed, and the first copies must
   * still be in publish order.
   */
  private static List<ConsumerRecord<byte[], byte[]>> assertLandedInOrderPerKey(String topic, Map<String, List<String>> expected) {
    int total = expected.values().stream().mapToInt(List::size).sum();
    List<ConsumerRecord<byte[], byte[]>> records = kafka.awaitRecords(topic,
        read -> read.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).distinct().count() >= total,
        Duration.ofSeconds(90));
    Map<String, List<String>> byKey = records.stream().collect(Collectors.groupingBy(
        r -> new String(r.key(), StandardCharsets.UTF_8), LinkedHashMap::new,
        Collectors.mapping(r -> new String(r.value(), StandardCharsets.UTF_8), Collectors.toList())));
    assertThat(byKey).containsOnlyKeys(expected.keySet());
    expected.forEach((device, payloads) -> assertThat(byKey.get(device).stream().distinct()).as(device).containsExactlyElementsOf(payloads));
    return records;
  }

  /**
   * A bridge on the same client id and session finds nothing waiting: had a PUBACK or PUBCOMP not
   * reached the broker, it would redeliver (or re-release) those messages now and the counts would grow.
   */
  private static void assertNothingIsRedeliveredAfterRestart(BridgeConfig config, String topicB, int countB)
      throws Exception {
    try (MqttKafkaBridge again = new MqttKafkaBridge(config)) {
      again.start();
      // A marker published after the restart arrives behind anything the broker had queued for us.
      org.eclipse.paho.client.mqttv3.MqttClient publisher = mosquitto.connect(config.clientId() + "-marker", true);
      String marker = "{\"serial\":\"marker\",\"ts\":" + System.currentTimeMillis() + ",\"bar\":0}";
      publisher.publish(config.clientId() + "/lines/line-9/press", marker.getBytes(StandardCharsets.UTF_8), 2, false);
      publisher.disconnect();
      publisher.close();
      await().atMost(Duration.ofSeconds(30)).until(() -> again.metrics().acked() >= 1);
      assertThat(again.metrics().received()).as("messages the broker delivered to the restarted bridge").isEqualTo(1);
    }
    java.util.function.Predicate<ConsumerRecord<byte[], byte[]>> isMarker =
        r -> new String(r.value(), StandardCharsets.UTF_8).contains("\"marker\"");
    List<ConsumerRecord<byte[], byte[]>> records = kafka.awaitRecords(topicB,
        read -> read.size() > countB && read.stream().anyMatch(isMarker), Duration.ofSeconds(30));
    assertThat(records.stream().filter(isMarker)).hasSize(1);
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
