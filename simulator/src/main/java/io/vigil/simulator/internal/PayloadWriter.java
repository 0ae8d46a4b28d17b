package io.vigil.simulator.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Writes the telemetry payload contract: a JSON object, flat ({@code ts}, {@code msgId} or {@code seq},
 * then the metrics) or nested (metrics under {@code "metrics"}), with {@code ts} as epoch millis or
 * an ISO-8601 string. Field order is fixed so equal inputs give equal bytes.
 */
public final class PayloadWriter {
  private static final JsonFactory JSON = new JsonFactory();
  /** Always three fraction digits and a Z, as the contract's example shows. */
  public static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  static final long YEAR_1970_MS = 0L;
  static final long YEAR_2999_MS = Instant.parse("2999-01-01T00:00:00Z").toEpochMilli();
  private static final long DAY_MS = 86_400_000L;

  private PayloadWriter() {}

  /** The timestamp a payload reports: {@code tsMs}, or its time of day in 1970 / 2999 for TS_1970 / TS_2999. */
  static long reportedMs(long tsMs, Malformation bad) {
    return switch (bad == null ? Malformation.EMPTY : bad) {
      case TS_1970 -> YEAR_1970_MS + Math.floorMod(tsMs, DAY_MS);
      case TS_2999 -> YEAR_2999_MS + Math.floorMod(tsMs, DAY_MS);
      default -> tsMs;
    };
  }

  /**
   * @param tsMs         the device's reported timestamp (true time plus any skew)
   * @param seq          the device's message counter
   * @param values       readings aligned with {@code profile.metrics()}
   * @param bad          how to break the payload, or null for a valid one
   * @param badMetric    the metric index NON_NUMERIC and NAN break
   * @param textVariant  NOT_JSON: true for a key=value line, false for a truncated object
   */
  public static byte[] write(DeviceProfile profile, long tsMs, long seq, double[] values, Malformation bad, int badMetric,
      boolean textVariant) {
    if (bad == Malformation.EMPTY) {
      return new byte[0];
    }
    if (bad == Malformation.NOT_JSON && textVariant) {
      StringBuilder sb = new StringBuilder("device=").append(profile.id()).append(";ts=").append(tsMs);
      for (int i = 0; i < values.length; i++) {
        sb.append(';').append(profile.metrics().get(i).name()).append('=').append(values[i]);
      }
      return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
    long ts = reportedMs(tsMs, bad);
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      if (bad != Malformation.MISSING_TS) {
        if (profile.isoTimestamps()) {
          g.writeStringField("ts", ISO.format(Instant.ofEpochMilli(ts)));
        } else {
          g.writeNumberField("ts", ts);
        }
      }
      if (profile.seqIds()) {
        g.writeNumberField("seq", seq);
      } else {
        g.writeStringField("msgId", profile.id() + "-" + seq);
      }
      if (profile.nested()) {
        g.writeObjectFieldStart("metrics");
      }
      for (int i = 0; i < values.length; i++) {
        String name = profile.metrics().get(i).name();
        if (i == badMetric && bad == Malformation.NON_NUMERIC) {
          g.writeStringField(name, Malformation.NON_NUMERIC_VALUE);
        } else if (i == badMetric && bad == Malformation.NAN) {
          g.writeStringField(name, "NaN");
        } else {
          g.writeNumberField(name, values[i]);
        }
      }
      if (profile.nested()) {
        g.writeEndObject();
      }
      if (bad == Malformation.OVERSIZED) {
        g.writeStringField("padding", "x".repeat(Malformation.OVERSIZED_BYTES));
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] bytes = out.toByteArray();
    if (bad == Malformation.NOT_JSON) {
      // A truncated object: what a device that lost power mid-write sends.
      return java.util.Arrays.copyOf(bytes, bytes.length / 2);
    }
    return bytes;
  }
}
