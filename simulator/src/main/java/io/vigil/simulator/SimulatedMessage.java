package io.vigil.simulator;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * One message as the simulator publishes it.
 *
 * @param deviceId    the device, e.g. {@code dev-0001}
 * @param topic       the MQTT topic it goes to
 * @param payload     the exact bytes published (may deliberately be malformed)
 * @param eventTime   when the reading was taken on the true timeline (the payload's ts may differ
 *                    under clock skew or a malformed ts)
 * @param publishTime when, on the simulated timeline, it is due to be published (later than the
 *                    event time for late and out-of-order messages)
 * @param faults      the fault kinds that shaped this message (empty for a clean message)
 * @param dialect     the payload dialect it is written in
 * @param values      ground truth: the metrics a consumer should read from it, by the name the dialect gives
 *                    them (empty when the payload is broken as a whole; without a broken metric)
 */
public record SimulatedMessage(String deviceId, String topic, byte[] payload, Instant eventTime, Instant publishTime,
    Set<FaultKind> faults, Dialect dialect, Map<String, Double> values) {

  public SimulatedMessage {
    faults = Set.copyOf(faults);
    values = Map.copyOf(values);
  }

  /** A message in Vigil's own dialect, without ground-truth values. */
  public SimulatedMessage(String deviceId, String topic, byte[] payload, Instant eventTime, Instant publishTime,
      Set<FaultKind> faults) {
    this(deviceId, topic, payload, eventTime, publishTime, faults, Dialect.VIGIL, Map.of());
  }

  public String payloadText() {
    return new String(payload, StandardCharsets.UTF_8);
  }
}
