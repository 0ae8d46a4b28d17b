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
    return compose(stage, BAR_WIDTH, tableRows.size(), false);
  }

  /**
   * The line in at most {@code width} characters, so a terminal never wraps it (a wrapped line
   * breaks the in-place rewrite). What goes first: half the bar, then table counts from the last;
   * then a compact line (percent only, counts as 1.2M, no bridged count, no tables); then the
   * stage's words; the flags stay to the last.
   */
  public String render(int width) {
    String line = compose(stage, BAR_WIDTH, tableRows.size(), false);
    for (int tables = tableRows.size(); line.length() > width && tables >= 0; tables--) {
      line = compose(stage, BAR_WIDTH / 2, tables, false);
    }
    if (line.length() > width) {
      line = compose(stage, 0, 0, true);
    }
    if (line.length() > width) {
      int room = stage.length() - (line.length() - width) - 3;
      line = room >= 4 ? compose(stage.substring(0, room).stripTrailing() + "...", 0, 0, true) : line;
    }
    return line.length() <= width ? line : line.substring(0, Math.max(0, width - 3)) + "...".substring(0, Math.min(3, width));
  }

  private String compose(String stageText, int barWidth, int tablesShown, boolean compact) {
    StringBuilder s = new StringBuilder(stageText);
    if (expected != null && !expected.isZero()) {
      s.append(' ').append(bar(elapsed.toMillis() / (double) expected.toMillis(), barWidth))
          .append(' ').append(seconds(Duration.ofMillis(Math.max(0, expected.minus(elapsed).toMillis())))).append(" left");
    } else {
      s.append(" (").append(seconds(elapsed)).append(')');
      if (Double.isFinite(sparkTasksDone)) {
        // A batch step's length is unknown up front; Spark's running stages tell how far the current one is.
        s.append(" spark ").append(bar(sparkTasksDone, barWidth));
      }
    }
    if (compact) {
      s.append(" | in ").append(count(messagesIn));
    } else {
      s.append(" | in ").append(messagesIn).append(", bridged ").append(bridged);
    }
    if (tablesShown > 0) {
      s.append(" | ").append(tableRows.entrySet().stream().limit(tablesShown).map(e -> e.getKey() + " " + e.getValue())
          .collect(Collectors.joining(", ")));
    }
    return s.append(" | flags ").append(flags).toString();
  }

  /** 999, 12.3k, 1.25M: a count in few characters. */
  static String count(long n) {
    if (n < 10_000) {
      return Long.toString(n);
    }
    if (n < 1_000_000) {
      return String.format(Locale.ROOT, "%.1fk", n / 1e3);
    }
    return String.format(Locale.ROOT, "%.2fM", n / 1e6);
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
    String percent = String.format(Locale.ROOT, "%3d%%", Math.round(f * 100));
    if (width == 0) {
      return percent.strip();
    }
    int done = (int) Math.round(f * width);
    return "[" + "#".repeat(done) + ".".repeat(width - done) + "] " + percent;
  }

  private static String seconds(Duration d) {
    long s = d.toSeconds();
    return s >= 60 ? (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s" : s + "s";
  }
}
