package io.vigil.schemas;

/** Which part of Vigil raised an anomaly. */
public enum AnomalySource {
  /** The streaming device watch (gaps, inactivity, frequency, thresholds). */
  STREAM,
  /** The batch forecasting and scoring jobs. */
  BATCH
}
