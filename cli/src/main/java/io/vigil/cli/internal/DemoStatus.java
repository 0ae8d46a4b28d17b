package io.vigil.cli.internal;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One look at a running demo: the stage, how far it is when its length is known, and the counts a
 * person watches (messages in, rows per table, flags so far). Rendering is plain text, one line.
 *
 * @param expected the stage's length when known (a timed phase), else null
 * @param sparkTasksDone share of the tasks of Spark's running stages that are done, NaN when none run
 */
public record DemoStatus(String stage, Duration elapsed, Duration expected, double sparkTasksDone, long messagesIn,
    long bridged, Map<String, Long> tableRows, long flags) {

  private static final int BAR_WIDTH = 20;

  public String render() {
    StringBuilder s = new StringBuilder(stage);
    if (expected != null && !expected.isZero()) {
      s.append(' ').append(bar(elapsed.toMillis() / (double) expected.toMillis(), BAR_WIDTH))
          .append(' ').append(seconds(Duration.ofMillis(Math.max(0, expected.minus(elapsed).toMillis())))).append(" left");
    } else {
      s.append(" (").append(seconds(elapsed)).append(')');
      if (Double.isFinite(sparkTasksDone)) {
        // A batch step's length is unknown up front; Spark's running stages tell how far the current one is.
        s.append(" spark ").append(bar(sparkTasksDone, BAR_WIDTH));
      }
    }
    s.append(" | in ").append(messagesIn).append(", bridged ").append(bridged);
    if (!tableRows.isEmpty()) {
      s.append(" | ").append(tableRows.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
          .collect(Collectors.joining(", ")));
    }
    return s.append(" | flags ").append(flags).toString();
  }

  /** A stage line shortened for the status line: without its parenthesised detail, cut at a word. */
  public static String label(String stageLine) {
    int paren = stageLine.indexOf(" (");
    String s = paren > 0 ? stageLine.substring(0, paren) : stageLine;
    if (s.length() <= 44) {
      return s;
    }
    int space = s.lastIndexOf(' ', 44);
    return s.substring(0, space > 0 ? space : 44) + "...";
  }

  /** {@code [#####.....]  50%}: the share done, clamped to [0, 1]. */
  public static String bar(double fraction, int width) {
    double f = Double.isFinite(fraction) ? Math.max(0, Math.min(1, fraction)) : 0;
    int done = (int) Math.round(f * width);
    return "[" + "#".repeat(done) + ".".repeat(width - done) + "] " + String.format(Locale.ROOT, "%3d%%", Math.round(f * 100));
  }

  private static String seconds(Duration d) {
    long s = d.toSeconds();
    return s >= 60 ? (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s" : s + "s";
  }
}
