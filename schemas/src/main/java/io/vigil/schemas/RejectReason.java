package io.vigil.schemas;

/**
 * Why a telemetry message (or one of its fields) was refused. Stable names: they travel in Kafka
 * headers and quarantine rows, and metrics are labelled with them.
 */
public enum RejectReason {
  EMPTY_PAYLOAD,
  OVERSIZED_PAYLOAD,
  INVALID_ENCODING,
  NOT_JSON,
  NOT_AN_OBJECT,
  DUPLICATE_FIELD,
  TOPIC_MISMATCH,
  MISSING_DEVICE_ID,
  INVALID_DEVICE_ID,
  DEVICE_ID_CONFLICT,
  MISSING_TIMESTAMP,
  INVALID_TIMESTAMP,
  TIMESTAMP_OUT_OF_RANGE,
  INVALID_MESSAGE_ID,
  NO_METRICS,
  TOO_MANY_METRICS,
  INVALID_METRIC_NAME,
  MISSING_METRIC_VALUE,
  NON_NUMERIC_METRIC,
  NON_FINITE_METRIC,
  /** A status (last will, availability) topic carried a word that is neither online nor offline. */
  INVALID_STATUS,
  /** The route's payload format has no decoder in this build (Sparkplug B until its decoder lands). */
  UNSUPPORTED_FORMAT
}
