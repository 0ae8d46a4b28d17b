package io.vigil.streaming;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How the device watch judges devices. See the {@code device.watch.*} keys of
 * {@link StreamingJobConfig} for what each means.
 *
 * @param defaultInterval expected interval of a device not in the registry until {@code minSamples} intervals were seen
 * @param gapFactor a GAP after {@code gapFactor} x expected interval without data
 * @param minGap floor of the gap threshold (trigger and bridge jitter must not look like a gap)
 * @param inactiveAfter INACTIVE after this much silence (or the gap threshold, if longer)
 * @param minSamples intervals needed before the learned median is trusted; also the length of the
 *     recent window a FREQUENCY_CHANGE is judged on
 * @param intervalWindow how many recent intervals the median covers; bounds the state size
 * @param stateExpiry state of a device silent this long is dropped (logged)
 * @param frequencyFactor FREQUENCY_CHANGE when the recent median interval is this many times longer
 *     or shorter than the reference interval
 * @param lateAfter a reading arriving this long after its event time is late
 * @param clockSkewAfter a reading whose event time is this far ahead of its arrival shows clock skew
 * @param burstMin late or out-of-order readings within {@code burstWindow} that make a burst
 * @param burstWindow how close (in arrival time) the readings of one burst are
 * @param thresholds per-metric rules, at most one per metric
 * @param recheck the trigger interval: how soon a device is looked at again when the read position
 *     lags the wall clock and the watch cannot yet tell a backlog from a silent fleet
 */
public record DeviceWatchSettings(Duration defaultInterval, double gapFactor, Duration minGap, Duration inactiveAfter,
    int minSamples, int intervalWindow, Duration stateExpiry, double frequencyFactor, Duration lateAfter,
    Duration clockSkewAfter, int burstMin, Duration burstWindow, List<ThresholdRule> thresholds, Duration recheck)
    implements Serializable {

  public DeviceWatchSettings {
    Objects.requireNonNull(defaultInterval, "defaultInterval");
    Objects.requireNonNull(minGap, "minGap");
    Objects.requireNonNull(inactiveAfter, "inactiveAfter");
    Objects.requireNonNull(stateExpiry, "stateExpiry");
    Objects.requireNonNull(lateAfter, "lateAfter");
    Objects.requireNonNull(clockSkewAfter, "clockSkewAfter");
    Objects.requireNonNull(burstWindow, "burstWindow");
    Objects.requireNonNull(recheck, "recheck");
    thresholds = List.copyOf(thresholds);
    if (gapFactor < 1 || minSamples < 1 || intervalWindow < minSamples || frequencyFactor <= 1 || burstMin < 1) {
      throw new IllegalArgumentException(
          "gapFactor >= 1, minSamples >= 1, intervalWindow >= minSamples, frequencyFactor > 1, burstMin >= 1 are required");
    }
  }

  /** The defaults of {@link StreamingJobConfig}. */
  public static DeviceWatchSettings defaults() {
    return StreamingJobConfig.defaults().deviceWatchSettings();
  }

  /** Rules by metric name. */
  public Map<String, ThresholdRule> thresholdsByMetric() {
    return thresholds.stream().collect(Collectors.toMap(ThresholdRule::metric, Function.identity()));
  }
}
