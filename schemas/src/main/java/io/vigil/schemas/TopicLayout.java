package io.vigil.schemas;

import io.vigil.common.VigilErrors;
import io.vigil.common.VigilException;
import io.vigil.common.config.Validator;
import java.io.Serializable;
import java.util.Optional;

/**
 * Where the device id sits in an MQTT topic, written as a template such as
 * {@code devices/{deviceId}/telemetry}. Other segments must match literally; {@code +} matches any
 * one segment. The same template gives the MQTT subscription filter.
 *
 * <p>A {@code {metric}} segment names the metric of a scalar payload (ESPHome's
 * {@code {deviceId}/+/{metric}/state}, where the payload is the bare {@code 21.5}) or prefixes the
 * readings of an object payload (Shelly's {@code {deviceId}/status/{metric}} gives
 * {@code switch:0.apower}). It may appear in several segments, joined with {@code .}: Home
 * Assistant's {@code {deviceId}/{metric}/{metric}/state} names the metric after the entity id,
 * {@code sensor.outdoor_temperature}.
 *
 * <p>{@code {deviceId}} may likewise span several segments, joined with {@value #DEVICE_JOIN} (a
 * character device ids allow, unlike {@code /}): OwnTracks' {@code owntracks/{deviceId}/{deviceId}}
 * reads {@code owntracks/alice/phone} as device {@code alice:phone}, so two users' phones stay two
 * devices. A {@code :} inside one of those segments becomes {@code _} (as in Sparkplug B's ids), so the
 * id has exactly one part per segment: {@code a:b} + {@code c} and {@code a} + {@code b:c} would both
 * read {@code a:b:c} otherwise.
 */
public final class TopicLayout implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final String DEVICE_PLACEHOLDER = "{deviceId}";
  public static final String METRIC_PLACEHOLDER = "{metric}";
  /** Joins the segments of a device id that spans several {@code {deviceId}} segments. */
  public static final char DEVICE_JOIN = ':';
  public static final TopicLayout DEFAULT = TopicLayout.of("devices/{deviceId}/telemetry");

  private final String template;
  private final String[] segments;
  private final int deviceSegment;
  private final int deviceSegments;
  private final boolean carriesMetric;

  private TopicLayout(String template, String[] segments, int deviceSegment, int deviceSegments, boolean carriesMetric) {
    this.template = template;
    this.segments = segments;
    this.deviceSegment = deviceSegment;
    this.deviceSegments = deviceSegments;
    this.carriesMetric = carriesMetric;
  }

  /**
   * A config key's check: its value, when set, must be a usable layout; the error names the key.
   */
  public static Validator validator() {
    return new Validator() {
      @Override
      public void ensureValid(String key, Object value) {
        if (value == null) {
          return;
        }
        try {
          of(value.toString());
        } catch (VigilException e) {
          throw VigilErrors.invalidConfigValue(key, value.toString(), LAYOUT_RULE + " (" + e.what() + ")");
        }
      }

      @Override
      public String describe() {
        return LAYOUT_RULE;
      }
    };
  }

  private static final String LAYOUT_RULE = "an MQTT topic whose segments are literals, +, " + DEVICE_PLACEHOLDER
      + " (one or more: several are joined with " + DEVICE_JOIN + ") or " + METRIC_PLACEHOLDER + ", such as devices/"
      + DEVICE_PLACEHOLDER + "/telemetry";

  public static TopicLayout of(String template) {
    if (template == null || template.isBlank()) {
      throw VigilErrors.invalidTopicLayout(String.valueOf(template), "it is empty");
    }
    String[] segments = template.split("/", -1);
    int device = -1;
    int devices = 0;
    boolean metric = false;
    for (int i = 0; i < segments.length; i++) {
      String s = segments[i];
      if (s.equals(METRIC_PLACEHOLDER)) {
        metric = true;
      } else if (s.equals(DEVICE_PLACEHOLDER)) {
        device = device < 0 ? i : device;
        devices++;
      } else if (s.equals("#") || (s.contains("+") && !s.equals("+")) || s.contains("{") || s.contains("}")) {
        throw VigilErrors.invalidTopicLayout(template, "segment '" + s + "' is neither literal, +, " + DEVICE_PLACEHOLDER
            + " nor " + METRIC_PLACEHOLDER);
      }
    }
    return new TopicLayout(template, segments, device, devices, metric);
  }

  public String template() {
    return template;
  }

  /** Whether the device id comes from the topic at all. */
  public boolean carriesDeviceId() {
    return deviceSegment >= 0;
  }

  /** Whether a {@code {metric}} segment names the metric (or prefixes the readings). */
  public boolean carriesMetric() {
    return carriesMetric;
  }

  /** The MQTT subscription filter: the template with the device (and metric) segments as {@code +}. */
  public String subscriptionFilter() {
    return template.replace(DEVICE_PLACEHOLDER, "+").replace(METRIC_PLACEHOLDER, "+");
  }

  /** The metric this topic names (its {@code {metric}} segments joined with {@code .}), or empty. */
  public Optional<String> metricOf(String topic) {
    if (!carriesMetric || !matches(topic)) {
      return Optional.empty();
    }
    String[] levels = topic.split("/", -1);
    StringBuilder metric = new StringBuilder();
    for (int i = 0; i < segments.length; i++) {
      if (segments[i].equals(METRIC_PLACEHOLDER)) {
        if (metric.length() > 0) {
          metric.append('.');
        }
        metric.append(levels[i]);
      }
    }
    return Optional.of(metric.toString());
  }

  /**
   * The topic a device publishes on. A device id of several segments is split at its first
   * {@value #DEVICE_JOIN}s, one part per {@code {deviceId}} segment (the last part keeps the rest).
   */
  public String topicFor(String deviceId) {
    if (deviceSegments <= 1) {
      return template.replace(DEVICE_PLACEHOLDER, deviceId);
    }
    String[] parts = deviceId.split(String.valueOf(DEVICE_JOIN), deviceSegments);
    if (parts.length != deviceSegments) {
      throw new IllegalArgumentException("device id '" + deviceId + "' has fewer than " + deviceSegments + " parts joined with "
          + DEVICE_JOIN + " for the layout " + template);
    }
    StringBuilder topic = new StringBuilder();
    int part = 0;
    for (int i = 0; i < segments.length; i++) {
      topic.append(i == 0 ? "" : "/").append(segments[i].equals(DEVICE_PLACEHOLDER) ? parts[part++] : segments[i]);
    }
    return topic.toString();
  }

  public boolean matches(String topic) {
    return topic != null && deviceSegmentOf(topic) != NO_MATCH;
  }

  /** The device id this topic names, or empty when the topic does not fit the layout. */
  public Optional<String> deviceIdOf(String topic) {
    long bounds = topic == null ? NO_MATCH : deviceSegmentOf(topic);
    if (bounds == NO_MATCH || deviceSegment < 0) {
      return Optional.empty();
    }
    if (deviceSegments > 1) {
      return Optional.of(joinedDeviceId(topic));
    }
    return Optional.of(topic.substring((int) (bounds >>> 32), (int) bounds));
  }

  /** The {@code {deviceId}} segments of a matching topic, joined with {@link #DEVICE_JOIN}. */
  private String joinedDeviceId(String topic) {
    String[] levels = topic.split("/", -1);
    StringBuilder id = new StringBuilder();
    for (int i = 0; i < segments.length; i++) {
      if (segments[i].equals(DEVICE_PLACEHOLDER)) {
        id.append(i == deviceSegment ? "" : String.valueOf(DEVICE_JOIN)).append(levels[i].replace(DEVICE_JOIN, '_'));
      }
    }
    return id.toString();
  }

  private static final long NO_MATCH = -1;

  /**
   * Matches the topic level by level without splitting it (the parser runs this for every message
   * at the bridge): NO_MATCH, or the device segment's start and end packed into one long.
   */
  private long deviceSegmentOf(String topic) {
    long device = 0;
    int start = 0;
    int n = topic.length();
    for (int i = 0; i < segments.length; i++) {
      if (start > n) {
        return NO_MATCH;
      }
      int end = topic.indexOf('/', start);
      boolean last = i == segments.length - 1;
      if (last ? end >= 0 : end < 0) {
        return NO_MATCH;
      }
      if (last) {
        end = n;
      }
      String segment = segments[i];
      if (i == deviceSegment) {
        device = ((long) start << 32) | end;
      } else if (!segment.equals("+") && !(deviceSegments > 1 && segment.equals(DEVICE_PLACEHOLDER)) && !(carriesMetric && segment.equals(METRIC_PLACEHOLDER)) && (segment.length() != end - start || !topic.startsWith(segment, start))) {
        return NO_MATCH;
      }
      start = end + 1;
    }
    return device;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TopicLayout other && other.template.equals(template);
  }

  @Override
  public int hashCode() {
    return template.hashCode();
  }

  @Override
  public String toString() {
    return template;
  }
}
