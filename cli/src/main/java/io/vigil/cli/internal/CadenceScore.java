package io.vigil.cli.internal;

import io.vigil.schemas.AnomalyEvent;
import io.vigil.schemas.AnomalyKind;
import io.vigil.simulator.FaultKind;
import io.vigil.simulator.FaultLabel;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Injected frequency changes against the device watch's FREQUENCY_CHANGE events, matched per
 * device as the demo matches silences against GAPs: a device with a FREQUENCY_CHANGE label and a
 * FREQUENCY_CHANGE event is found, a device with an event and no label is a false alarm.
 *
 * <p>Only some changes can be seen in a short run: the watch first learns a device's cadence from
 * {@code minSamples} intervals, then needs {@code minSamples} more before it compares, and a
 * majority of the newest ones on the new cadence. {@code mustDetect} holds the changes that leave
 * time for all that before the fleet stops, with a margin for jitter and pacing, on a device no
 * silence interrupted (a silence makes the watch set the intervals around it aside); the others may
 * be found, and are not counted missed when they are not.
 *
 * @param injected devices whose cadence the simulator changed
 * @param mustDetect those the watch has to flag in this run
 * @param detected devices with a FREQUENCY_CHANGE event
 */
public record CadenceScore(Set<String> injected, Set<String> mustDetect, Set<String> detected) {
  /** Jitter (up to 20% of an interval between two readings) and pacing under load. */
  static final double SLACK = 1.25;

  public CadenceScore {
    injected = Set.copyOf(injected);
    mustDetect = Set.copyOf(mustDetect);
    detected = Set.copyOf(detected);
  }

  /**
   * @param labels the live run's labels
   * @param baseIntervals each device's interval before any change
   * @param changeFactor the simulator's frequency factor (new interval = base times or divided by it)
   * @param minSamples the device watch's {@code min.samples}
   * @param liveStart when live traffic began
   * @param liveEnd when the fleet stopped
   * @param events the device watch's events of the run
   */
  public static CadenceScore of(List<FaultLabel> labels, Map<String, Duration> baseIntervals, double changeFactor,
      int minSamples, Instant liveStart, Instant liveEnd, Collection<AnomalyEvent> events) {
    Set<String> injected = labels.stream().filter(l -> l.kind() == FaultKind.FREQUENCY_CHANGE)
        .map(FaultLabel::device).collect(Collectors.toCollection(TreeSet::new));
    Set<String> must = new TreeSet<>();
    for (FaultLabel l : labels) {
      if (l.kind() != FaultKind.FREQUENCY_CHANGE || !baseIntervals.containsKey(l.device())) {
        continue;
      }
      Instant deadline = detectableBy(l.start(), baseIntervals.get(l.device()), changeFactor, minSamples, liveStart);
      if (deadline == null || deadline.isAfter(liveEnd)) {
        continue;
      }
      boolean silenced = labels.stream().anyMatch(s -> s.device().equals(l.device())
          && (s.kind() == FaultKind.GAP || s.kind() == FaultKind.DEAD) && s.start().isBefore(deadline));
      if (!silenced) {
        must.add(l.device());
      }
    }
    Set<String> detected = events.stream().filter(e -> e.kind() == AnomalyKind.FREQUENCY_CHANGE)
        .map(AnomalyEvent::deviceId).collect(Collectors.toCollection(TreeSet::new));
    return new CadenceScore(injected, must, detected);
  }

  /**
   * When the watch has certainly seen a change that began at {@code onset}, or null when the watch
   * cannot yet know the old cadence then. Worst case throughout: every interval after the reference
   * is on the slower side of the change.
   */
  static Instant detectableBy(Instant onset, Duration base, double changeFactor, int minSamples, Instant liveStart) {
    double b = base.toMillis() * SLACK;
    double slowest = b * changeFactor;
    // The first live reading follows the backfill, so its interval says nothing: one more than min.samples.
    Instant reference = liveStart.plusMillis(Math.round((minSamples + 1) * b));
    if (onset.isBefore(reference)) {
      return null;
    }
    // A majority of the newest min.samples on the new cadence, and min.samples since the reference.
    long majority = minSamples / 2 + 2;
    Instant byMajority = onset.plusMillis(Math.round(majority * slowest));
    Instant bySamples = reference.plusMillis(Math.round(minSamples * slowest));
    return byMajority.isAfter(bySamples) ? byMajority : bySamples;
  }

  public Set<String> missed() {
    Set<String> out = new TreeSet<>(mustDetect);
    out.removeAll(detected);
    return out;
  }

  public Set<String> found() {
    Set<String> out = new TreeSet<>(injected);
    out.retainAll(detected);
    return out;
  }

  public Set<String> falseAlarms() {
    Set<String> out = new TreeSet<>(detected);
    out.removeAll(injected);
    return out;
  }

  /** The summary's lines. */
  public String render() {
    return String.format("Cadence     frequency changed on %s (must be flagged: %s); flagged with FREQUENCY_CHANGE: %s%n"
        + "            missed: %s, false alarms: %s", new TreeSet<>(injected), new TreeSet<>(mustDetect),
        new TreeSet<>(detected), missed(), falseAlarms());
  }
}
