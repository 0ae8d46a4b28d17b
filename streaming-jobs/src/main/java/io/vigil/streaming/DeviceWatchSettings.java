package io.vigil.streaming;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * How the device watch judges silence. See the {@code device.watch.*} keys of
 * {@link StreamingJobConfig} for what each means.
 *
 * @param defaultInterval expected interval until {@code minSamples} intervals were seen
 * @param gapFactor a GAP after {@code gapFactor} x expected interval without data
 * @param minGap floor of the gap threshold (trigger and bridge jitter must not look like a gap)
 * @param inactiveAfter INACTIVE after this much silence (or the gap threshold, if longer)
 * @param minSamples intervals needed before the learned median is trusted
 * @param intervalWindow how many recent intervals the median covers; bounds the state size
 * @param stateExpiry state of a device silent this long is dropped
 */
public record DeviceWatchSettings(Duration defaultInterval, double gapFactor, Duration minGap, Duration inactiveAfter,
    int minSamples, int intervalWindow, Duration stateExpiry) implements Serializable {

  public DeviceWatchSettings {
    Objects.requireNonNull(defaultInterval, "defaultInterval");
    Objects.requireNonNull(minGap, "minGap");
    Objects.requireNonNull(inactiveAfter, "inactiveAfter");
    Objects.requireNonNull(stateExpiry, "stateExpiry");
    if (gapFactor < 1 || minSamples < 1 || intervalWindow < 1) {
      throw new IllegalArgumentException("gapFactor >= 1, minSamples >= 1 and intervalWindow >= 1 are required");
    }
  }

  /** The defaults of {@link StreamingJobConfig}. */
  public static DeviceWatchSettings defaults() {
    return StreamingJobConfig.defaults().deviceWatchSettings();
  }
}
