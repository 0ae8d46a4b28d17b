package io.vigil.schemas;

/** What an anomaly event reports. Stable names: consumers switch on them. */
public enum AnomalyKind {
  /** Nothing arrived for k times the expected interval. */
  GAP,
  /** Data resumed after a GAP; carries the gap's length. */
  GAP_CLOSED,
  /** A longer silence: the device is considered inactive. */
  INACTIVE,
  /** An inactive device reported again. */
  REAPPEARED,
  /** A device known to the registry that has never reported. */
  NEVER_REPORTED,
  /** The typical reporting interval shifted by the configured factor. */
  FREQUENCY_CHANGE,
  /** A burst of readings arriving long after their event time. */
  LATE_DATA,
  /** A burst of readings whose event times go backwards. */
  OUT_OF_ORDER,
  /** Event times far ahead of arrival: the device clock runs fast. */
  CLOCK_SKEW,
  /** A reading crossed a configured threshold rule. */
  THRESHOLD,
  /** A reading far from its forecast. */
  FORECAST_DEVIATION,
  SPIKE,
  LEVEL_SHIFT,
  DRIFT
}
