package io.vigil.simulator;

import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/**
 * One injected fault, as ground truth. Times are on the simulator's true timeline (a message's
 * event time before any clock skew is applied). {@code metric} is {@link #WHOLE_DEVICE} when the
 * fault concerns the whole device. {@code end} is null only for {@link FaultKind#DEAD}; point
 * faults have {@code start == end}.
 */
public record FaultLabel(String device, String metric, FaultKind kind, Instant start, Instant end) {
  public static final String WHOLE_DEVICE = "*";

  /** Labels file order: by start, then device, metric, kind. */
  public static final Comparator<FaultLabel> ORDER = Comparator.comparing(FaultLabel::start)
      .thenComparing(FaultLabel::device).thenComparing(FaultLabel::metric).thenComparing(FaultLabel::kind);

  public FaultLabel {
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(start, "start");
    if (end == null && kind != FaultKind.DEAD) {
      throw new IllegalArgumentException(kind + " label needs an end");
    }
    if (end != null && end.isBefore(start)) {
      throw new IllegalArgumentException("label ends before it starts: " + start + " > " + end);
    }
  }

  public static FaultLabel point(String device, String metric, FaultKind kind, Instant at) {
    return new FaultLabel(device, metric, kind, at, at);
  }

  /** Whether {@code t} lies in [start, end] (for DEAD: at or after start). */
  public boolean covers(Instant t) {
    return !t.isBefore(start) && (end == null || !t.isAfter(end));
  }
}
