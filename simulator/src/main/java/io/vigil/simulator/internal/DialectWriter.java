package io.vigil.simulator.internal;

import java.util.List;
import java.util.Map;

/**
 * Turns one device's readings into the messages its firmware publishes. One instance per device, so a
 * writer may keep state (an energy counter, a battery, Sparkplug's sequence numbers and births).
 */
public interface DialectWriter {

  /**
   * One reading as the device reports it.
   *
   * @param eventMs     the true event time
   * @param tsMs        the device's (or network server's) time for it: event time plus any clock skew
   * @param seq         the device's message counter, from 1
   * @param values      readings aligned with the profile's metrics, already rounded
   * @param bad         how to break the payload (already adapted to the dialect), or null
   * @param badMetric   the metric a per-metric malformation (and, in scalar dialects, any malformation) hits
   * @param textVariant NOT_JSON: a key=value line rather than a truncated object
   */
  record Sample(long eventMs, long tsMs, long seq, double[] values, Malformation bad, int badMetric, boolean textVariant) {

    /** The time as reported, with TS_1970 / TS_2999 applied. */
    long reportedMs() {
      return PayloadWriter.reportedMs(tsMs, bad);
    }

    /** The same reading without a malformation that breaks a payload as a whole (for a reading's other messages). */
    Sample withoutWholeBreak() {
      return bad == null || bad.perMetric() ? this : new Sample(eventMs, tsMs, seq, values, null, badMetric, textVariant);
    }
  }

  /**
   * One MQTT message.
   *
   * @param values the metrics it carries as a consumer should read them (metric name to value); empty when
   *               the payload is broken as a whole, without the broken metric when one is
   */
  record Publication(String topic, byte[] payload, Map<String, Double> values) {}

  /** The messages one reading goes out as, in publish order (several for scalar dialects). */
  List<Publication> write(Sample sample);

  /**
   * What the device publishes once, just before its first reading (Sparkplug's NBIRTH and DBIRTH): sent
   * at that reading's event time, never delayed, duplicated or broken, since every later message relies
   * on it. None by default.
   */
  default List<Publication> start(Sample first) {
    return List.of();
  }

  /**
   * What the device publishes when it dies (Sparkplug's DDEATH), at {@code atMs}, the time its first
   * missing reading was due. None by default: most families just fall silent.
   */
  default List<Publication> death(long atMs) {
    return List.of();
  }
}
