package io.vigil.schemas;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The limits the telemetry parser enforces. The defaults suit most fleets; every service exposes
 * them as config keys.
 *
 * @param topicLayout where the device id sits in the MQTT topic
 * @param deviceIdSource whether the device id comes from the topic, the payload field, or either
 * @param deviceIdField the payload field holding the device id, when the payload carries one
 * @param deviceIdPattern what a valid device id looks like
 * @param maxPayloadBytes larger payloads are refused before parsing
 * @param maxMetrics more metrics than this in one message are refused
 * @param earliest event times before this are absurd (a device whose clock was never set)
 * @param maxFutureSkew event times further ahead of arrival than this are absurd
 * @param strict refuse the whole message when one metric is bad; otherwise keep the good ones
 * @param ignoredFields flat-payload fields that are not metrics (firmware version, say)
 * @param mapping where time and readings sit in the payload; {@link PayloadMapping#VIGIL} by default
 */
public record ParserOptions(
    TopicLayout topicLayout,
    DeviceIdSource deviceIdSource,
    String deviceIdField,
    Pattern deviceIdPattern,
    int maxPayloadBytes,
    int maxMetrics,
    Instant earliest,
    Duration maxFutureSkew,
    boolean strict,
    Set<String> ignoredFields,
    PayloadMapping mapping) implements Serializable {

  public enum DeviceIdSource { TOPIC, PAYLOAD, TOPIC_OR_PAYLOAD }

  public static final String DEFAULT_DEVICE_ID_PATTERN = "[A-Za-z0-9][A-Za-z0-9._:-]{0,127}";
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 64 * 1024;

  public ParserOptions {
    Objects.requireNonNull(topicLayout, "topicLayout");
    Objects.requireNonNull(deviceIdSource, "deviceIdSource");
    Objects.requireNonNull(deviceIdPattern, "deviceIdPattern");
    Objects.requireNonNull(earliest, "earliest");
    Objects.requireNonNull(maxFutureSkew, "maxFutureSkew");
    ignoredFields = Set.copyOf(ignoredFields);
    Objects.requireNonNull(mapping, "mapping");
  }

  /** Vigil's own dialect, as before payload mappings existed. */
  public ParserOptions(TopicLayout topicLayout, DeviceIdSource deviceIdSource, String deviceIdField, Pattern deviceIdPattern,
      int maxPayloadBytes, int maxMetrics, Instant earliest, Duration maxFutureSkew, boolean strict, Set<String> ignoredFields) {
    this(topicLayout, deviceIdSource, deviceIdField, deviceIdPattern, maxPayloadBytes, maxMetrics, earliest, maxFutureSkew, strict,
        ignoredFields, PayloadMapping.VIGIL);
  }

  public static ParserOptions defaults() {
    return new ParserOptions(TopicLayout.DEFAULT, DeviceIdSource.TOPIC_OR_PAYLOAD, "deviceId",
        Pattern.compile(DEFAULT_DEVICE_ID_PATTERN), DEFAULT_MAX_PAYLOAD_BYTES, 1000,
        Instant.parse("2000-01-01T00:00:00Z"), Duration.ofDays(1), true, Set.of());
  }

  public ParserOptions withTopicLayout(TopicLayout layout) {
    return new ParserOptions(layout, deviceIdSource, deviceIdField, deviceIdPattern, maxPayloadBytes, maxMetrics,
        earliest, maxFutureSkew, strict, ignoredFields, mapping);
  }

  public ParserOptions withStrict(boolean value) {
    return new ParserOptions(topicLayout, deviceIdSource, deviceIdField, deviceIdPattern, maxPayloadBytes, maxMetrics,
        earliest, maxFutureSkew, value, ignoredFields, mapping);
  }

  public ParserOptions withMaxPayloadBytes(int value) {
    return new ParserOptions(topicLayout, deviceIdSource, deviceIdField, deviceIdPattern, value, maxMetrics,
        earliest, maxFutureSkew, strict, ignoredFields, mapping);
  }

  public ParserOptions withDeviceIdSource(DeviceIdSource value) {
    return new ParserOptions(topicLayout, value, deviceIdField, deviceIdPattern, maxPayloadBytes, maxMetrics,
        earliest, maxFutureSkew, strict, ignoredFields, mapping);
  }

  public ParserOptions withDeviceIdField(String value) {
    return new ParserOptions(topicLayout, deviceIdSource, value, deviceIdPattern, maxPayloadBytes, maxMetrics,
        earliest, maxFutureSkew, strict, ignoredFields, mapping);
  }

  public ParserOptions withIgnoredFields(Set<String> value) {
    return new ParserOptions(topicLayout, deviceIdSource, deviceIdField, deviceIdPattern, maxPayloadBytes, maxMetrics,
        earliest, maxFutureSkew, strict, value, mapping);
  }

  public ParserOptions withMapping(PayloadMapping value) {
    return new ParserOptions(topicLayout, deviceIdSource, deviceIdField, deviceIdPattern, maxPayloadBytes, maxMetrics,
        earliest, maxFutureSkew, strict, ignoredFields, value);
  }

  /**
   * These options with a device family's preset: its topic layout, where its device id is, and its
   * payload mapping. Names: {@link #PRESETS}.
   *
   * @throws io.vigil.common.VigilException naming the presets when {@code name} is none of them
   */
  public ParserOptions withPreset(String name) {
    return io.vigil.schemas.internal.Presets.apply(this, name);
  }

  /**
   * The preset names {@link #withPreset} knows; {@code sparkplug-b} is reserved for the Sparkplug
   * decoder; {@code auto} reads each message by the family its topic names
   * ({@link ParseResult#dialect()} says which).
   */
  public static final java.util.List<String> PRESETS = io.vigil.schemas.internal.Presets.NAMES;

  public ParserOptions withMaxFutureSkew(Duration value) {
    return new ParserOptions(topicLayout, deviceIdSource, deviceIdField, deviceIdPattern, maxPayloadBytes, maxMetrics,
        earliest, value, strict, ignoredFields, mapping);
  }
}
