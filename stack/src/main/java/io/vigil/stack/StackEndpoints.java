package io.vigil.stack;

import io.vigil.common.VigilErrors;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import java.util.Properties;

/**
 * Where a running local stack listens, as {@code vigil stack up} wrote it to
 * {@code <stack dir>/endpoints.properties}. Commands read it when no flag gives the endpoints.
 */
public final class StackEndpoints {
  public static final String FILE_NAME = "endpoints.properties";
  public static final String KAFKA_BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
  public static final String MQTT_URL = "mqtt.url";
  public static final String MQTT_BROKER = "mqtt.broker";
  public static final String TOPIC_TELEMETRY = "topics.telemetry";
  public static final String TOPIC_ANOMALIES = "topics.anomalies";
  public static final String TOPIC_DEADLETTER = "topics.deadletter";
  public static final String TOPIC_DEVICE_STATUS = "topics.device.status";

  private final Path file;
  private final Properties props;

  private StackEndpoints(Path file, Properties props) {
    this.file = file;
    this.props = props;
  }

  /** {@code $VIGIL_HOME/stack} ({@code ~/.vigil/stack} when VIGIL_HOME is unset). */
  public static Path defaultStackDir() {
    return io.vigil.common.VigilHome.stackDir();
  }

  /** The endpoints file of the default stack directory. */
  public static Path defaultFile() {
    return defaultStackDir().resolve(FILE_NAME);
  }

  public static StackEndpoints load() {
    return load(defaultFile());
  }

  /** Reads an endpoints file; a missing file means no stack is running there. */
  public static StackEndpoints load(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (NoSuchFileException e) {
      throw VigilErrors.stackNotRunning(file);
    } catch (IOException e) {
      throw VigilErrors.configFileNotReadable(file, e);
    }
    for (String key : new String[] {KAFKA_BOOTSTRAP_SERVERS, MQTT_URL}) {
      if (p.getProperty(key, "").isBlank()) {
        throw VigilErrors.missingConfig(key, "the local stack's endpoints file " + file + " lacks it; run `vigil stack up` again to rewrite it.");
      }
    }
    return new StackEndpoints(file, p);
  }

  /** Builds the endpoints of a stack with the default topics. */
  public static StackEndpoints of(Path file, String kafkaBootstrapServers, String mqttUrl, String mqttBroker) {
    Properties p = new Properties();
    p.setProperty(KAFKA_BOOTSTRAP_SERVERS, kafkaBootstrapServers);
    p.setProperty(MQTT_URL, mqttUrl);
    p.setProperty(MQTT_BROKER, mqttBroker);
    p.setProperty(TOPIC_TELEMETRY, DefaultTopics.TELEMETRY);
    p.setProperty(TOPIC_ANOMALIES, DefaultTopics.ANOMALIES);
    p.setProperty(TOPIC_DEADLETTER, DefaultTopics.DEAD_LETTER);
    p.setProperty(TOPIC_DEVICE_STATUS, DefaultTopics.DEVICE_STATUS);
    return new StackEndpoints(file, p);
  }

  /** Writes the file atomically, so a reader never sees half of it. */
  public void write() {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        props.store(w, "Written by `vigil stack up`; removed by `vigil stack down`.");
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path file() {
    return file;
  }

  public String kafkaBootstrapServers() {
    return props.getProperty(KAFKA_BOOTSTRAP_SERVERS);
  }

  public String mqttUrl() {
    return props.getProperty(MQTT_URL);
  }

  /** "mosquitto" or "embedded". */
  public String mqttBroker() {
    return props.getProperty(MQTT_BROKER, "mosquitto");
  }

  public String telemetryTopic() {
    return props.getProperty(TOPIC_TELEMETRY, DefaultTopics.TELEMETRY);
  }

  public String anomaliesTopic() {
    return props.getProperty(TOPIC_ANOMALIES, DefaultTopics.ANOMALIES);
  }

  public String deadLetterTopic() {
    return props.getProperty(TOPIC_DEADLETTER, DefaultTopics.DEAD_LETTER);
  }

  public String deviceStatusTopic() {
    return props.getProperty(TOPIC_DEVICE_STATUS, DefaultTopics.DEVICE_STATUS);
  }

  /** Any key of the file (for keys added later). */
  public String get(String key) {
    return props.getProperty(key);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StackEndpoints other && props.equals(other.props);
  }

  @Override
  public int hashCode() {
    return Objects.hash(props);
  }

  @Override
  public String toString() {
    return "StackEndpoints[kafka=" + kafkaBootstrapServers() + ", mqtt=" + mqttUrl() + " (" + mqttBroker() + ")]";
  }
}
