package io.vigil.stack;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How to run a local stack: one directory for all data, logs and pid files, loopback ports, the MQTT
 * broker choice and how long to wait for readiness.
 */
public record LocalStackSettings(Path dir, int mqttPort, int kafkaPort, int controllerPort,
    MqttBrokerChoice mqttBroker, Duration timeout) {
  public static final int DEFAULT_MQTT_PORT = 11883;
  public static final int DEFAULT_KAFKA_PORT = 19092;
  public static final int DEFAULT_CONTROLLER_PORT = 19093;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

  public LocalStackSettings {
    dir = dir.toAbsolutePath().normalize();
  }

  public static LocalStackSettings defaults() {
    return new LocalStackSettings(StackEndpoints.defaultStackDir(), DEFAULT_MQTT_PORT, DEFAULT_KAFKA_PORT,
        DEFAULT_CONTROLLER_PORT, MqttBrokerChoice.AUTO, DEFAULT_TIMEOUT);
  }

  public LocalStackSettings withDir(Path d) {
    return new LocalStackSettings(d, mqttPort, kafkaPort, controllerPort, mqttBroker, timeout);
  }

  public LocalStackSettings withPorts(int mqtt, int kafka, int controller) {
    return new LocalStackSettings(dir, mqtt, kafka, controller, mqttBroker, timeout);
  }

  public LocalStackSettings withMqttBroker(MqttBrokerChoice choice) {
    return new LocalStackSettings(dir, mqttPort, kafkaPort, controllerPort, choice, timeout);
  }

  public LocalStackSettings withTimeout(Duration t) {
    return new LocalStackSettings(dir, mqttPort, kafkaPort, controllerPort, mqttBroker, t);
  }

  public Path endpointsFile() {
    return dir.resolve(StackEndpoints.FILE_NAME);
  }
}
