package io.vigil.schemas;

import java.io.Serializable;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of parsing one message: either accepted, with its measurements (and, in lenient mode,
 * the individual fields that were refused), or rejected as a whole with one {@link Rejection}.
 */
public final class ParseResult implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String deviceId;
  private final List<Measurement> measurements;
  private final List<Rejection> fieldRejections;
  private final Rejection rejection;
  private final TimeSource timeSource;
  private final List<Attribute> attributes;
  private final DeviceStatus deviceStatus;

  private ParseResult(String deviceId, List<Measurement> measurements, List<Rejection> fieldRejections, Rejection rejection,
      TimeSource timeSource, List<Attribute> attributes, DeviceStatus deviceStatus) {
    this.deviceId = deviceId;
    this.measurements = measurements;
    this.fieldRejections = fieldRejections;
    this.rejection = rejection;
    this.timeSource = timeSource;
    this.attributes = attributes;
    this.deviceStatus = deviceStatus;
  }

  public static ParseResult accepted(String deviceId, List<Measurement> measurements, List<Rejection> fieldRejections) {
    return accepted(deviceId, measurements, fieldRejections, TimeSource.PAYLOAD, List.of(), null);
  }

  /**
   * Accepted, with everything a message can carry besides measurements. A message may carry only a
   * device status (a Sparkplug DEATH): it is accepted with no measurements.
   *
   * @param deviceStatus the device's own online/offline statement, or null when it made none
   */
  public static ParseResult accepted(String deviceId, List<Measurement> measurements, List<Rejection> fieldRejections,
      TimeSource timeSource, List<Attribute> attributes, DeviceStatus deviceStatus) {
    return new ParseResult(deviceId, List.copyOf(measurements), List.copyOf(fieldRejections), null,
        java.util.Objects.requireNonNull(timeSource, "timeSource"), List.copyOf(attributes), deviceStatus);
  }

  public static ParseResult rejected(String deviceId, Rejection rejection) {
    return new ParseResult(deviceId, List.of(), List.of(), rejection, TimeSource.PAYLOAD, List.of(), null);
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

  /** Fields refused while the rest of the message was kept (lenient mode only). */
  public List<Rejection> fieldRejections() {
    return fieldRejections;
  }

  /** Why the whole message was refused; empty when accepted. */
  public Optional<Rejection> rejection() {
    return Optional.ofNullable(rejection);
  }

  /** Which clock the event times came from; {@link TimeSource#ARRIVAL} when any reading fell back to arrival time. */
  public TimeSource timeSource() {
    return timeSource;
  }

  /** Non-numeric readings (strings) of an accepted message. */
  public List<Attribute> attributes() {
    return attributes;
  }

  /** The device's own online/offline statement, when the message made one. */
  public Optional<DeviceStatus> deviceStatus() {
    return Optional.ofNullable(deviceStatus);
  }

  @Override
  public String toString() {
    return isAccepted() ? "accepted" + measurements : "rejected(" + rejection + ")";
  }
}
