package io.vigil.schemas;

import java.io.Serializable;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;

/**
 * Where a payload keeps its event time and its readings, for devices that do not speak Vigil's own
 * dialect. Paths are field names or dotted nested paths ({@code uplink_message.decoded_payload});
 * an array element is addressed by its index ({@code rx_metadata.0.time}).
 *
 * <p><b>Timestamps.</b> The first of {@link #timestampFields} present in the payload is the event
 * time. Numbers are read in {@link #timestampUnit}; {@link TimestampUnit#AUTO} decides by magnitude
 * (see {@link TimestampUnit#AUTO}). Strings are ISO-8601: with a zone or offset as they are, without
 * one in {@link #timestampZone} (refused when that is null). When none is present the message is
 * refused, or, with {@link MissingTimestamp#ARRIVAL}, takes the bridge's arrival time.
 *
 * <p><b>Readings.</b> Everything under {@link #metricsRoot} is read: numbers are metrics, booleans
 * 0/1 metrics, nested objects flatten to dotted names ({@code ENERGY.Power}, {@code temperature.tC}),
 * arrays are skipped or indexed ({@code by_minute.0}), strings become {@link Attribute}s (or are
 * refused with {@link StringMode#REJECT}), nulls are no reading. Names are matched against
 * {@link #include} and {@link #exclude} globs ({@code *} any run of characters, {@code ?} one):
 * a name is kept when it matches an include (or there are none) and no exclude. Fields used as the
 * timestamp, the device id or the message id are not readings. A payload with no numeric reading
 * left is refused.
 *
 * @param name the dialect's name, reported in {@link ParseResult#dialect()}: a preset or {@code custom}
 * @param format how the payload is encoded
 * @param metricsRoot {@code null}: Vigil's rule (the {@code metrics} object when there is one, else
 *     the payload); {@code ""}: the whole payload; otherwise a dotted path
 * @param statusLayout topics carrying the device's online/offline state (a last will), or null
 */
public record PayloadMapping(
    String name,
    Format format,
    List<String> timestampFields,
    TimestampUnit timestampUnit,
    ZoneId timestampZone,
    MissingTimestamp missingTimestamp,
    String metricsRoot,
    List<String> include,
    List<String> exclude,
    ArrayMode arrays,
    StringMode strings,
    TopicLayout statusLayout) implements Serializable {

  /** How the payload bytes are encoded. */
  public enum Format {
    JSON,
    /** Sparkplug B protobuf: reserved for the Sparkplug decoder; the JSON parser refuses it. */
    SPARKPLUG_B
  }

  /**
   * The unit of a numeric timestamp.
   */
  public enum TimestampUnit {
    /**
     * By magnitude of the number: below 10^11 epoch seconds (up to the year 5138), below 10^14
     * milliseconds, below 10^17 microseconds, else nanoseconds. Any plausible time of this century
     * lands in exactly one band, so the unit needs no configuration.
     */
    AUTO,
    S,
    MS,
    US,
    NS
  }

  public enum MissingTimestamp { REJECT, ARRIVAL }

  public enum ArrayMode { SKIP, INDEX }

  public enum StringMode { ATTRIBUTE, REJECT }

  /** Vigil's own dialect: {@code ts} or {@code timestamp} in epoch ms or ISO with a zone, flat or {@code metrics}. */
  public static final PayloadMapping VIGIL = new PayloadMapping("vigil", Format.JSON, List.of("ts", "timestamp"), TimestampUnit.MS,
      null, MissingTimestamp.REJECT, null, List.of(), List.of(), ArrayMode.SKIP, StringMode.REJECT, null);

  public PayloadMapping {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(timestampUnit, "timestampUnit");
    Objects.requireNonNull(missingTimestamp, "missingTimestamp");
    Objects.requireNonNull(arrays, "arrays");
    Objects.requireNonNull(strings, "strings");
    timestampFields = List.copyOf(timestampFields);
    include = List.copyOf(include);
    exclude = List.copyOf(exclude);
  }

  /** Whether this is Vigil's own dialect unchanged (the parser's fast path reads only that). */
  public boolean isVigil() {
    return equals(VIGIL);
  }

  public PayloadMapping withName(String value) {
    return new PayloadMapping(value, format, timestampFields, timestampUnit, timestampZone, missingTimestamp, metricsRoot, include,
        exclude, arrays, strings, statusLayout);
  }

  public PayloadMapping withTimestampFields(List<String> value) {
    return new PayloadMapping(name, format, value, timestampUnit, timestampZone, missingTimestamp, metricsRoot, include,
        exclude, arrays, strings, statusLayout);
  }

  public PayloadMapping withTimestampUnit(TimestampUnit value) {
    return new PayloadMapping(name, format, timestampFields, value, timestampZone, missingTimestamp, metricsRoot, include,
        exclude, arrays, strings, statusLayout);
  }

  public PayloadMapping withTimestampZone(ZoneId value) {
    return new PayloadMapping(name, format, timestampFields, timestampUnit, value, missingTimestamp, metricsRoot, include,
        exclude, arrays, strings, statusLayout);
  }

  public PayloadMapping withMissingTimestamp(MissingTimestamp value) {
    return new PayloadMapping(name, format, timestampFields, timestampUnit, timestampZone, value, metricsRoot, include,
        exclude, arrays, strings, statusLayout);
  }

  public PayloadMapping withMetricsRoot(String value) {
    return new PayloadMapping(name, format, timestampFields, timestampUnit, timestampZone, missingTimestamp, value, include,
        exclude, arrays, strings, statusLayout);
  }

  public PayloadMapping withInclude(List<String> value) {
    return new PayloadMapping(name, format, timestampFields, timestampUnit, timestampZone, missingTimestamp, metricsRoot, value,
        exclude, arrays, strings, statusLayout);
  }

  public PayloadMapping withExclude(List<String> value) {
    return new PayloadMapping(name, format, timestampFields, timestampUnit, timestampZone, missingTimestamp, metricsRoot, include,
        value, arrays, strings, statusLayout);
  }

  public PayloadMapping withArrays(ArrayMode value) {
    return new PayloadMapping(name, format, timestampFields, timestampUnit, timestampZone, missingTimestamp, metricsRoot, include,
        exclude, value, strings, statusLayout);
  }

  public PayloadMapping withStrings(StringMode value) {
    return new PayloadMapping(name, format, timestampFields, timestampUnit, timestampZone, missingTimestamp, metricsRoot, include,
        exclude, arrays, value, statusLayout);
  }

  public PayloadMapping withFormat(Format value) {
    return new PayloadMapping(name, value, timestampFields, timestampUnit, timestampZone, missingTimestamp, metricsRoot, include,
        exclude, arrays, strings, statusLayout);
  }

  public PayloadMapping withStatusLayout(TopicLayout value) {
    return new PayloadMapping(name, format, timestampFields, timestampUnit, timestampZone, missingTimestamp, metricsRoot, include,
        exclude, arrays, strings, value);
  }
}
