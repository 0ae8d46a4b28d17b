package io.vigil.simulator.internal;

import io.vigil.simulator.FaultKind;
import io.vigil.simulator.SimulatorConfig;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The fault mix: a probability per kind plus the intensities. Probabilities are per device per day
 * for GAP; per device for DEAD, FREQUENCY_CHANGE and CLOCK_SKEW; per metric for LEVEL_SHIFT and DRIFT;
 * per message for the point faults (which exclude each other, so their sum must stay within 1).
 */
public record FaultSettings(Map<FaultKind, Double> probability, double spikeSigma, double shiftSigma, double driftSigma,
    Duration gapMin, Duration gapMax, Duration lateDelay, Duration skewOffset, double frequencyFactor) {

  /** Point faults: decided per message, at most one per message. */
  public static final List<FaultKind> POINT_KINDS =
      List.of(FaultKind.SPIKE, FaultKind.MALFORMED, FaultKind.DUPLICATE, FaultKind.LATE, FaultKind.OUT_OF_ORDER);

  /** The default mix: every kind on, rare enough that a clean signal dominates. */
  public static final Map<FaultKind, Double> DEFAULTS;

  static {
    Map<FaultKind, Double> d = new EnumMap<>(FaultKind.class);
    d.put(FaultKind.GAP, 0.2);
    d.put(FaultKind.DEAD, 0.02);
    d.put(FaultKind.FREQUENCY_CHANGE, 0.05);
    d.put(FaultKind.CLOCK_SKEW, 0.03);
    d.put(FaultKind.LEVEL_SHIFT, 0.03);
    d.put(FaultKind.DRIFT, 0.03);
    d.put(FaultKind.SPIKE, 0.002);
    d.put(FaultKind.MALFORMED, 0.001);
    d.put(FaultKind.DUPLICATE, 0.001);
    d.put(FaultKind.LATE, 0.001);
    d.put(FaultKind.OUT_OF_ORDER, 0.001);
    DEFAULTS = Collections.unmodifiableMap(d);
  }

  public FaultSettings {
    probability = Collections.unmodifiableMap(new EnumMap<>(probability));
  }

  public static FaultSettings from(SimulatorConfig c) {
    return new FaultSettings(parseProbabilities(c.getString(SimulatorConfig.FAULTS)),
        c.getDouble(SimulatorConfig.FAULT_SPIKE_SIGMA), c.getDouble(SimulatorConfig.FAULT_SHIFT_SIGMA),
        c.getDouble(SimulatorConfig.FAULT_DRIFT_SIGMA), c.getDuration(SimulatorConfig.FAULT_GAP_MIN),
        c.getDuration(SimulatorConfig.FAULT_GAP_MAX), c.getDuration(SimulatorConfig.FAULT_LATE_DELAY),
        c.getDuration(SimulatorConfig.FAULT_SKEW_OFFSET), c.getDouble(SimulatorConfig.FAULT_FREQUENCY_FACTOR));
  }

  /**
   * Parses {@code none}, {@code default}, or {@code kind[=p],...}. A list starts from nothing unless
   * it names {@code default}; a kind without {@code =p} gets its default probability.
   *
   * @throws IllegalArgumentException naming the bad part
   */
  public static Map<FaultKind, Double> parseProbabilities(String spec) {
    Map<FaultKind, Double> out = new EnumMap<>(FaultKind.class);
    for (FaultKind k : FaultKind.values()) {
      out.put(k, 0.0);
    }
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("empty");
    }
    String[] parts = spec.split(",");
    for (String raw : parts) {
      if (raw.trim().equalsIgnoreCase("default")) {
        out.putAll(DEFAULTS);
      }
    }
    for (String raw : parts) {
      String part = raw.trim();
      if (part.equalsIgnoreCase("default") || part.equalsIgnoreCase("none")) {
        if (part.equalsIgnoreCase("none") && parts.length > 1) {
          throw new IllegalArgumentException("'none' cannot be combined with other entries");
        }
        continue;
      }
      int eq = part.indexOf('=');
      String name = eq < 0 ? part : part.substring(0, eq);
      FaultKind kind;
      try {
        kind = FaultKind.parse(name);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown fault kind '" + name.trim() + "'");
      }
      double p;
      if (eq < 0) {
        p = DEFAULTS.get(kind);
      } else {
        try {
          p = Double.parseDouble(part.substring(eq + 1).trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("'" + part + "' has no numeric probability");
        }
      }
      if (!(p >= 0 && p <= 1)) {
        throw new IllegalArgumentException("probability of " + name.trim() + " must be in [0, 1]");
      }
      out.put(kind, p);
    }
    double pointSum = POINT_KINDS.stream().mapToDouble(out::get).sum();
    if (pointSum > 1.0) {
      throw new IllegalArgumentException("per-message probabilities (spike, malformed, duplicate, late, ooo) add up to more than 1");
    }
    return out;
  }

  public double p(FaultKind kind) {
    return probability.getOrDefault(kind, 0.0);
  }

  public boolean none() {
    return probability.values().stream().allMatch(p -> p == 0.0);
  }
}
