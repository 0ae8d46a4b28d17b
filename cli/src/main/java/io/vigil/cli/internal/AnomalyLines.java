package io.vigil.cli.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.schemas.AnomalyEvent;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** How {@code vigil anomalies} prints one event: a readable line, or the contract's JSON on one line. */
public final class AnomalyLines {
  /** Longer messages are cut, so one event stays one terminal line; --json has the full text. */
  static final int MAX_DETAIL = 100;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private AnomalyLines() {}

  /**
   * {@code time  kind  severity  device  metric  value/expected/score  detail}, columns padded so a
   * stream of them reads as a table.
   */
  public static String readable(AnomalyEvent e) {
    // The kind column fits the longest kind name (FORECAST_DEVIATION).
    StringBuilder numbers = new StringBuilder();
    appendNumber(numbers, "value", e.value());
    appendNumber(numbers, "expected", e.expected());
    appendNumber(numbers, "score", e.score());
    if (e.end() != null) {
      numbers.append(numbers.length() == 0 ? "" : " ").append("until=").append(time(e.end()));
    }
    return String.format("%-20s  %-18s  %-8s  %-12s  %-12s  %-28s  %s",
        time(e.start()), e.kind().name(), e.severity().name(), e.deviceId(), e.metric() == null ? "-" : e.metric(),
        numbers.length() == 0 ? "-" : numbers, shorten(e.message())).stripTrailing();
  }

  /**
   * The record's JSON as it came, re-written on one line: every field the producer sent is kept,
   * including ones newer than this reader, so piping to jq sees the contract itself.
   */
  public static String json(byte[] value) {
    try {
      JsonNode tree = MAPPER.readTree(new String(value, StandardCharsets.UTF_8));
      return MAPPER.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** A warning about a record that is not an anomaly event; the offset lets one fetch it for a closer look. */
  public static String malformed(String topic, int partition, long offset, String reason) {
    return "WARN skipped malformed anomaly event at " + topic + "-" + partition + "@" + offset + ": " + shorten(reason);
  }

  static String time(Instant t) {
    // Second precision in the readable form; --json keeps milliseconds.
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  static String number(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return Double.toString(v);
    }
    BigDecimal d = BigDecimal.valueOf(v);
    d = d.abs().compareTo(BigDecimal.ONE) >= 0 ? d.setScale(2, RoundingMode.HALF_UP) : d.round(new java.math.MathContext(3));
    String s = d.stripTrailingZeros().toPlainString();
    return s.equals("-0") ? "0" : s;
  }

  private static void appendNumber(StringBuilder sb, String name, Double v) {
    if (v != null) {
      sb.append(sb.length() == 0 ? "" : " ").append(name).append('=').append(number(v));
    }
  }

  private static String shorten(String s) {
    String oneLine = s.replaceAll("\\s+", " ").strip();
    return oneLine.length() <= MAX_DETAIL ? oneLine : oneLine.substring(0, MAX_DETAIL - 3) + "...";
  }
}
