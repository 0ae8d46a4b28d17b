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

  private ParseResult(String deviceId, List<Measurement> measurements, List<Rejection> fieldRejections, Rejection rejection) {
    this.deviceId = deviceId;
    this.measurements = measurements;
    this.fieldRejections = fieldRejections;
    this.rejection = rejection;
  }

  public static ParseResult accepted(String deviceId, List<Measurement> measurements, List<Rejection> fieldRejections) {
    return new ParseResult(deviceId, List.copyOf(measurements), List.copyOf(fieldRejections), null);
  }

  public static ParseResult rejected(String deviceId, Rejection rejection) {
    return new ParseResult(deviceId, List.of(), List.of(), rejection);
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

  @Override
  public String toString() {
    return isAccepted() ? "accepted" + measurements : "rejected(" + rejection + ")";
  }
}
