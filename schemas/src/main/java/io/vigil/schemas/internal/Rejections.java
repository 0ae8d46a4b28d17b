package io.vigil.schemas.internal;

import io.vigil.schemas.ParserOptions;
import io.vigil.schemas.RejectReason;
import io.vigil.schemas.Rejection;
import io.vigil.schemas.TopicLayout;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * The one place rejection messages are worded: what was wrong, where (field or topic), and how the
 * device should send it instead. These messages end up in dead-letter headers and quarantine rows
 * that operators read.
 */
public final class Rejections {
  private Rejections() {}

  private static Rejection of(RejectReason reason, String field, String message) {
    return new Rejection(reason, field, message);
  }

  public static Rejection topicMismatch(String topic, TopicLayout layout) {
    return of(RejectReason.TOPIC_MISMATCH, "topic",
        "Topic '" + topic + "' does not fit the layout '" + layout + "', so no device id can be read from it."
            + " Publish on " + layout.subscriptionFilter() + " or change the topic layout setting.");
  }

  public static Rejection emptyPayload() {
    return of(RejectReason.EMPTY_PAYLOAD, null, "The payload is empty. Send a JSON object such as {\"ts\": 1732240000000, \"temperature\": 21.5}.");
  }

  public static Rejection oversized(int size, int limit) {
    return of(RejectReason.OVERSIZED_PAYLOAD, null,
        "The payload is " + size + " bytes, over the limit of " + limit + " bytes. Split it into several messages or raise the max payload setting.");
  }

  public static Rejection invalidEncoding() {
    return of(RejectReason.INVALID_ENCODING, null, "The payload is not valid UTF-8. Encode the JSON text as UTF-8.");
  }

  public static Rejection notJson(String detail) {
    return of(RejectReason.NOT_JSON, null, "The payload is not valid JSON (" + detail + "). Send one JSON object per message.");
  }

  public static Rejection notAnObject(String kind) {
    return of(RejectReason.NOT_AN_OBJECT, null,
        "The payload is JSON " + kind + ", not an object. Send {\"ts\": ..., \"<metric>\": <number>} or {\"ts\": ..., \"metrics\": {...}}.");
  }

  public static Rejection duplicateField(String detail) {
    return of(RejectReason.DUPLICATE_FIELD, null, "The payload names a field twice (" + detail + "). Send each field once.");
  }

  public static Rejection missingDeviceId(String topic, ParserOptions options) {
    return of(RejectReason.MISSING_DEVICE_ID, options.deviceIdField(),
        "No device id: topic '" + topic + "' does not carry one under the layout '" + options.topicLayout()
            + "' and the payload has no '" + options.deviceIdField() + "' field. Publish on "
            + options.topicLayout().subscriptionFilter() + " or add the field.");
  }

  public static Rejection invalidDeviceId(String field, String value, Pattern pattern) {
    return of(RejectReason.INVALID_DEVICE_ID, field,
        "Device id " + abbreviate(value) + " (from " + field + ") does not match " + pattern.pattern()
            + ". Use letters, digits and . _ : - (up to 128 characters), starting with a letter or digit.");
  }

  public static Rejection deviceIdConflict(String fromTopic, String fromPayload, String field) {
    return of(RejectReason.DEVICE_ID_CONFLICT, field,
        "The topic names device '" + fromTopic + "' but the payload's '" + field + "' says '" + abbreviate(fromPayload)
            + "'. Publish each device's data on its own topic, or drop the field.");
  }

  public static Rejection missingTimestamp() {
    return of(RejectReason.MISSING_TIMESTAMP, "ts",
        "The payload has no 'ts' field. Add the event time as epoch milliseconds or an ISO-8601 instant such as \"2026-11-22T10:15:30Z\".");
  }

  /** No candidate timestamp field under a payload mapping that refuses messages without one. */
  public static Rejection missingTimestamp(java.util.List<String> candidates) {
    String first = candidates.isEmpty() ? null : candidates.get(0);
    return of(RejectReason.MISSING_TIMESTAMP, first,
        "The payload has none of the timestamp fields " + candidates + ". Send the event time in one of them, list the field"
            + " the device uses in the mapping's timestamp.fields, or set timestamp.missing=arrival to use the arrival time.");
  }

  public static Rejection invalidTimestamp(String field, String value, String why) {
    return of(RejectReason.INVALID_TIMESTAMP, field,
        "'" + field + "' is " + abbreviate(value) + ": " + why
            + ". Send epoch milliseconds (an integer) or an ISO-8601 instant with a zone, such as \"2026-11-22T10:15:30Z\".");
  }

  public static Rejection timestampOutOfRange(String field, long millis, Instant earliest, Instant latest, String hint) {
    return of(RejectReason.TIMESTAMP_OUT_OF_RANGE, field,
        "'" + field + "' is " + describe(millis) + ", outside the plausible range " + earliest + " .. " + latest
            + (hint == null ? "" : " (" + hint + ")") + ". Set the device's clock (NTP) or fix how it encodes time.");
  }

  public static Rejection invalidMessageId(String field, String why) {
    return of(RejectReason.INVALID_MESSAGE_ID, field, "The message id is unusable: " + why + ".");
  }

  public static Rejection noMetrics(boolean nested) {
    return of(RejectReason.NO_METRICS, nested ? "metrics" : null,
        nested ? "'metrics' is empty. Put at least one \"<name>\": <number> in it."
            : "The payload has no metric fields, only reserved ones. Add at least one \"<name>\": <number>.");
  }

  /** A mapped payload with no numeric reading under its metrics root. */
  public static Rejection noMetricsMapped(String root, int attributes, boolean rootMissing) {
    String where = root == null || root.isEmpty() ? "The payload" : "'" + root + "'";
    if (rootMissing) {
      return of(RejectReason.NO_METRICS, root,
          "The payload has no object at '" + root + "', the mapping's metrics root. Check metrics.root against what the device sends.");
    }
    return of(RejectReason.NO_METRICS, root == null || root.isEmpty() ? null : root,
        where + " has no numeric reading" + (attributes > 0 ? " (only " + attributes + " text value(s))" : "")
            + ". Send at least one number or boolean, or widen metrics.include / metrics.exclude.");
  }

  public static Rejection invalidStatus(String topic, String value) {
    return of(RejectReason.INVALID_STATUS, "topic",
        "Status topic '" + topic + "' carried " + abbreviate(value) + ", which is neither online nor offline."
            + " Send online/offline, Online/Offline, true/false or {\"state\": \"online\"}.");
  }

  public static Rejection unsupportedFormat(String format) {
    return of(RejectReason.UNSUPPORTED_FORMAT, null,
        "Payloads in format " + format + " cannot be read by this build. Route them with format=raw until the decoder is available.");
  }

  public static Rejection tooManyMetrics(int limit) {
    return of(RejectReason.TOO_MANY_METRICS, null, "The payload has more than " + limit + " metrics. Split it or raise the max metrics setting.");
  }

  public static Rejection invalidMetricName(String path, String name) {
    return of(RejectReason.INVALID_METRIC_NAME, path,
        "Metric name '" + abbreviate(name) + "' is not allowed. Use a letter or _ first, then letters, digits and _ . : - (up to 128 characters).");
  }

  public static Rejection missingMetricValue(String path) {
    return of(RejectReason.MISSING_METRIC_VALUE, path, "Metric '" + path + "' is null. Leave the metric out when there is no reading.");
  }

  public static Rejection nonNumeric(String path, String expected, String actual) {
    return of(RejectReason.NON_NUMERIC_METRIC, path,
        "'" + path + "' is " + actual + ", expected " + expected + ". Send metrics as JSON numbers (booleans as 0 or 1)"
            + " or list non-metric fields in the ignored fields setting.");
  }

  public static Rejection nonFinite(String path, String value) {
    return of(RejectReason.NON_FINITE_METRIC, path,
        "'" + path + "' is " + value + ", not a finite number. Leave the metric out when the sensor has no valid reading.");
  }

  private static String describe(long millis) {
    try {
      return millis + " (" + Instant.ofEpochMilli(millis) + ")";
    } catch (java.time.DateTimeException e) {
      return Long.toString(millis);
    }
  }

  private static String abbreviate(String s) {
    String q = "'" + s + "'";
    return q.length() <= 62 ? q : q.substring(0, 58) + "...'";
  }
}
