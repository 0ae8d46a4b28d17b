package io.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.bridge.BridgeConfig;
import io.vigil.bridge.MqttKafkaBridge;
import io.vigil.schemas.DeviceStatus;
import io.vigil.schemas.KafkaHeaders;
import io.vigil.schemas.Measurement;
import io.vigil.schemas.ParseResult;
import io.vigil.schemas.ParserOptions;
import io.vigil.schemas.SparkplugB;
import io.vigil.schemas.TelemetryParser;
import io.vigil.simulator.FaultKind;
import io.vigil.simulator.FaultLabel;
import io.vigil.simulator.FleetGenerator;
import io.vigil.simulator.MessageSink;
import io.vigil.simulator.MessageSinks;
import io.vigil.simulator.SimulatedMessage;
import io.vigil.simulator.SimulatorConfig;
import io.vigil.testsupport.KafkaServerExtension;
import io.vigil.testsupport.MosquittoExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulator's sparkplug-b dialect through real Mosquitto, the bridge and Kafka: every record the
 * bridge writes parses on its own (the aliases of each DDATA resolved from the header the bridge
 * attaches), nothing is dead-lettered, every simulated reading lands with its device, metric, time and
 * value, and each device the fault plan killed is OFFLINE at its DEAD label's time.
 */
class SimulatedSparkplugIT {
  @RegisterExtension static final KafkaServerExtension kafka = new KafkaServerExtension();
  @RegisterExtension static final MosquittoExtension mosquitto = new MosquittoExtension();

  @TempDir Path dir;

  private static final String TOPIC = "it.simulated.sparkplug";
  private static final TelemetryParser STATELESS = new TelemetryParser(ParserOptions.defaults().withPreset(SparkplugB.PRESET));

  @Test
  void aSimulatedSparkplugFleetLandsWithItsAliasesResolvedAndItsDeadDevicesOffline() throws Exception {
    BridgeConfig config = bridgeConfig();
    SimulatorConfig sim = new SimulatorConfig(Map.of(SimulatorConfig.DEVICES, "6", SimulatorConfig.HISTORY, "40m",
        SimulatorConfig.DURATION, "0s", SimulatorConfig.INTERVAL, "1m", SimulatorConfig.RATE, "0", SimulatorConfig.SEED, "16",
        SimulatorConfig.DIALECT, "sparkplug-b", SimulatorConfig.FAULTS, "dead=0.5",
        SimulatorConfig.LABELS, dir.resolve("labels.csv").toString()));
    List<SimulatedMessage> sent = new ArrayList<>();
    FleetGenerator fleet = new FleetGenerator(sim, Clock.systemUTC());
    try (MqttKafkaBridge bridge = new MqttKafkaBridge(config)) {
      bridge.start();
      try (MessageSink mqtt = MessageSinks.mqtt(sim, mosquitto.url())) {
        fleet.forEachRemaining(m -> {
          sent.add(m);
          mqtt.send(m);
        });
        mqtt.flush();
        assertThat(mqtt.failed()).isZero();
      }
      List<ConsumerRecord<byte[], byte[]>> records = kafka.awaitRecords(TOPIC, read -> read.size() >= sent.size(), Duration.ofSeconds(90));
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(bridge.metrics().inFlight()).isZero());
      assertThat(records).hasSameSizeAs(sent);
      assertThat(bridge.metrics().deadLettered()).isZero();

      Map<String, Double> landed = new HashMap<>();
      Map<String, Long> offline = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> r : records) {
        Map<String, String> headers = headers(r);
        ParseResult p = STATELESS.parse(headers.get(KafkaHeaders.MQTT_TOPIC), r.value(),
            Long.parseLong(headers.get(KafkaHeaders.ARRIVAL_MILLIS)), headers);
        assertThat(p.isAccepted()).as("%s: %s", headers.get(KafkaHeaders.MQTT_TOPIC), p).isTrue();
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(p.deviceId().orElseThrow());
        for (Measurement m : p.measurements()) {
          landed.put(m.deviceId() + "|" + m.metric() + "|" + m.eventTimeMillis(), m.value());
        }
        p.deviceStatus().filter(s -> s.state() == DeviceStatus.State.OFFLINE)
            .ifPresent(s -> offline.put(p.deviceId().orElseThrow(), s.atMillis()));
      }
      Map<String, Double> simulated = new HashMap<>();
      for (SimulatedMessage m : sent) {
        m.values().forEach((metric, v) -> simulated.put(m.deviceId() + "|" + metric + "|" + m.eventTime().toEpochMilli(), v));
      }
      assertThat(simulated).hasSizeGreaterThan(100);
      assertThat(landed).isEqualTo(simulated);

      Map<String, Long> dead = new HashMap<>();
      for (FaultLabel l : fleet.labels()) {
        if (l.kind() == FaultKind.DEAD) {
          dead.put(l.device(), l.start().toEpochMilli());
        }
      }
      assertThat(dead).isNotEmpty();
      assertThat(offline).isEqualTo(dead);
    }
  }

  private BridgeConfig bridgeConfig() {
    Map<String, String> raw = new HashMap<>();
    raw.put(BridgeConfig.MQTT_URL, mosquitto.url());
    raw.put(BridgeConfig.MQTT_CLIENT_ID, "it-simulated-sparkplug");
    raw.put(BridgeConfig.KAFKA_BOOTSTRAP, kafka.bootstrapServers());
    raw.put(BridgeConfig.MQTT_PERSISTENCE_DIR, dir.resolve("paho").toString());
    raw.put(BridgeConfig.METRICS_PORT, "0");
    raw.put(BridgeConfig.MQTT_STATUS_FILTERS, "");
    raw.put(BridgeConfig.ROUTES, "plant");
    raw.put("routes.plant.preset", SparkplugB.PRESET);
    raw.put("routes.plant.kafka.topic", TOPIC);
    BridgeConfig config = new BridgeConfig(raw);
    kafka.createTopic(TOPIC, 3);
    kafka.createTopic(config.deadLetterTopic(), 1);
    return config;
  }

  private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> r) {
    Map<String, String> out = new HashMap<>();
    for (Header h : r.headers()) {
      out.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
    }
    return out;
  }
}
