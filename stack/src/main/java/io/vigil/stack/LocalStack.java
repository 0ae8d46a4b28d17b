package io.vigil.stack;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local stack: Kafka (KRaft) and an MQTT broker, detached child processes that outlive the JVM
 * that started them, all state under one directory ({@link LocalStackSettings#dir()}):
 * {@code kafka/}, {@code mosquitto/} or {@code embedded-mqtt/}, {@code stack.properties} (the ports
 * and broker of the stack as started) and {@code endpoints.properties} (see {@link StackEndpoints}).
 */
public final class LocalStack {
  private static final Logger log = LoggerFactory.getLogger(LocalStack.class);
  static final String STATE_FILE = "stack.properties";

  private final LocalStackSettings settings;

  public LocalStack(LocalStackSettings settings) {
    this.settings = settings;
  }

  public LocalStackSettings settings() {
    return settings;
  }

  /**
   * Starts whatever is not running yet, waits until both servers are ready, creates the default
   * topics and writes the endpoints file. Idempotent: a running stack is reported and left alone.
   * If startup fails, what this call started is stopped again.
   */
  public StackEndpoints up(PrintStream out) {
    LocalStackSettings eff = effectiveSettings();
    KafkaBroker kafka = kafka(eff);
    MqttBroker mqtt = mqtt(eff, runningOrChosenMqttKind(eff));
    if (kafka.isReady() && mqtt.isReady() && Files.exists(eff.endpointsFile())) {
      out.println("Local stack already running in " + eff.dir() + ":");
      status(eff, kafka, mqtt).forEach(c -> out.println("  " + c.describe()));
      return StackEndpoints.load(eff.endpointsFile());
    }
    writeState(eff, mqtt.kind());
    List<Runnable> undo = new ArrayList<>();
    try {
      if (!kafka.isRunning()) {
        out.println("Starting Kafka on " + kafka.bootstrapServers() + " ...");
        undo.add(kafka::stop);
      }
      kafka.start(eff.timeout());
      if (!mqtt.isRunning()) {
        out.println("Starting MQTT broker (" + mqtt.kind() + ") on " + mqtt.url() + " ...");
        undo.add(mqtt::stop);
      }
      mqtt.start(eff.timeout());
      kafka.createTopics(DefaultTopics.partitions(), eff.timeout());
      StackEndpoints endpoints = StackEndpoints.of(eff.endpointsFile(), kafka.bootstrapServers(), mqtt.url(), mqtt.kind());
      endpoints.write();
      out.println("Local stack up in " + eff.dir() + ":");
      status(eff, kafka, mqtt).forEach(c -> out.println("  " + c.describe()));
      out.println("Endpoints written to " + eff.endpointsFile());
      return endpoints;
    } catch (RuntimeException e) {
      // The caller reports the failure to the user; a stack trace here would bury that message.
      log.warn("Stack startup failed; stopping what this call started");
      log.debug("Stack startup failure", e);
      for (int i = undo.size() - 1; i >= 0; i--) {
        try {
          undo.get(i).run();
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  /** Stops every server of this stack directory and removes the endpoints file; fine when nothing runs. */
  public void down(PrintStream out) {
    LocalStackSettings eff = effectiveSettings();
    deleteQuietly(eff.endpointsFile()); // first: nobody should pick up endpoints that are going away
    List<MqttBroker> brokers = List.of(new MosquittoBroker(eff.dir().resolve("mosquitto"), eff.mqttPort()),
        new EmbeddedMqttBroker(eff.dir().resolve("embedded-mqtt"), eff.mqttPort()));
    for (MqttBroker b : brokers) {
      var pid = b.pid();
      b.stop();
      if (pid.isPresent()) {
        out.println("Stopped MQTT broker (" + b.kind() + ", pid " + pid.getAsLong() + ")");
      }
    }
    KafkaBroker kafka = kafka(eff);
    var pid = kafka.pid();
    kafka.stop();
    if (pid.isPresent()) {
      out.println("Stopped Kafka (pid " + pid.getAsLong() + ")");
    }
    out.println("Local stack in " + eff.dir() + " is down.");
  }

  /** Each server with pid, port and readiness. */
  public List<ComponentStatus> status() {
    LocalStackSettings eff = effectiveSettings();
    return status(eff, kafka(eff), mqtt(eff, runningOrChosenMqttKind(eff)));
  }

  /** Whether every server is ready (what `vigil stack status` exits 0 on). */
  public static boolean allReady(List<ComponentStatus> statuses) {
    return statuses.stream().allMatch(ComponentStatus::ready);
  }

  private static List<ComponentStatus> status(LocalStackSettings eff, KafkaBroker kafka, MqttBroker mqtt) {
    return List.of(
        new ComponentStatus("kafka", kafka.pid(), kafka.port(), kafka.isReady()),
        new ComponentStatus("mqtt/" + mqtt.kind(), mqtt.pid(), mqtt.port(), mqtt.isReady()));
  }

  private static KafkaBroker kafka(LocalStackSettings eff) {
    return new KafkaBroker(eff.dir().resolve("kafka"), eff.kafkaPort(), eff.controllerPort());
  }

  private static MqttBroker mqtt(LocalStackSettings eff, String kind) {
    return "embedded".equals(kind)
        ? new EmbeddedMqttBroker(eff.dir().resolve("embedded-mqtt"), eff.mqttPort())
        : new MosquittoBroker(eff.dir().resolve("mosquitto"), eff.mqttPort());
  }

  /** A broker already running in this directory wins over the requested choice. */
  private String runningOrChosenMqttKind(LocalStackSettings eff) {
    if (new EmbeddedMqttBroker(eff.dir().resolve("embedded-mqtt"), eff.mqttPort()).isRunning()) {
      return "embedded";
    }
    if (new MosquittoBroker(eff.dir().resolve("mosquitto"), eff.mqttPort()).isRunning()) {
      return "mosquitto";
    }
    return eff.mqttBroker().resolve();
  }

  /**
   * While any server of this directory runs, the ports it was started with (stack.properties) are
   * the truth, whatever the flags of a later command say.
   */
  LocalStackSettings effectiveSettings() {
    Path state = settings.dir().resolve(STATE_FILE);
    if (!Files.exists(state)) {
      return settings;
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(state, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    LocalStackSettings recorded = settings.withPorts(
        Integer.parseInt(p.getProperty("mqtt.port")),
        Integer.parseInt(p.getProperty("kafka.port")),
        Integer.parseInt(p.getProperty("controller.port")));
    boolean anyRunning = kafka(recorded).isRunning()
        || new MosquittoBroker(recorded.dir().resolve("mosquitto"), recorded.mqttPort()).isRunning()
        || new EmbeddedMqttBroker(recorded.dir().resolve("embedded-mqtt"), recorded.mqttPort()).isRunning();
    return anyRunning ? recorded : settings;
  }

  private static void writeState(LocalStackSettings eff, String mqttKind) {
    Properties p = new Properties();
    p.setProperty("mqtt.port", Integer.toString(eff.mqttPort()));
    p.setProperty("kafka.port", Integer.toString(eff.kafkaPort()));
    p.setProperty("controller.port", Integer.toString(eff.controllerPort()));
    p.setProperty("mqtt.broker", mqttKind);
    try {
      Files.createDirectories(eff.dir());
      try (Writer w = Files.newBufferedWriter(eff.dir().resolve(STATE_FILE), StandardCharsets.UTF_8)) {
        p.store(w, "Ports and MQTT broker of the stack as last started; used by status and down.");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      log.warn("Cannot delete {}: {}", p, e.toString());
    }
  }
}
