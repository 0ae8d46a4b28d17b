package io.vigil.schemas;

import java.io.Serializable;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of parsing one message: either accepted, with its measurements, the text values
 * that came with them ({@link #attributes()}), a device status, and (in lenient mode) the fields
 * that were refused; or rejected as a whole with one {@link Rejection}. A status-only message (a
 * last will) is accepted with no measurements.
 */
public final class ParseResult implements Serializable {
  private static final long serialVersionUID = 2L;

  private final String deviceId;
  private final List<Measurement> measurements;
  private final List<Attribute> attributes;
  private final List<Rejection> fieldRejections;
  private final Rejection rejection;
  private final TimeSource timeSource;
  private final DeviceStatus deviceStatus;
  private final String dialect;
  private final java.util.Map<String, DeviceStatus> relatedStatuses;

  private ParseResult(String deviceId, List<Measurement> measurements, List<Attribute> attributes, List<Rejection> fieldRejections,
      Rejection rejection, TimeSource timeSource, DeviceStatus deviceStatus, String dialect) {
    this(deviceId, measurements, attributes, fieldRejections, rejection, timeSource, deviceStatus, dialect, java.util.Map.of());
  }

  private ParseResult(String deviceId, List<Measurement> measurements, List<Attribute> attributes, List<Rejection> fieldRejections,
      Rejection rejection, TimeSource timeSource, DeviceStatus deviceStatus, String dialect,
      java.util.Map<String, DeviceStatus> relatedStatuses) {
    this.relatedStatuses = relatedStatuses;
    this.deviceId = deviceId;
    this.measurements = measurements;
    this.attributes = attributes;
    this.fieldRejections = fieldRejections;
    this.rejection = rejection;
    this.timeSource = timeSource;
    this.deviceStatus = deviceStatus;
    this.dialect = dialect;
  }

  /** Readings with their time from the payload, no attributes, no status (Vigil's own dialect). */
  public static ParseResult accepted(String deviceId, List<Measurement> measurements, List<Rejection> fieldRejections) {
    return new ParseResult(deviceId, List.copyOf(measurements), List.of(), List.copyOf(fieldRejections), null,
        TimeSource.PAYLOAD, null, null);
  }

  /** The fast path's result: one object per message, dialect included (the bridge's hot spot). */
  static ParseResult acceptedVigil(String deviceId, List<Measurement> measurements, String dialect) {
    return new ParseResult(deviceId, List.copyOf(measurements), List.of(), List.of(), null, TimeSource.PAYLOAD, null, dialect);
  }

  /**
   * Everything an accepted message can carry.
   *
   * @param deviceStatus null when the message says nothing about the device being up or down
   */
  public static ParseResult accepted(String deviceId, List<Measurement> measurements, List<Attribute> attributes,
      List<Rejection> fieldRejections, TimeSource timeSource, DeviceStatus deviceStatus) {
    return new ParseResult(deviceId, List.copyOf(measurements), List.copyOf(attributes), List.copyOf(fieldRejections), null,
        java.util.Objects.requireNonNull(timeSource, "timeSource"), deviceStatus, null);
  }

  /** A message that only says the device is up or down (a last will, a Sparkplug DDEATH). */
  public static ParseResult status(String deviceId, DeviceStatus status) {
    return new ParseResult(deviceId, List.of(), List.of(), List.of(), null, TimeSource.ARRIVAL,
        java.util.Objects.requireNonNull(status, "status"), null);
  }

  public static ParseResult rejected(String deviceId, Rejection rejection) {
    return new ParseResult(deviceId, List.of(), List.of(), List.of(), rejection, TimeSource.PAYLOAD, null, null);
  }

  /**
   * The same as {@link #accepted(String, List, List, List, TimeSource, DeviceStatus)} in the
   * argument order the Sparkplug B decoder uses.
   */
  public static ParseResult accepted(String deviceId, List<Measurement> measurements, List<Rejection> fieldRejections,
      TimeSource timeSource, List<Attribute> attributes, DeviceStatus deviceStatus) {
    return accepted(deviceId, measurements, attributes, fieldRejections, timeSource, deviceStatus);
  }

  /** This result, naming the payload family (preset) that read it. */
  public ParseResult withDialect(String value) {
    return new ParseResult(deviceId, measurements, attributes, fieldRejections, rejection, timeSource, deviceStatus, value,
        relatedStatuses);
  }

  /**
   * This result, also stating the status of other devices (device id to status, in that order): a
   * Sparkplug B NDEATH takes the devices behind its edge node down with it.
   */
  public ParseResult withRelatedStatuses(java.util.Map<String, DeviceStatus> statuses) {
    return new ParseResult(deviceId, measurements, attributes, fieldRejections, rejection, timeSource, deviceStatus, dialect,
        java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(statuses)));
  }

  public boolean isAccepted() {
    return rejection == null;
  }

  /** The device id, when it could be determined (also for many rejections). */
  public Optional<String> deviceId() {
    return Optional.ofNullable(deviceId);
  }

  public List<Measurement> measurements() {
    return measurements;
  }

  /** Text values of the message (strings are kept, not refused, unless the mapping says so). */
  public List<Attribute> attributes() {
    return attributes;
  }

  /** Which clock the event times came from. */
  public TimeSource timeSource() {
    return timeSource;
  }

  /** The device's up/down state, when the message says it. */
  public Optional<DeviceStatus> deviceStatus() {
    return Optional.ofNullable(deviceStatus);
  }

  /**
   * What the message says about devices other than its own, by device id (empty for nearly every
   * message): the devices behind a Sparkplug B edge node whose NDEATH this is, each OFFLINE.
   */
  public java.util.Map<String, DeviceStatus> relatedStatuses() {
    return relatedStatuses;
  }

  /**
   * The payload family that read the message: the preset's name ({@code vigil}, {@code zigbee2mqtt},
   * ...), {@code custom} for a mapping set key by key; null only on results built outside the parser.
   */
  public String dialect() {
    return dialect;
  }

  /** Fields refused while the rest of the message was kept (lenient mode only). */
  public List<Rejection> fieldRejections() {
    return fieldRejections;
  }

  /** Why the whole message was refused; empty when accepted. */
  public Optional<Rejection> rejection() {
    return Optional.ofNullable(rejection);
  }

  @Override
  public String toString() {
    if (!isAccepted()) {
      return "rejected(" + rejection + ")";
    }
    return "accepted" + measurements + (attributes.isEmpty() ? "" : " attributes" + attributes)
        + (deviceStatus == null ? "" : " status " + deviceStatus)
        + (relatedStatuses.isEmpty() ? "" : " related " + relatedStatuses) + " time from " + timeSource;
  }
}
