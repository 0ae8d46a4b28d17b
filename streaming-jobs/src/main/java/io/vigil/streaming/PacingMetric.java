package io.vigil.streaming;

import java.util.Map;

/**
 * The metric a device's reporting interval is learned from: of the metrics that lead its messages
 * (each message's first measurement), the one seen most often. Its messages come once per report
 * however the device splits a report into messages, so an interval between two of them is the
 * report interval.
 *
 * <p>Why: ESPHome, Home Assistant statestream and Shelly Gen2 status devices publish one message per
 * metric, a report being a burst of messages a fraction of a second apart. Learning from every
 * message took the gap inside a burst for the device's interval (false GAP and FREQUENCY_CHANGE,
 * real cadence changes missed). Devices that send one message per report (Vigil's contract,
 * Tasmota, Zigbee2MQTT, every message carrying all metrics) lead every message with the same metric,
 * so for them this changes nothing.
 *
 * <p>Why the metric seen most, not the first seen: the first may be one sent only on change (a
 * motion sensor's ON/OFF) or a slow one (a battery level every hour), whose intervals say little
 * about the device's cadence. Why not coalescing messages that arrive within a fraction of the
 * learned interval into one report: before an interval is learned there is no fraction to take (the
 * 60 s default would merge a 5 s device's reports), a burst stretched by a busy broker or Home
 * Assistant splits, and an on-change message between reports still counts as one.
 *
 * <p>Every message stays a sign of life: silence is judged on the newest message of any metric.
 */
final class PacingMetric {
  /** Metrics counted per device at most, bounding the state; further metrics never pace. */
  static final int MAX_METRICS = 32;
  /** When the pacing metric's count reaches this, every count is halved: old habits fade, counts stay small. */
  static final long HALVE_AT = 1024;
  /**
   * A metric takes over only when seen this many times as often as the pacing one, so metrics sent
   * at one rate (the messages of a burst) never swap places over a lost message.
   */
  static final long TAKE_OVER = 2;

  private PacingMetric() {}

  /**
   * Counts one message led by {@code metric} (null: a sign of life without one) and says whether
   * it paces. A take-over restarts learning: the intervals so far measured the other metric.
   */
  static boolean observe(DeviceState s, String metric) {
    String key = metric == null ? "" : metric;
    Map<String, Long> counts = s.getMessagesByMetric();
    if (counts.containsKey(key) || counts.size() < MAX_METRICS) {
      counts.merge(key, 1L, Long::sum);
    }
    String pacing = s.getPacingMetric();
    if (pacing == null || takesOver(counts, key, pacing)) {
      if (pacing != null) {
        s.restartLearning();
      }
      s.setPacingMetric(key);
      s.setPacingArrivalMs(0);
    }
    halveIfDue(counts, s.getPacingMetric());
    return key.equals(s.getPacingMetric());
  }

  private static boolean takesOver(Map<String, Long> counts, String key, String pacing) {
    return !key.equals(pacing) && counts.getOrDefault(key, 0L) >= TAKE_OVER * counts.getOrDefault(pacing, 0L);
  }

  private static void halveIfDue(Map<String, Long> counts, String pacing) {
    if (counts.getOrDefault(pacing, 0L) >= HALVE_AT) {
      counts.replaceAll((k, n) -> n / 2);
      counts.values().removeIf(n -> n == 0); // metrics no longer sent leave room for new ones
    }
  }
}
