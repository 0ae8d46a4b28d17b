package io.vigil.simulator;

/**
 * The faults the simulator can inject. Each one that is injected appears in the labels file, so
 * detections can be scored against ground truth.
 */
public enum FaultKind {
  /** The device is silent for a while, then resumes. */
  GAP,
  /** The device stops for good. Its label has no end. */
  DEAD,
  /** The reporting interval changes by a factor from some time on. */
  FREQUENCY_CHANGE,
  /** A single outlier, several sigma away. */
  SPIKE,
  /** A step change in one metric that persists. */
  LEVEL_SHIFT,
  /** A slow linear departure of one metric. */
  DRIFT,
  /** The same message (same id, same ts, same bytes) published twice. */
  DUPLICATE,
  /** A message published well after its event time. */
  LATE,
  /** A message published after its successor. */
  OUT_OF_ORDER,
  /** The device's timestamps run ahead or behind by a fixed offset. */
  CLOCK_SKEW,
  /** A payload that breaks the contract: not JSON, bad value, bad or missing ts, oversized, empty. */
  MALFORMED;

  /** Accepts the enum name in any case, with '-' for '_', and a few short forms (shift, skew, ooo, frequency). */
  public static FaultKind parse(String text) {
    String t = text.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    return switch (t) {
      case "SHIFT" -> LEVEL_SHIFT;
      case "SKEW" -> CLOCK_SKEW;
      case "OOO" -> OUT_OF_ORDER;
      case "FREQUENCY", "FREQ" -> FREQUENCY_CHANGE;
      case "DUP" -> DUPLICATE;
      default -> valueOf(t);
    };
  }
}
