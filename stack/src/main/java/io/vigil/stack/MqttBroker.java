package io.vigil.stack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * An MQTT broker the stack runs in a child process: Mosquitto when installed, else the embedded
 * Java broker. Both keep persistent sessions across {@link #restart()}.
 */
public interface MqttBroker extends AutoCloseable {
  /** "mosquitto" or "embedded", as written to endpoints.properties ({@code mqtt.broker}). */
  String kind();

  /** Starts the broker (no-op when ours is already running) and waits until a client can connect. */
  void start(Duration timeout);

  default void start() {
    start(Duration.ofSeconds(60));
  }

  /** Stops the broker and its process tree (SIGTERM, then SIGKILL); no-op when not running. */
  void stop();

  /** Stop then start on the same port and data directory: persistent sessions survive. */
  default void restart() {
    stop();
    start();
  }

  /** e.g. {@code tcp://127.0.0.1:11883}. */
  String url();

  int port();

  /** Whether our process runs and a client can connect now. */
  boolean isReady();

  /** Whether our process is alive (ready or not). */
  boolean isRunning();

  OptionalLong pid();

  Path logFile();

  @Override
  default void close() {
    stop();
  }
}
