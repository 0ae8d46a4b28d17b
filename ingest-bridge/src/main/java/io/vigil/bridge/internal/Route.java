package io.vigil.bridge.internal;

import io.vigil.schemas.TelemetryParser;
import io.vigil.schemas.TopicLayout;
import java.util.List;

/**
 * One mapping rule: the MQTT filters it subscribes to (at one QoS), how their payloads are treated,
 * and where they go in Kafka.
 *
 * @param parser for {@link Format#TELEMETRY}: checks the payload and finds the device id (the key)
 * @param keyLayout for {@link Format#RAW} with the key from the topic: where the device id sits
 * @param keyField for {@link Format#RAW} with the key from the payload: the top-level JSON field
 */
public record Route(String name, List<String> filters, int qos, Format format, String kafkaTopic, TelemetryParser parser,
    TopicLayout keyLayout, String keyField) {

  public enum Format {
    /** Checked with the shared telemetry parser; refusals go to the dead-letter topic. */
    TELEMETRY,
    /** Forwarded byte for byte, never refused: device status, last wills, anything not telemetry. */
    RAW
  }

  public Route {
    filters = List.copyOf(filters);
  }

  /** Whether a message on {@code topic} came in through one of this route's filters. */
  public boolean matches(String topic) {
    for (String f : filters) {
      if (TopicFilter.matches(f, topic)) {
        return true;
      }
    }
    return false;
  }
}
