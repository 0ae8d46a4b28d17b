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
  /** A Sparkplug B payload that is not a valid protobuf Payload. */
  NOT_PROTOBUF,
  /** A Sparkplug B message type that carries no telemetry (STATE, NCMD, DCMD). */
  NOT_TELEMETRY,
  /** A Sparkplug B metric sent by alias only, whose name no BIRTH seen by the bridge gave. */
  UNKNOWN_ALIAS,
  /** A Sparkplug B metric of a type that is no number and no text (DataSet, Template, Bytes, File, arrays). */
  UNSUPPORTED_METRIC_TYPE
}
