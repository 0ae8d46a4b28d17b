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
   * An accepted message with everything it carried. A status-only message (a last will, a Sparkplug
   * death certificate) is accepted with no measurements.
   *
   * @param deviceStatus null when the message says nothing about the connection
   */
  public static ParseResult accepted(String deviceId, List<Measurement> measurements, List<Rejection> fieldRejections,
      TimeSource timeSource, List<Attribute> attributes, DeviceStatus deviceStatus) {
    return new ParseResult(deviceId, List.copyOf(measurements), List.copyOf(fieldRejections), null, timeSource,
        List.copyOf(attributes), deviceStatus);
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

  /** Which clock the measurements' event time came from. */
  public TimeSource timeSource() {
    return timeSource;
  }

  /** Strings the message carried next to its readings, for the same device. */
  public List<Attribute> attributes() {
    return attributes;
  }

  /** What the message says about the device's connection, if anything. */
  public Optional<DeviceStatus> deviceStatus() {
    return Optional.ofNullable(deviceStatus);
  }

  /** Why the whole message was refused; empty when accepted. */
  public Optional<Rejection> rejection() {
    return Optional.ofNullable(rejection);
  }

  @Override
  public String toString() {
    return isAccepted() ? "accepted" + measurements : "rejected(" + rejection + ")";
  }
}
