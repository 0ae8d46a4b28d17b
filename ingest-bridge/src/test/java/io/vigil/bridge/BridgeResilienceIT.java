package io.vigil.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.testsupport.FreePorts;
import io.vigil.testsupport.KafkaServerExtension;
import io.vigil.testsupport.MosquittoExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * At least once under failure: real Mosquitto, real Kafka, the bridge as its own OS process, a
 * QoS 1 publisher that knows exactly what the broker accepted. Every test publishes 5,000 messages
 * from 200 devices while something breaks, then asserts every one is in Kafka (duplicates allowed,
 * counted and reported). The no-loss half rests on Mosquitto's max_queued_messages 0 (see
 * MosquittoConf): with the default of 1000, the messages queued for the bridge while it is down or
 * throttled past that limit are dropped by the broker.
 */
class BridgeResilienceIT {
  @RegisterExtension static final KafkaServerExtension kafka = new KafkaServerExtension();
  @RegisterExtension static final MosquittoExtension mosquitto = new MosquittoExtension();

  private static final int DEVICES = 200;
  private static final int TOTAL = 5_000;
  /**
   * The bridge's bound, equal to the test Mosquitto's max_inflight_messages (1000): the broker's
   * window is what stops intake without blocking Paho; the bridge's bound must not be below it.
   */
  private static final int MAX_IN_FLIGHT = 1000;
  private static final int PUBLISH_WINDOW = 50;

  @TempDir Path dir;
  private final List<BridgeProcess> bridges = new ArrayList<>();

  @AfterEach
  void stopBridgesAndEndTheirSessions() throws Exception {
    bridges.forEach(BridgeProcess::close);
    // Every bridge subscribes to devices/+/telemetry with a persistent session, and Mosquitto queues
    // without limit: left behind, each session would collect every later test's messages and load
    // the broker (slow PUBACKs, slow restarts). A clean-session connect with the same id ends it.
    for (BridgeProcess bridge : bridges) {
      org.eclipse.paho.client.mqttv3.MqttClient c = mosquitto.connect(bridge.clientId(), true);
      c.disconnect();
      c.close();
    }
  }

  private BridgeProcess bridge(String clientId, String topic, String filter) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put(BridgeConfig.MQTT_URL, mosquitto.url());
    s.put(BridgeConfig.MQTT_CLIENT_ID, clientId);
    s.put(BridgeConfig.MQTT_FILTERS, filter);
    s.put(BridgeConfig.MQTT_PERSISTENCE_DIR, dir.resolve("paho-" + clientId).toString());
    s.put(BridgeConfig.KAFKA_BOOTSTRAP, kafka.bootstrapServers());
    s.put(BridgeConfig.KAFKA_TOPIC, topic);
    s.put(BridgeConfig.KAFKA_DEADLETTER_TOPIC, topic + ".dead");
    s.put(BridgeConfig.INFLIGHT_MAX_MESSAGES, String.valueOf(MAX_IN_FLIGHT));
    s.put(BridgeConfig.METRICS_PORT, String.valueOf(FreePorts.next()));
    s.put(BridgeConfig.MQTT_KEEPALIVE, "10s");
    s.put(BridgeConfig.MQTT_RECONNECT_MAX_DELAY, "2s");
    BridgeProcess bridge = new BridgeProcess(clientId, s, dir, "128m");
    bridges.add(bridge);
    return bridge;
  }

  private static String topic(String run) {
    kafka.createTopic("it." + run, 4);
    kafka.createTopic("it." + run + ".dead", 1);
    return "it." + run;
  }

  /** Publishes in the background; the future completes once every message has its PUBACK. */
  private static CompletableFuture<Void> publishInBackground(ReliablePublisher publisher, List<ReliablePublisher.Message> messages) {
    return CompletableFuture.runAsync(() -> {
      try {
        publisher.publishAll(messages, PUBLISH_WINDOW);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  private static void awaitPublished(CompletableFuture<Void> publishing) throws Exception {
    publishing.get(180, TimeUnit.SECONDS);
  }

  /** What Kafka holds of the published messages. */
  private record Landed(int records, int distinctPublished, int missing) {
    int duplicates() {
      return records - distinctPublished;
    }

    @Override
    public String toString() {
      return records + " records in Kafka, " + distinctPublished + " distinct published messages among them, "
          + duplicates() + " duplicates, " + missing + " of " + TOTAL + " published messages missing";
    }
  }

  /** Waits until every published payload is in the topic; fails naming how many are missing. */
  private Landed assertEveryMessageLanded(String topic, List<ReliablePublisher.Message> published, Duration timeout) {
    Set<String> expected = new HashSet<>();
    published.forEach(m -> expected.add(m.payload()));
    Set<String> seen = new HashSet<>();
    int[] scanned = {0};
    try {
      kafka.awaitRecords(topic, records -> {
        for (; scanned[0] < records.size(); scanned[0]++) {
          String value = new String(records.get(scanned[0]).value(), StandardCharsets.UTF_8);
          if (expected.contains(value)) {
            seen.add(value);
          }
        }
        return seen.size() == expected.size();
      }, timeout);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("Not every published message reached Kafka: "
          + new Landed(scanned[0], seen.size(), expected.size() - seen.size()) + bridgeDiagnostics(), e);
    }
    // Read once more, a little later, so the duplicate count includes stragglers.
    List<ConsumerRecord<byte[], byte[]>> all = kafka.readAll(topic, scanned[0], Duration.ofSeconds(30));
    return new Landed(all.size(), seen.size(), 0);
  }

  /** Metrics and log tail of every bridge of the test, for a failure message. */
  private String bridgeDiagnostics() {
    StringBuilder out = new StringBuilder();
    for (BridgeProcess b : bridges) {
      out.append("\n---- ").append(b).append(b.isAlive() ? " metrics " + b.metrics() : " (exited)").append("\n").append(b.logTail());
    }
    return out.toString();
  }

  @Test
  void bridgeKilledMidStreamAndRestartedLosesNothing() throws Exception {
    String topic = topic("kill");
    List<ReliablePublisher.Message> messages = ReliablePublisher.telemetry("kill", DEVICES, TOTAL);
    BridgeProcess bridge = bridge("bridge-kill", topic, "devices/+/telemetry").start();
    ReliablePublisher publisher = new ReliablePublisher(mosquitto.url(), "pub-kill");
    CompletableFuture<Void> publishing = publishInBackground(publisher, messages);

    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
        .until(() -> bridge.metric("vigil_bridge_messages_received_total") >= TOTAL / 5.0);
    Map<String, Double> atKill = bridge.metrics();
    bridge.kill();
    int publishedAtKill = publisher.confirmed();
    bridge.start(); // same client id, same Paho persistence directory

    awaitPublished(publishing);
    Landed landed = assertEveryMessageLanded(topic, messages, Duration.ofSeconds(120));
    System.out.printf("kill: at the kill the bridge had received %.0f, acked %.0f, %.0f in flight; publisher at %d; %s%n",
        atKill.get("vigil_bridge_messages_received_total"), atKill.get("vigil_bridge_messages_acked_total"),
        atKill.get("vigil_bridge_inflight_messages"), publishedAtKill, landed);
    assertThat(atKill.get("vigil_bridge_messages_acked_total")).as("killed mid-stream, not after the end").isLessThan(TOTAL);
    assertThat(landed.missing()).as(landed.toString()).isZero();
  }

  @Test
  void kafkaDownForThirtySecondsLosesNothingAndInFlightStaysBounded() throws Exception {
    String topic = topic("kafkadown");
    List<ReliablePublisher.Message> messages = ReliablePublisher.telemetry("kafkadown", DEVICES, TOTAL);
    BridgeProcess bridge = bridge("bridge-kafkadown", topic, "devices/+/telemetry").start();
    ReliablePublisher publisher = new ReliablePublisher(mosquitto.url(), "pub-kafkadown");
    CompletableFuture<Void> publishing = publishInBackground(publisher, messages);

    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
        .until(() -> bridge.metric("vigil_bridge_messages_produced_total") >= TOTAL / 5.0);
    kafka.stop();
    try {
      // For 30 s of outage, the bridge holds at most the configured bound; the broker keeps the rest.
      await("in flight within " + MAX_IN_FLIGHT + " while Kafka is down").during(Duration.ofSeconds(30))
          .atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(250))
          .untilAsserted(() -> {
            assertThat(bridge.isAlive()).as("bridge alive; log:\n" + bridge.logTail()).isTrue();
            assertThat(bridge.metric("vigil_bridge_inflight_messages")).as("in flight").isLessThanOrEqualTo(MAX_IN_FLIGHT);
            assertThat(bridge.metric("vigil_bridge_inflight_messages_peak")).as("in-flight peak").isLessThanOrEqualTo(MAX_IN_FLIGHT);
          });
      // The broker's window (equal to the bound here) fills up to a few messages still on the wire:
      // close to the bound shows intake really stopped there, with Kafka down.
      assertThat(bridge.metric("vigil_bridge_inflight_messages_peak")).as("in flight rose to the bound, so it was tested")
          .isGreaterThanOrEqualTo(MAX_IN_FLIGHT * 0.9);
      awaitPublished(publishing); // Mosquitto took every message although Kafka is down
      assertThat(bridge.metric("vigil_bridge_messages_produced_total")).isLessThan(TOTAL);
    } finally {
      kafka.start();
    }
    Landed landed = assertEveryMessageLanded(topic, messages, Duration.ofSeconds(180));
    System.out.println("kafka down: " + landed + "; bridge metrics " + bridge.metrics());
    assertThat(landed.missing()).as(landed.toString()).isZero();
    assertThat(bridge.isAlive()).as("bridge survived the outage in -Xmx128m").isTrue();
    assertThat(bridge.metric("vigil_bridge_inflight_messages_peak")).isLessThanOrEqualTo(MAX_IN_FLIGHT);
  }

  @Test
  void mosquittoRestartedMidStreamLosesNothing() throws Exception {
    String topic = topic("mqttrestart");
    List<ReliablePublisher.Message> messages = ReliablePublisher.telemetry("mqttrestart", DEVICES, TOTAL);
    BridgeProcess bridge = bridge("bridge-mqttrestart", topic, "devices/+/telemetry").start();
    ReliablePublisher publisher = new ReliablePublisher(mosquitto.url(), "pub-mqttrestart");
    CompletableFuture<Void> publishing = publishInBackground(publisher, messages);

    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
        .until(() -> bridge.metric("vigil_bridge_messages_received_total") >= TOTAL / 5.0);
    mosquitto.restart();

    awaitPublished(publishing);
    Landed landed = assertEveryMessageLanded(topic, messages, Duration.ofSeconds(120));
    System.out.println("mosquitto restart: " + landed + "; publisher re-sent " + publisher.republished()
        + "; bridge metrics " + bridge.metrics());
    assertThat(landed.missing()).as(landed.toString()).isZero();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(bridge.metric("vigil_bridge_mqtt_reconnects_total")).isGreaterThanOrEqualTo(1);
      assertThat(bridge.metric("vigil_bridge_mqtt_connected")).isEqualTo(1);
      assertThat(bridge.status("/health/ready")).isEqualTo(200);
    });
  }

  @Test
  void twoBridgesOnASharedSubscriptionSplitTheLoadAndDeliverEverything() throws Exception {
    String topic = topic("shared");
    List<ReliablePublisher.Message> messages = ReliablePublisher.telemetry("shared", DEVICES, TOTAL);
    String filter = "$share/vigil/devices/+/telemetry";
    BridgeProcess one = bridge("bridge-shared-1", topic, filter).start();
    BridgeProcess two = bridge("bridge-shared-2", topic, filter).start();

    new ReliablePublisher(mosquitto.url(), "pub-shared").publishAll(messages, PUBLISH_WINDOW);
    Landed landed = assertEveryMessageLanded(topic, messages, Duration.ofSeconds(120));
    await().atMost(Duration.ofSeconds(30)).until(() -> one.metric("vigil_bridge_messages_acked_total")
        + two.metric("vigil_bridge_messages_acked_total") >= TOTAL);
    double first = one.metric("vigil_bridge_messages_produced_total");
    double second = two.metric("vigil_bridge_messages_produced_total");
    System.out.printf("shared: bridge 1 produced %.0f, bridge 2 produced %.0f; %s%n", first, second, landed);
    assertThat(landed.missing()).as(landed.toString()).isZero();
    assertThat(first).as("bridge 1's share").isGreaterThanOrEqualTo(TOTAL * 0.2);
    assertThat(second).as("bridge 2's share").isGreaterThanOrEqualTo(TOTAL * 0.2);
    assertThat(first + second).as("together they produced every message").isGreaterThanOrEqualTo(TOTAL);
  }

  private static final Pattern STOPPED = Pattern.compile("Bridge stopped: \\{([^}]*)\\}");

  @Test
  void sigtermDrainsInFlightMessagesAndExitsZero() throws Exception {
    String topic = topic("sigterm");
    List<ReliablePublisher.Message> messages = ReliablePublisher.telemetry("sigterm", DEVICES, TOTAL);
    BridgeProcess bridge = bridge("bridge-sigterm", topic, "devices/+/telemetry").start();
    ReliablePublisher publisher = new ReliablePublisher(mosquitto.url(), "pub-sigterm");
    CompletableFuture<Void> publishing = publishInBackground(publisher, messages);

    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
        .until(() -> bridge.metric("vigil_bridge_messages_received_total") >= TOTAL / 5.0);
    int exit = bridge.terminate();
    assertThat(exit).as("exit code after SIGTERM; log:\n" + bridge.log()).isZero();
    Map<String, Long> last = finalMetrics(bridge.log());
    assertThat(last.get("in_flight")).as("in flight at exit: " + last).isZero();
    assertThat(last.get("acked")).as("acked == produced + dead-lettered: " + last)
        .isEqualTo(last.get("produced") + last.get("dead_lettered"));
    assertThat(last.get("received")).as("stopped mid-stream: " + last).isLessThan(TOTAL);

    bridge.start();
    awaitPublished(publishing);
    Landed landed = assertEveryMessageLanded(topic, messages, Duration.ofSeconds(120));
    System.out.println("sigterm: first run " + last + "; " + landed + "; publisher re-sent " + publisher.republished());
    assertThat(landed.missing()).as(landed.toString()).isZero();
    // Everything the first run produced was acknowledged before it disconnected, so the broker
    // redelivers none of it: the only duplicates are those the publisher itself sent twice (a
    // PUBACK that came late), none from the bridge.
    assertThat(landed.duplicates()).as(landed + "; publisher re-sent " + publisher.republished())
        .isLessThanOrEqualTo(publisher.republished());
  }

  private static Map<String, Long> finalMetrics(String log) {
    Matcher m = STOPPED.matcher(log);
    assertThat(m.find()).as("final metrics line in the log:\n" + log).isTrue();
    Map<String, Long> out = new HashMap<>();
    for (String pair : m.group(1).split(", ")) {
      String[] kv = pair.split("=");
      out.put(kv[0], Long.parseLong(kv[1]));
    }
    return out;
  }
}
