package io.vigil.schemas;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One anomaly, in the contract every producer (stream, batch) and consumer shares. The JSON form is
 * documented by {@code json-schema/anomaly-event.v1.schema.json}.
 *
 * <p>{@code eventId} is deterministic: it is derived from what the anomaly is (kind, device, metric,
 * where it starts), not from when it was detected, so a re-detection or a redelivery carries the
 * same id and consumers can deduplicate on it.
 *
 * @param start when the anomalous condition began (for a GAP: the last reading before the silence)
 * @param end when it ended, null while it lasts or for a point anomaly
 * @param detectedAt when Vigil noticed it
 * @param value the observed value or measure (gap length in seconds, new interval, reading), if any
 * @param expected what was expected instead (expected interval, forecast, threshold), if any
 * @param score anomaly score in [0, 1], if the detector produces one
 * @param modelVersion the model that scored it (batch), null for rule-based detections
 * @param attributes extra detector-specific facts, string to string
 */
public record AnomalyEvent(
    String eventId,
    AnomalyKind kind,
    AnomalySource source,
    Severity severity,
    String deviceId,
    String metric,
    Instant start,
    Instant end,
    Instant detectedAt,
    Double value,
    Double expected,
    Double score,
    String modelVersion,
    String message,
    Map<String, String> attributes) implements Serializable {

  public static final int SCHEMA_VERSION = 1;

  public AnomalyEvent {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(detectedAt, "detectedAt");
    Objects.requireNonNull(message, "message");
    if (score != null && (score < 0 || score > 1 || score.isNaN())) {
      throw new IllegalArgumentException("score must be in [0, 1], was " + score);
    }
    attributes = attributes == null ? Map.of() : Map.copyOf(new TreeMap<>(attributes));
  }

  /**
   * The deterministic id of an anomaly: a name-based UUID (SHA-1, RFC 4122 version 5 layout) over
   * kind, source, device, metric and start instant.
   */
  public static String idFor(AnomalyKind kind, AnomalySource source, String deviceId, String metric, Instant start) {
    String name = kind.name() + '|' + source.name() + '|' + deviceId + '|' + (metric == null ? "" : metric) + '|' + start.toEpochMilli();
    try {
      byte[] hash = MessageDigest.getInstance("SHA-1").digest(name.getBytes(StandardCharsets.UTF_8));
      hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
      hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
      long msb = 0;
      long lsb = 0;
      for (int i = 0; i < 8; i++) {
        msb = (msb << 8) | (hash[i] & 0xff);
        lsb = (lsb << 8) | (hash[i + 8] & 0xff);
      }
      return new UUID(msb, lsb).toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required by every Java platform", e);
    }
  }

  /** Starts an event whose id is derived from its identity. */
  public static Builder builder(AnomalyKind kind, AnomalySource source, String deviceId, String metric, Instant start) {
    return new Builder(kind, source, deviceId, metric, start);
  }

  /** Collects the optional parts of an event. */
  public static final class Builder {
    private final AnomalyKind kind;
    private final AnomalySource source;
    private final String deviceId;
    private final String metric;
    private final Instant start;
    private Severity severity = Severity.WARNING;
    private Instant end;
    private Instant detectedAt;
    private Double value;
    private Double expected;
    private Double score;
    private String modelVersion;
    private String message;
    private final Map<String, String> attributes = new TreeMap<>();

    private Builder(AnomalyKind kind, AnomalySource source, String deviceId, String metric, Instant start) {
      this.kind = kind;
      this.source = source;
      this.deviceId = deviceId;
      this.metric = metric;
      this.start = start;
    }

    public Builder severity(Severity v) { severity = v; return this; }
    public Builder end(Instant v) { end = v; return this; }
    public Builder detectedAt(Instant v) { detectedAt = v; return this; }
    public Builder value(Double v) { value = v; return this; }
    public Builder expected(Double v) { expected = v; return this; }
    public Builder score(Double v) { score = v; return this; }
    public Builder modelVersion(String v) { modelVersion = v; return this; }
    public Builder message(String v) { message = v; return this; }
    public Builder attribute(String k, Object v) { attributes.put(k, String.valueOf(v)); return this; }

    public AnomalyEvent build() {
      return new AnomalyEvent(idFor(kind, source, deviceId, metric, start), kind, source, severity, deviceId, metric,
          start, end, detectedAt, value, expected, score, modelVersion, message, attributes);
    }
  }
}
