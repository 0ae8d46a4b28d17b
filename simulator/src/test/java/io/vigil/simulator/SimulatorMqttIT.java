package io.vigil.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.common.VigilException;
import io.vigil.testsupport.MosquittoExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Publishes to a real Mosquitto and counts what a subscriber receives. */
class SimulatorMqttIT {
  @RegisterExtension
  static final MosquittoExtension MQTT = new MosquittoExtension();

  @TempDir
  Path dir;

  private MqttClient subscriber;
  private final List<String> received = new CopyOnWriteArrayList<>();

  @BeforeEach
  void subscribe() throws Exception {
    subscriber = new MqttClient(MQTT.url(), "it-subscriber-" + System.nanoTime(), new MemoryPersistence());
    subscriber.setCallback(new MqttCallback() {
      @Override
      public void connectionLost(Throwable cause) {}

      @Override
      public void messageArrived(String topic, MqttMessage message) {
        received.add(topic + " " + Base64.getEncoder().encodeToString(message.getPayload()));
      }

      @Override
      public void deliveryComplete(IMqttDeliveryToken token) {}
    });
    MqttConnectOptions options = new MqttConnectOptions();
    options.setCleanSession(true);
    options.setMaxInflight(1000);
    subscriber.connect(options);
    subscriber.subscribe("devices/+/telemetry", 1);
  }

  @AfterEach
  void unsubscribe() throws Exception {
    subscriber.disconnect();
    subscriber.close();
  }

  @Test
  void subscriberReceivesExactlyWhatTheSimulatorReportsAtQos1() {
    SimulatorConfig cfg = new SimulatorConfig(Map.of(SimulatorConfig.DEVICES, "5", SimulatorConfig.HISTORY, "20m",
        SimulatorConfig.DURATION, "0s", SimulatorConfig.INTERVAL, "5s", SimulatorConfig.RATE, "0",
        SimulatorConfig.MQTT_QOS, "1", SimulatorConfig.FAULTS, "default,duplicate=0.02,malformed=0.02",
        SimulatorConfig.LABELS, dir.resolve("labels.csv").toString()));
    Clock clock = Clock.systemUTC();
    FleetGenerator generator = new FleetGenerator(cfg, clock);
    SimulationSummary summary;
    List<String> expected = new java.util.ArrayList<>();
    try (MessageSink mqtt = MessageSinks.mqtt(cfg, MQTT.url())) {
      MessageSink recording = new MessageSink() {
        @Override
        public void send(SimulatedMessage m) {
          expected.add(m.topic() + " " + Base64.getEncoder().encodeToString(m.payload()));
          mqtt.send(m);
        }

        @Override
        public void flush() {
          mqtt.flush();
        }

        @Override
        public long delivered() {
          return mqtt.delivered();
        }

        @Override
        public long failed() {
          return mqtt.failed();
        }

        @Override
        public void close() {}
      };
      summary = new Simulator(cfg, clock).run(generator, recording, cfg.labels());
    }
    assertThat(summary.failed()).isZero();
    assertThat(summary.delivered()).isEqualTo(summary.generated()).isEqualTo(expected.size()).isGreaterThan(500);
    // Acknowledged at QoS 1 before run() returned; the subscriber gets every one, duplicates included.
    await().atMost(Duration.ofSeconds(30)).until(() -> received.size() >= expected.size());
    assertThat(received).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(summary.labelsByKind()).containsKey(FaultKind.DUPLICATE);
  }

  @Test
  void aMixedFleetArrivesOnEachFamilysTopicsByteForByte() throws Exception {
    // The vigil topics are subscribed already; these cover every other dialect without overlapping.
    subscriber.subscribe(new String[] {"zigbee2mqtt/#", "tele/#", "+/status/#", "+/events/rpc", "+/sensor/#",
        "+/binary_sensor/#", "owntracks/#", "v3/#", "spBv1.0/#"}, new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1});
    SimulatorConfig cfg = new SimulatorConfig(Map.of(SimulatorConfig.DEVICES, "40", SimulatorConfig.HISTORY, "10m",
        SimulatorConfig.DURATION, "5s", SimulatorConfig.INTERVAL, "2s", SimulatorConfig.RATE, "0",
        SimulatorConfig.DIALECT, "mixed", SimulatorConfig.FAULTS, "default,malformed=0.02",
        SimulatorConfig.LABELS, dir.resolve("labels.csv").toString()));
    List<String> expected = new CopyOnWriteArrayList<>();
    java.util.Set<Dialect> dialects = java.util.EnumSet.noneOf(Dialect.class);
    SimulationSummary summary;
    try (MessageSink mqtt = MessageSinks.mqtt(cfg, MQTT.url())) {
      FleetGenerator generator = new FleetGenerator(cfg, Clock.systemUTC());
      summary = new Simulator(cfg, Clock.systemUTC()).run(generator, new MessageSink() {
        @Override
        public void send(SimulatedMessage m) {
          expected.add(m.topic() + " " + Base64.getEncoder().encodeToString(m.payload()));
          dialects.add(m.dialect());
          mqtt.send(m);
        }

        @Override
        public void flush() {
          mqtt.flush();
        }

        @Override
        public long delivered() {
          return mqtt.delivered();
        }

        @Override
        public long failed() {
          return mqtt.failed();
        }

        @Override
        public void close() {}
      }, cfg.labels());
    }
    assertThat(summary.failed()).isZero();
    assertThat(dialects).containsExactlyInAnyOrder(Dialect.values());
    await().atMost(Duration.ofSeconds(30)).until(() -> received.size() >= expected.size());
    assertThat(received).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void commandPublishesAndReportsTheCountTheSubscriberSees() {
    StringWriter out = new StringWriter();
    CommandLine cl = new CommandLine(new SimulateCommand(Clock.systemUTC(), Map.of(), dir.toString()));
    cl.setOut(new PrintWriter(out));
    int code = cl.execute("--devices", "4", "--history", "10m", "--duration", "3s", "--interval", "2s", "--qos", "1",
        "--mqtt-url", MQTT.url(), "--labels", dir.resolve("l.csv").toString(), "--rate", "2000");
    assertThat(code).as(out.toString()).isZero();
    Matcher m = Pattern.compile("(\\d+) generated, (\\d+) delivered, 0 failed").matcher(out.toString());
    assertThat(m.find()).as(out.toString()).isTrue();
    long delivered = Long.parseLong(m.group(2));
    assertThat(delivered).isEqualTo(Long.parseLong(m.group(1))).isPositive();
    await().atMost(Duration.ofSeconds(30)).until(() -> received.size() >= delivered);
    assertThat(received).hasSize((int) delivered);
  }

  @Test
  void unreachableBrokerIsReportedWithItsUrl() {
    SimulatorConfig cfg = new SimulatorConfig(Map.of(SimulatorConfig.MQTT_CONNECT_TIMEOUT, "2s"));
    String url = "tcp://127.0.0.1:" + io.vigil.testsupport.FreePorts.next();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> MessageSinks.mqtt(cfg, url))
        .isInstanceOf(VigilException.class).hasMessageContaining(url);
  }
}
