package io.vigil.cli.internal;

import io.vigil.simulator.FaultKind;
import io.vigil.simulator.FaultLabel;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Batch anomaly detections scored against the simulator's labels. An event is right when a
 * labelled spike, level shift or drift of its series (or of its whole device) covers its start,
 * give or take {@code tolerance} (a reading's bucket); a label is found when at least one event is
 * right about it.
 */
public record DetectionScore(int injected, int found, int detected, int correct) {
  /** The labelled faults the batch scorer is meant to find. */
  public static final Set<FaultKind> SCORED_KINDS = Set.of(FaultKind.SPIKE, FaultKind.LEVEL_SHIFT, FaultKind.DRIFT);

  /** One detected anomaly, as far as matching needs it. */
  public record Detection(String device, String metric, String kind, Instant start) {}

  public static DetectionScore of(List<FaultLabel> labels, List<Detection> detections, Duration tolerance) {
    List<FaultLabel> scored = labels.stream().filter(l -> SCORED_KINDS.contains(l.kind())).toList();
    int found = (int) scored.stream().filter(l -> detections.stream().anyMatch(d -> matches(d, l, tolerance))).count();
    int correct = (int) detections.stream().filter(d -> scored.stream().anyMatch(l -> matches(d, l, tolerance))).count();
    return new DetectionScore(scored.size(), found, detections.size(), correct);
  }

  static boolean matches(Detection d, FaultLabel l, Duration tolerance) {
    boolean series = d.device().equals(l.device())
        && (l.metric().equals(FaultLabel.WHOLE_DEVICE) || l.metric().equals(d.metric()));
    Instant from = l.start().minus(tolerance);
    return series && !d.start().isBefore(from) && (l.end() == null || !d.start().isAfter(l.end().plus(tolerance)));
  }

  /** Share of detections that are right; NaN when nothing was detected. */
  public double precision() {
    return detected == 0 ? Double.NaN : (double) correct / detected;
  }

  /** Share of injected faults found; NaN when nothing was injected. */
  public double recall() {
    return injected == 0 ? Double.NaN : (double) found / injected;
  }
}
