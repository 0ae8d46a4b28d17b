package io.vigil.streaming;

import java.io.Serializable;
import java.util.Objects;

/**
 * A per-metric limit from {@code device.watch.threshold.<name>.*}: a reading of {@code metric}
 * above {@code above} or below {@code below} starts an excursion, which raises one THRESHOLD event
 * until a reading is back within the limits.
 *
 * @param above upper limit, null for none
 * @param below lower limit, null for none
 */
public record ThresholdRule(String name, String metric, Double above, Double below) implements Serializable {
  public ThresholdRule {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(metric, "metric");
    if (above == null && below == null) {
      throw new IllegalArgumentException("rule " + name + " needs above or below");
    }
  }

  /** The limit {@code value} crosses, or null when it is within limits. */
  public Double crossed(double value) {
    if (above != null && value > above) {
      return above;
    }
    if (below != null && value < below) {
      return below;
    }
    return null;
  }
}
