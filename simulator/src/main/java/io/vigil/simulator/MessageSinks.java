package io.vigil.simulator;

import io.vigil.simulator.internal.CountingSink;
import io.vigil.simulator.internal.JsonlSink;
import io.vigil.simulator.internal.MqttSink;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/** The sinks the simulator ships with. */
public final class MessageSinks {
  private MessageSinks() {}

  /**
   * Connects to the broker at {@code url} (the config's {@code mqtt.url} is ignored here, so callers
   * resolve it first). Blocks until connected.
   */
  public static MessageSink mqtt(SimulatorConfig config, String url) {
    String clientId = config.mqttClientId() != null ? config.mqttClientId()
        : "vigil-sim-" + config.seed() + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
    return new MqttSink(url, clientId, config.qos(), config.maxInflight(), config.connectTimeout(), config.drainTimeout(),
        config.mqttUsername(), config.mqttPassword());
  }

  public static MessageSink jsonl(Path file) {
    return new JsonlSink(file);
  }

  public static MessageSink counting() {
    return new CountingSink();
  }
}
