package io.vigil.batch.internal;

import io.vigil.common.VigilErrors;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The replay CSV: a header naming {@code timestamp} and {@code value} (optionally {@code device} and
 * {@code metric}; any order, case-insensitive, other columns ignored), then one reading per line.
 *
 * <p>Timestamps: ISO-8601 with a zone or offset ({@code 2026-11-22T10:00:00Z}), or without one
 * ({@code 2014-04-01 00:05:00}, read as UTC), or a bare date; or epoch seconds (below 1e11, fractions
 * allowed) or epoch milliseconds (below 1e14). Values: a number; empty, NaN, NA or null is a missing
 * reading, which is kept (it gets a score of 0) but not scored. A row that is neither is rejected
 * with its line number and reason, never dropped silently.
 */
public final class ReplayCsv {
  /** Why a row was rejected. */
  public enum Reason {
    COLUMN_COUNT("wrong number of columns"),
    BAD_TIMESTAMP("timestamp is not ISO-8601 or epoch seconds/milliseconds"),
    BAD_VALUE("value is not a number"),
    INFINITE_VALUE("value is infinite"),
    EMPTY_DEVICE("device or metric is empty"),
    UNTERMINATED_QUOTE("a quoted field is not closed on its line");

    private final String text;

    Reason(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  /** A rejected line: its 1-based line number in the file, why, and (the start of) its text. */
  public record Rejection(long line, Reason reason, String detail, String text) {}

  /**
   * Everything read: per row in file order, its series, time (epoch microseconds), value (NaN when
   * missing) and the original timestamp and value text (echoed in the output).
   */
  public record Table(boolean hasDevice, boolean hasMetric, List<String> ignoredColumns, List<String> series, int[] seriesOf,
      long[] timesMicros, double[] values, String[] timestampText, String[] valueText, long missingValues,
      List<Rejection> rejections, long lines) {
    public int rows() {
      return timesMicros.length;
    }
  }

  private static final DateTimeFormatter LOCAL = new DateTimeFormatterBuilder()
      .parseCaseInsensitive()
      .append(DateTimeFormatter.ISO_LOCAL_DATE)
      .optionalStart().appendLiteral('T').optionalEnd()
      .optionalStart().appendLiteral(' ').optionalEnd()
      .appendValue(ChronoField.HOUR_OF_DAY, 2).appendLiteral(':').appendValue(ChronoField.MINUTE_OF_HOUR, 2)
      .optionalStart().appendLiteral(':').appendValue(ChronoField.SECOND_OF_MINUTE, 2)
      .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
      .optionalEnd()
      .toFormatter(Locale.ROOT);

  private ReplayCsv() {}

  public static Table read(Path file) {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String header = in.readLine();
      if (header == null) {
        throw VigilErrors.replayHeaderInvalid(file, "", "the file is empty");
      }
      header = header.startsWith("\uFEFF") ? header.substring(1) : header;
      List<String> names = split(header);
      if (names == null) {
        throw VigilErrors.replayHeaderInvalid(file, header, "a quoted name is not closed");
      }
      int ts = -1;
      int val = -1;
      int dev = -1;
      int met = -1;
      List<String> ignored = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        String n = names.get(i).strip().toLowerCase(Locale.ROOT);
        int previous;
        switch (n) {
          case "timestamp" -> { previous = ts; ts = i; }
          case "value" -> { previous = val; val = i; }
          case "device", "device_id" -> { previous = dev; dev = i; }
          case "metric" -> { previous = met; met = i; }
          default -> {
            ignored.add(names.get(i).strip());
            continue;
          }
        }
        if (previous >= 0) {
          throw VigilErrors.replayHeaderInvalid(file, header, "column '" + n + "' appears twice");
        }
      }
      if (ts < 0 || val < 0) {
        throw VigilErrors.replayHeaderInvalid(file, header, "it has no " + (ts < 0 ? "'timestamp'" : "'value'") + " column");
      }

      Map<String, Integer> seriesIds = new TreeMap<>();
      List<String> seriesNames = new ArrayList<>();
      IntList seriesOf = new IntList();
      LongList times = new LongList();
      DoubleList values = new DoubleList();
      List<String> tsText = new ArrayList<>();
      List<String> valText = new ArrayList<>();
      List<Rejection> rejections = new ArrayList<>();
      long missing = 0;
      long lineNo = 1;
      String line;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        List<String> f = split(line);
        if (f == null) {
          rejections.add(new Rejection(lineNo, Reason.UNTERMINATED_QUOTE, "", clip(line)));
          continue;
        }
        if (f.size() != names.size()) {
          rejections.add(new Rejection(lineNo, Reason.COLUMN_COUNT, f.size() + " columns, the header has " + names.size(), clip(line)));
          continue;
        }
        String t = f.get(ts).strip();
        long micros;
        try {
          micros = parseTimestampMicros(t);
        } catch (IllegalArgumentException e) {
          rejections.add(new Rejection(lineNo, Reason.BAD_TIMESTAMP, "'" + clip(t) + "'", clip(line)));
          continue;
        }
        String v = f.get(val).strip();
        double value;
        if (isMissing(v)) {
          value = Double.NaN;
        } else {
          try {
            value = Double.parseDouble(v);
          } catch (NumberFormatException e) {
            rejections.add(new Rejection(lineNo, Reason.BAD_VALUE, "'" + clip(v) + "'", clip(line)));
            continue;
          }
          if (Double.isInfinite(value)) {
            rejections.add(new Rejection(lineNo, Reason.INFINITE_VALUE, "'" + clip(v) + "'", clip(line)));
            continue;
          }
          if (Double.isNaN(value)) {
            value = Double.NaN;
          }
        }
        String device = dev < 0 ? "" : f.get(dev).strip();
        String metric = met < 0 ? "" : f.get(met).strip();
        if ((dev >= 0 && device.isEmpty()) || (met >= 0 && metric.isEmpty())) {
          rejections.add(new Rejection(lineNo, Reason.EMPTY_DEVICE, "", clip(line)));
          continue;
        }
        missing += Double.isNaN(value) ? 1 : 0;
        String key = device + "\u0000" + metric;
        Integer id = seriesIds.get(key);
        if (id == null) {
          id = seriesNames.size();
          seriesIds.put(key, id);
          seriesNames.add(key);
        }
        seriesOf.add(id);
        times.add(micros);
        values.add(value);
        tsText.add(f.get(ts));
        valText.add(f.get(val));
      }
      return new Table(dev >= 0, met >= 0, ignored, seriesNames, seriesOf.toArray(), times.toArray(), values.toArray(),
          tsText.toArray(String[]::new), valText.toArray(String[]::new), missing, rejections, lineNo);
    } catch (IOException e) {
      throw VigilErrors.replayInputUnreadable(file, e);
    }
  }

  static boolean isMissing(String v) {
    return v.isEmpty() || v.equalsIgnoreCase("nan") || v.equalsIgnoreCase("na") || v.equalsIgnoreCase("null")
        || v.equalsIgnoreCase("none");
  }

  /** Epoch microseconds of a timestamp in any of the accepted forms; IllegalArgumentException if none fits. */
  public static long parseTimestampMicros(String t) {
    if (t.isEmpty()) {
      throw new IllegalArgumentException("empty");
    }
    char c0 = t.charAt(0);
    if (Character.isDigit(c0) && t.length() <= 20 && t.chars().allMatch(ch -> Character.isDigit(ch) || ch == '.')
        && t.indexOf('.') == t.lastIndexOf('.')) {
      double x = Double.parseDouble(t);
      if (x < 1e11) {
        // Whole seconds exactly; a fraction to the microsecond.
        int dot = t.indexOf('.');
        long secs = Long.parseLong(dot < 0 ? t : t.substring(0, dot));
        long frac = dot < 0 ? 0 : Math.round(Double.parseDouble("0" + t.substring(dot)) * 1e6);
        return secs * 1_000_000L + frac;
      }
      if (x < 1e14) {
        int dot = t.indexOf('.');
        long ms = Long.parseLong(dot < 0 ? t : t.substring(0, dot));
        long frac = dot < 0 ? 0 : Math.round(Double.parseDouble("0" + t.substring(dot)) * 1e3);
        return ms * 1_000L + frac;
      }
      throw new IllegalArgumentException("epoch value out of range");
    }
    try {
      if (t.endsWith("Z") || t.endsWith("z") || t.matches(".*[+-]\\d\\d(:?\\d\\d)?$") && t.length() > 10) {
        Instant i = OffsetDateTime.parse(t.replace(' ', 'T').replaceAll("(?i)z$", "Z")).toInstant();
        return micros(i);
      }
    } catch (DateTimeParseException e) {
      // fall through to the zone-less forms
    }
    try {
      return micros(LocalDateTime.parse(t, LOCAL).toInstant(ZoneOffset.UTC));
    } catch (DateTimeParseException e) {
      try {
        return micros(LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC));
      } catch (DateTimeParseException e2) {
        throw new IllegalArgumentException("not a timestamp: " + t);
      }
    }
  }

  private static long micros(Instant i) {
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1_000);
  }

  /** Splits one CSV line (RFC 4180 quoting within the line); null when a quote is not closed. */
  static List<String> split(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder f = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
            f.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          f.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        out.add(f.toString());
        f.setLength(0);
      } else {
        f.append(c);
      }
    }
    if (quoted) {
      return null;
    }
    out.add(f.toString());
    return out;
  }

  /** Writes {@code timestamp,value,anomaly_score[,device][,metric]} in input row order. */
  public static void write(Table t, double[] scores, Writer out) throws IOException {
    out.write("timestamp,value,anomaly_score" + (t.hasDevice() ? ",device" : "") + (t.hasMetric() ? ",metric" : "") + "\n");
    StringBuilder line = new StringBuilder(64);
    for (int i = 0; i < t.rows(); i++) {
      line.setLength(0);
      line.append(quote(t.timestampText()[i])).append(',').append(quote(t.valueText()[i])).append(',')
          .append(format(scores[i]));
      String[] id = t.series().get(t.seriesOf()[i]).split("\u0000", -1);
      if (t.hasDevice()) {
        line.append(',').append(quote(id[0]));
      }
      if (t.hasMetric()) {
        line.append(',').append(quote(id[1]));
      }
      out.write(line.append('\n').toString());
    }
  }

  /** Six decimals, trailing zeros dropped; hand-rolled because String.format dominates writing 100k rows. */
  static String format(double score) {
    if (!(score > 0)) {
      return "0";
    }
    long m = Math.round(Math.min(1, score) * 1_000_000);
    if (m == 0) {
      return "0";
    }
    if (m == 1_000_000) {
      return "1";
    }
    StringBuilder frac = new StringBuilder(Long.toString(m));
    while (frac.length() < 6) {
      frac.insert(0, '0');
    }
    int end = frac.length();
    while (frac.charAt(end - 1) == '0') {
      end--;
    }
    return "0." + frac.substring(0, end);
  }

  private static String quote(String s) {
    return s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 ? s : '"' + s.replace("\"", "\"\"") + '"';
  }

  private static String clip(String s) {
    return s.length() <= 120 ? s : s.substring(0, 117) + "...";
  }

  private static final class LongList {
    private long[] a = new long[1024];
    private int n;

    void add(long x) {
      if (n == a.length) {
        a = java.util.Arrays.copyOf(a, n * 2);
      }
      a[n++] = x;
    }

    long[] toArray() {
      return java.util.Arrays.copyOf(a, n);
    }
  }

  private static final class DoubleList {
    private double[] a = new double[1024];
    private int n;

    void add(double x) {
      if (n == a.length) {
        a = java.util.Arrays.copyOf(a, n * 2);
      }
      a[n++] = x;
    }

    double[] toArray() {
      return java.util.Arrays.copyOf(a, n);
    }
  }

  private static final class IntList {
    private int[] a = new int[1024];
    private int n;

    void add(int x) {
      if (n == a.length) {
        a = java.util.Arrays.copyOf(a, n * 2);
      }
      a[n++] = x;
    }

    int[] toArray() {
      return java.util.Arrays.copyOf(a, n);
    }
  }
}
