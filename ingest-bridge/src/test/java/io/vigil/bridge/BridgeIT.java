package io.vigil.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.schemas.KafkaHeaders;
import io.vigil.testsupport.FreePorts;
import io.vigil.testsupport.KafkaServerExtension;
import io.vigil.testsupport.MosquittoExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The bridge against real Mosquitto and real Kafka: everything published lands, in order per device. */
class BridgeIT {
  @RegisterExtension static final KafkaServerExtension kafka = new KafkaServerExtension();
  @RegisterExtension static final MosquittoExtension mosquitto = new MosquittoExtension();

  @TempDir Path persistence;

  private BridgeConfig config(String clientId) {
    Map<String, String> raw = new HashMap<>();
    raw.put(BridgeConfig.MQTT_URL, mosquitto.url());
    raw.put(BridgeConfig.MQTT_CLIENT_ID, clientId);
    raw.put(BridgeConfig.KAFKA_BOOTSTRAP, kafka.bootstrapServers());
    raw.put(BridgeConfig.KAFKA_TOPIC, "it.telemetry." + clientId);
    raw.put(BridgeConfig.KAFKA_DEADLETTER_TOPIC, "it.deadletter." + clientId);
    raw.put(BridgeConfig.MQTT_PERSISTENCE_DIR, persistence.toString());
    raw.put(BridgeConfig.METRICS_PORT, String.valueOf(FreePorts.next()));
    return new BridgeConfig(raw);
  }

  @Test
  void everyPublishedMessageLandsInKafkaInPublishOrderPerDevice() throws Exception {
    BridgeConfig config = config("bridge-order");
    kafka.createTopic(config.telemetryTopic(), 4);
    kafka.createTopic(config.deadLetterTopic(), 1);
    int devices = 40;
    int perDevice = 75;
    long now = System.currentTimeMillis();
    Map<String, List<String>> published = new LinkedHashMap<>();
    try (MqttKafkaBridge bridge = new MqttKafkaBridge(config)) {
      bridge.start();
      MqttClient publisher = mosquitto.connect("it-publisher", true);
      for (int i = 0; i < perDevice; i++) {
        for (int d = 0; d < devices; d++) {
          String device = "dev-" + d;
          String payload = "{\"ts\":" + (now + i) + ",\"seq\":" + i + ",\"t\":" + (i * 0.5) + "}";
          MqttMessage m = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
          m.setQos(1);
          publisher.publish("devices/" + device + "/telemetry", m);
          published.computeIfAbsent(device, k -> new ArrayList<>()).add(payload);
        }
      }
      MqttMessage bad = new MqttMessage("{\"ts\": \"soon\", \"t\": 1}".getBytes(StandardCharsets.UTF_8));
      bad.setQos(1);
      publisher.publish("devices/dev-0/telemetry", bad);
      publisher.disconnect();
      publisher.close();

      int total = devices * perDevice;
      List<ConsumerRecord<byte[], byte[]>> records = kafka.readAll(config.telemetryTopic(), total, Duration.ofSeconds(60));
      Set<String> landed = records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).collect(Collectors.toSet());
      assertThat(landed).containsAll(published.values().stream().flatMap(List::stream).toList());

      // Nothing failed, so each device's records are in publish order on its partition.
      Map<String, List<String>> inKafka = new LinkedHashMap<>();
      for (ConsumerRecord<byte[], byte[]> r : records) {
        inKafka.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>())
            .add(new String(r.value(), StandardCharsets.UTF_8));
      }
      assertThat(inKafka).isEqualTo(published);
      ConsumerRecord<byte[], byte[]> first = records.get(0);
      assertThat(new String(first.headers().lastHeader(KafkaHeaders.MQTT_TOPIC).value(), StandardCharsets.UTF_8))
          .startsWith("devices/dev-").endsWith("/telemetry");

      List<ConsumerRecord<byte[], byte[]>> dead = kafka.readAll(config.deadLetterTopic(), 1, Duration.ofSeconds(30));
      assertThat(new String(dead.get(0).headers().lastHeader(KafkaHeaders.REJECT_REASON).value(), StandardCharsets.UTF_8))
          .isEqualTo("INVALID_TIMESTAMP");
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        assertThat(bridge.metrics().acked()).isEqualTo(total + 1L);
        assertThat(bridge.metrics().inFlight()).isZero();
      });
      assertThat(bridge.metrics().produced()).isEqualTo(total);
      assertThat(bridge.metrics().deadLettered()).isEqualTo(1);
      assertThat(bridge.metrics().rejectedByReason()).containsEntry("INVALID_TIMESTAMP", 1L);
    }
  }

  @Test
  void messagesPublishedWhileTheBridgeIsDownArriveWhenItReturns() throws Exception {
    BridgeConfig config = config("bridge-offline");
    kafka.createTopic(config.telemetryTopic(), 2);
    kafka.createTopic(config.deadLetterTopic(), 1);
    long now = System.currentTimeMillis();
    // First run registers the persistent session and its subscription.
    try (MqttKafkaBridge bridge = new MqttKafkaBridge(config)) {
      bridge.start();
    }
    MqttClient publisher = mosquitto.connect("it-publisher-2", true);
    for (int i = 0; i < 500; i++) {
      MqttMessage m = new MqttMessage(("{\"ts\":" + now + ",\"seq\":" + i + ",\"t\":1}").getBytes(StandardCharsets.UTF_8));
      m.setQos(1);
      publisher.publish("devices/dev-x/telemetry", m);
    }
    publisher.disconnect();
    publisher.close();
    try (MqttKafkaBridge bridge = new MqttKafkaBridge(config)) {
      bridge.start();
      List<ConsumerRecord<byte[], byte[]>> records = kafka.readAll(config.telemetryTopic(), 500, Duration.ofSeconds(60));
      assertThat(records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).distinct()).hasSize(500);
    }
  }

  @Test
  void metricsAndHealthAreServedOverHttpWhileTheBridgeRuns() throws Exception {
    BridgeConfig config = config("bridge-ops");
    kafka.createTopic(config.telemetryTopic(), 2);
    kafka.createTopic(config.deadLetterTopic(), 1);
    long now = System.currentTimeMillis();
    HttpClient http = HttpClient.newHttpClient();
    try (MqttKafkaBridge bridge = new MqttKafkaBridge(config)) {
      bridge.start();
      String base = "http://127.0.0.1:" + bridge.opsPort();
      assertThat(get(http, base + "/health/live").statusCode()).isEqualTo(200);
      assertThat(get(http, base + "/health/ready").statusCode()).as("connected, Kafka metadata reachable, nothing sent yet").isEqualTo(200);
      MqttClient publisher = mosquitto.connect("it-publisher-ops", true);
      for (int i = 0; i < 300; i++) {
        MqttMessage m = new MqttMessage(("{\"ts\":" + now + ",\"seq\":" + i + ",\"t\":1}").getBytes(StandardCharsets.UTF_8));
        m.setQos(1);
        publisher.publish("devices/dev-ops-" + (i % 7) + "/telemetry", m);
      }
      MqttMessage bad = new MqttMessage("not json".getBytes(StandardCharsets.UTF_8));
      bad.setQos(1);
      publisher.publish("devices/dev-ops-0/telemetry", bad);
      publisher.disconnect();
      publisher.close();

      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        HttpResponse<String> scrape = get(http, base + "/metrics");
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        Map<String, Double> m = PrometheusScrape.parse(scrape.body());
        assertThat(m).containsEntry("vigil_bridge_messages_produced_total", 300.0)
            .containsEntry("vigil_bridge_messages_acked_total", 301.0)
            .containsEntry("vigil_bridge_inflight_messages", 0.0)
            .containsEntry("vigil_bridge_mqtt_connected", 1.0)
            .containsEntry("vigil_bridge_kafka_latency_seconds_count", 301.0);
        assertThat(m.keySet()).anyMatch(k -> k.startsWith("vigil_bridge_messages_dead_lettered_total{reason="));
        assertThat(m.get("vigil_bridge_kafka_latency_recent_seconds{quantile=\"0.99\"}")).isPositive();
      });
      assertThat(get(http, base + "/health/ready").statusCode()).isEqualTo(200);

      // Without its MQTT broker the bridge is alive but not ready; with it back, ready again.
      mosquitto.stop();
      try {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
          HttpResponse<String> ready = get(http, base + "/health/ready");
          assertThat(ready.statusCode()).isEqualTo(503);
          assertThat(ready.body()).contains("not connected to MQTT");
          assertThat(PrometheusScrape.parse(get(http, base + "/metrics").body())).containsEntry("vigil_bridge_mqtt_connected", 0.0);
        });
        assertThat(get(http, base + "/health/live").statusCode()).isEqualTo(200);
      } finally {
        mosquitto.start();
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> get(http, base + "/health/ready").statusCode() == 200);
      assertThat(bridge.metrics().reconnects()).isGreaterThanOrEqualTo(1);
    }
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
