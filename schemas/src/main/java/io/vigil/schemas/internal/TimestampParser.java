package io.vigil.schemas.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.schemas.ParserOptions;
import io.vigil.schemas.PayloadMapping;
import io.vigil.schemas.PayloadMapping.TimestampUnit;
import io.vigil.schemas.Rejection;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Reads an event time and judges whether it is plausible. Vigil's dialect: epoch milliseconds or
 * ISO-8601 with a zone. A payload mapping adds other units (or the unit by magnitude, see
 * {@link TimestampUnit#AUTO}), fractions of seconds, numbers sent as strings and zone-less local times.
 */
public final class TimestampParser {
  /** Below this an integer is epoch seconds (or garbage), not millis: 1973-03-03 in millis. */
  private static final long SECONDS_SUSPECT_BELOW = 100_000_000_000L;
  // The bands of TimestampUnit.AUTO.
  private static final double SECONDS_BELOW = 1e11;
  private static final double MILLIS_BELOW = 1e14;
  private static final double MICROS_BELOW = 1e17;

  public record Outcome(long millis, Rejection rejection) {}

  private TimestampParser() {}

  public static Outcome parse(String field, JsonNode node, ParserOptions options, long arrivalMillis) {
    PayloadMapping mapping = options.mapping();
    boolean plainMillis = mapping.timestampUnit() == TimestampUnit.MS && mapping.timestampZone() == null && mapping.isVigil();
    long millis;
    if (node.isNumber() && !plainMillis) {
      Outcome o = fromNumber(field, node.isIntegralNumber() && node.canConvertToLong() ? node.asLong() : Long.MIN_VALUE,
          node.doubleValue(), node.isIntegralNumber(), node.asText(), mapping.timestampUnit());
      if (o.rejection() != null) {
        return o;
      }
      millis = o.millis();
    } else if (node.isIntegralNumber()) {
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
      if (!plainMillis && text.matches("-?\\d+(\\.\\d+)?")) {
        boolean integral = text.indexOf('.') < 0;
        long asLong;
        try {
          asLong = integral ? Long.parseLong(text) : Long.MIN_VALUE;
        } catch (NumberFormatException e) {
          return rejected(Rejections.invalidTimestamp(field, text, "too large for an epoch time"));
        }
        Outcome o = fromNumber(field, asLong, Double.parseDouble(text), integral, text, mapping.timestampUnit());
        if (o.rejection() != null) {
          return o;
        }
        millis = o.millis();
      } else {
        try {
          millis = parseIso(text, plainMillis ? null : mapping.timestampZone());
        } catch (DateTimeException e) {
          return rejected(Rejections.invalidTimestamp(field, text, whyNotIso(text, plainMillis)));
        }
      }
    } else {
      return rejected(Rejections.invalidTimestamp(field, node.toString(), "neither a number nor a string"));
    }
    Instant earliest = options.earliest();
    Instant latest = Instant.ofEpochMilli(arrivalMillis).plus(options.maxFutureSkew());
    if (millis < earliest.toEpochMilli() || millis > latest.toEpochMilli()) {
      String hint = plainMillis && millis > 0 && millis < SECONDS_SUSPECT_BELOW && millis * 1000 >= earliest.toEpochMilli()
          ? "it looks like epoch seconds; send milliseconds or set the mapping's timestamp unit to auto or s" : null;
      return rejected(Rejections.timestampOutOfRange(field, millis, earliest, latest, hint));
    }
    return new Outcome(millis, null);
  }

  /** The unit AUTO settles on for a number of this size. */
  public static TimestampUnit unitOf(double magnitude) {
    double a = Math.abs(magnitude);
    return a < SECONDS_BELOW ? TimestampUnit.S : a < MILLIS_BELOW ? TimestampUnit.MS : a < MICROS_BELOW ? TimestampUnit.US : TimestampUnit.NS;
  }

  private static Outcome fromNumber(String field, long asLong, double asDouble, boolean integral, String text, TimestampUnit configured) {
    if (Double.isNaN(asDouble) || Double.isInfinite(asDouble)) {
      return rejected(Rejections.invalidTimestamp(field, text, "not a finite number"));
    }
    if (integral && asLong == Long.MIN_VALUE) {
      return rejected(Rejections.invalidTimestamp(field, text, "too large for an epoch time"));
    }
    TimestampUnit unit = configured == TimestampUnit.AUTO ? unitOf(integral ? asLong : asDouble) : configured;
    if (integral) {
      return switch (unit) {
        case S -> Math.abs(asLong) > Long.MAX_VALUE / 1000
            ? rejected(Rejections.invalidTimestamp(field, text, "too large for epoch seconds"))
            : new Outcome(asLong * 1000, null);
        case MS, AUTO -> new Outcome(asLong, null);
        case US -> new Outcome(Math.floorDiv(asLong, 1000L), null);
        case NS -> new Outcome(Math.floorDiv(asLong, 1_000_000L), null);
      };
    }
    double millis = switch (unit) {
      case S -> asDouble * 1000;
      case MS, AUTO -> asDouble;
      case US -> asDouble / 1000;
      case NS -> asDouble / 1_000_000;
    };
    return new Outcome(Math.round(millis), null);
  }

  private static String whyNotIso(String text, boolean plainMillis) {
    if (text.matches("\\d+")) {
      return "a number must be sent as a JSON number, not a string";
    }
    if (looksLocal(text)) {
      return plainMillis ? "not an ISO-8601 instant with a zone (Z or +hh:mm)"
          : "an ISO-8601 time without a zone; set the mapping's timestamp zone (timestamp.zone) to the devices' time zone";
    }
    return "not an ISO-8601 instant with a zone (Z or +hh:mm)";
  }

  private static boolean looksLocal(String text) {
    try {
      LocalDateTime.parse(text);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static long parseIso(String text, ZoneId localZone) {
    try {
      return Instant.parse(text).toEpochMilli();
    } catch (DateTimeParseException e) {
      try {
        return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
      } catch (DateTimeParseException e2) {
        if (localZone == null) {
          throw e2;
        }
        return LocalDateTime.parse(text).atZone(localZone).toInstant().toEpochMilli();
      }
    }
  }

  private static Outcome rejected(Rejection r) {
    return new Outcome(Long.MIN_VALUE, r);
  }
}
