package io.vigil.schemas.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.schemas.ParserOptions;
import io.vigil.schemas.Rejection;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Reads an event time (epoch millis or ISO-8601 with a zone) and judges whether it is plausible. */
public final class TimestampParser {
  /** Below this an integer is epoch seconds (or garbage), not millis: 1973-03-03 in millis. */
  private static final long SECONDS_SUSPECT_BELOW = 100_000_000_000L;

  public record Outcome(long millis, Rejection rejection) {}

  private TimestampParser() {}

  public static Outcome parse(String field, JsonNode node, ParserOptions options, long arrivalMillis) {
    long millis;
    if (node.isIntegralNumber()) {
      if (!node.canConvertToLong()) {
        return rejected(Rejections.invalidTimestamp(field, node.asText(), "too large for epoch milliseconds"));
      }
      millis = node.asLong();
    } else if (node.isNumber()) {
      double d = node.doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d) || d != Math.rint(d)) {
        return rejected(Rejections.invalidTimestamp(field, node.asText(), "epoch milliseconds must be a whole number"));
      }
      millis = (long) d;
    } else if (node.isTextual()) {
      String text = node.asText().trim();
      try {
        millis = parseIso(text);
      } catch (DateTimeException e) {
        String why = text.matches("\\d+") ? "a number must be sent as a JSON number, not a string"
            : "not an ISO-8601 instant with a zone (Z or +hh:mm)";
        return rejected(Rejections.invalidTimestamp(field, text, why));
      }
    } else {
      return rejected(Rejections.invalidTimestamp(field, node.toString(), "neither a number nor a string"));
    }
    Instant earliest = options.earliest();
    Instant latest = Instant.ofEpochMilli(arrivalMillis).plus(options.maxFutureSkew());
    if (millis < earliest.toEpochMilli() || millis > latest.toEpochMilli()) {
      String hint = millis > 0 && millis < SECONDS_SUSPECT_BELOW && millis * 1000 >= earliest.toEpochMilli()
          ? "it looks like epoch seconds; send milliseconds" : null;
      return rejected(Rejections.timestampOutOfRange(field, millis, earliest, latest, hint));
    }
    return new Outcome(millis, null);
  }

  private static long parseIso(String text) {
    try {
      return Instant.parse(text).toEpochMilli();
    } catch (DateTimeParseException e) {
      return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
    }
  }

  private static Outcome rejected(Rejection r) {
    return new Outcome(Long.MIN_VALUE, r);
  }
}
