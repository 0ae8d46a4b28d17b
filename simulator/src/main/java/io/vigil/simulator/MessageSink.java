package io.vigil.simulator;

/**
 * Where simulated messages go: an MQTT broker, a JSONL file, or a counter. Implementations count
 * what they delivered and what failed.
 */
public interface MessageSink extends AutoCloseable {
  /** Hands one message over; may block while the sink is saturated. */
  void send(SimulatedMessage message);

  /** Waits until everything handed over is delivered or has failed (for MQTT QoS 1/2: acknowledged). */
  void flush();

  /** Messages confirmed delivered. */
  long delivered();

  /** Messages that could not be delivered. */
  long failed();

  @Override
  void close();
}
