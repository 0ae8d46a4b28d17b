package io.vigil.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.testsupport.KafkaServerExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttMessage;

/** What the TLS, login and status integration tests share. */
final class SecurityItSupport {
  private SecurityItSupport() {}

  /** A temp directory for certificates made before the brokers start; removed when the JVM exits. */
  static Path tempDir(String prefix) {
    try {
      Path dir = java.nio.file.Files.createTempDirectory(prefix);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try (var files = java.nio.file.Files.walk(dir)) {
          files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (java.io.IOException e) {
          // best effort: it is under the temp directory
        }
      }));
      return dir;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Settings for a bridge named {@code clientId} with its own Kafka topics, plus {@code extra}. */
  static Map<String, String> settings(String clientId, String mqttUrl, KafkaServerExtension kafka, Path persistence) {
    Map<String, String> raw = new HashMap<>();
    raw.put(BridgeConfig.MQTT_URL, mqttUrl);
    raw.put(BridgeConfig.MQTT_CLIENT_ID, clientId);
    raw.put(BridgeConfig.KAFKA_BOOTSTRAP, kafka.bootstrapServers());
    raw.put(BridgeConfig.KAFKA_TOPIC, "it.telemetry." + clientId);
    raw.put(BridgeConfig.KAFKA_DEADLETTER_TOPIC, "it.deadletter." + clientId);
    raw.put(BridgeConfig.KAFKA_STATUS_TOPIC, "it.status." + clientId);
    raw.put(BridgeConfig.MQTT_PERSISTENCE_DIR, persistence.resolve(clientId).toString());
    // No ops endpoint: the default port (9464) may be held by another bridge or process on this machine.
    raw.put(BridgeConfig.METRICS_PORT, "0");
    return raw;
  }

  static void createTopics(KafkaServerExtension kafka, BridgeConfig config) {
    kafka.createTopic(config.telemetryTopic(), 2);
    kafka.createTopic(config.deadLetterTopic(), 1);
    kafka.createTopic(config.statusTopic(), 2);
  }

  /** Publishes {@code count} QoS 1 telemetry messages over {@code devices} devices; returns the payloads. */
  static List<String> publishTelemetry(MqttClient publisher, int devices, int count) throws Exception {
    long now = System.currentTimeMillis();
    List<String> payloads = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String payload = "{\"ts\":" + now + ",\"seq\":" + i + ",\"t\":" + (i % 50) + "}";
      MqttMessage m = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
      m.setQos(1);
      publisher.publish("devices/dev-" + (i % devices) + "/telemetry", m);
      payloads.add(payload);
    }
    return payloads;
  }

  /** Runs a started bridge until every published message is in Kafka and acknowledged to the broker. */
  static void assertAllLandAndAreAcked(KafkaServerExtension kafka, BridgeConfig config, MqttKafkaBridge bridge,
      List<String> published) {
    List<ConsumerRecord<byte[], byte[]>> records = kafka.readAll(config.telemetryTopic(), published.size(), Duration.ofSeconds(90));
    assertThat(records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).distinct())
        .containsExactlyInAnyOrderElementsOf(published);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(bridge.metrics().acked()).isGreaterThanOrEqualTo(published.size());
      assertThat(bridge.metrics().inFlight()).isZero();
    });
    assertThat(bridge.metrics().deadLettered()).isZero();
  }

  static void close(MqttClient client) throws Exception {
    client.disconnect();
    client.close();
  }

  /** The exception, its causes and stack trace as one text, to check a secret appears nowhere in it. */
  static String fullText(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString();
  }

  /**
   * Every log line of the JVM while open, at every level of Vigil's loggers (log4j2) and of
   * java.util.logging (Paho logs there), with stack traces.
   */
  static final class CapturedLogs implements AutoCloseable {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final AbstractAppender appender;
    private final java.util.logging.Handler julHandler;
    private final Level previousVigilLevel;

    CapturedLogs() {
      LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
      previousVigilLevel = LogManager.getLogger("io.vigil").getLevel();
      appender = new AbstractAppender("captured-" + System.nanoTime(), null, null, true, Property.EMPTY_ARRAY) {
        @Override
        public void append(LogEvent event) {
          lines.add(event.getLoggerName() + " " + event.getMessage().getFormattedMessage()
              + (event.getThrown() == null ? "" : "\n" + fullText(event.getThrown())));
        }
      };
      appender.start();
      ctx.getConfiguration().getRootLogger().addAppender(appender, Level.ALL, null);
      ctx.updateLoggers();
      Configurator.setLevel("io.vigil", Level.TRACE);
      julHandler = new java.util.logging.Handler() {
        @Override
        public void publish(java.util.logging.LogRecord r) {
          lines.add(r.getLoggerName() + " " + new java.util.logging.SimpleFormatter().formatMessage(r)
              + (r.getThrown() == null ? "" : "\n" + fullText(r.getThrown())));
        }

        @Override public void flush() {}
        @Override public void close() {}
      };
      java.util.logging.Logger.getLogger("").addHandler(julHandler);
    }

    List<String> lines() {
      return List.copyOf(lines);
    }

    @Override
    public void close() {
      java.util.logging.Logger.getLogger("").removeHandler(julHandler);
      Configurator.setLevel("io.vigil", previousVigilLevel);
      LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
      ctx.getConfiguration().getRootLogger().removeAppender(appender.getName());
      ctx.updateLoggers();
      appender.stop();
    }
  }
}
