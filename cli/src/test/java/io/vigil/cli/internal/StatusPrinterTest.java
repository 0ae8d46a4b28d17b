package io.vigil.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The status line on a terminal: fitted to its width, redrawn on a resize, other lines printed above it. */
class StatusPrinterTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final AtomicInteger columns = new AtomicInteger(120);
  private StatusPrinter printer;

  @BeforeEach
  void printer() {
    Map<String, Long> rows = new LinkedHashMap<>();
    rows.put("bronze", 1_234_567L);
    rows.put("silver", 1_234_000L);
    rows.put("gold_1m", 98_765L);
    rows.put("quarantine", 35L);
    DemoStatus status = new DemoStatus("Live fleet with injected faults", Duration.ofSeconds(30), Duration.ofSeconds(90),
        Double.NaN, 1_250_000, 1_249_990, rows, 1216);
    // Refreshed by hand (print()), not by its timer.
    printer = new StatusPrinter(new PrintStream(bytes, true, StandardCharsets.UTF_8), () -> status, true, columns::get,
        Duration.ofHours(1), Duration.ofHours(1));
  }

  @AfterEach
  void close() {
    printer.close();
  }

  private String output() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** What each in-place rewrite leaves on its row: the text after a carriage return, without escapes. */
  private String[] rewrites() {
    return Arrays.stream(output().split("\r")).map(s -> s.replace(StatusPrinter.ERASE_LINE, "").replace(StatusPrinter.UP, ""))
        .filter(s -> !s.isEmpty()).toArray(String[]::new);
  }

  @Test
  void everyRewriteFitsTheTerminalSoItNeverWraps() {
    for (int width : new int[] {120, 80, 60}) {
      columns.set(width);
      printer.print();
      String[] rewrites = rewrites();
      String last = rewrites[rewrites.length - 1];
      assertThat(last.length()).as("at %d columns: %s", width, last).isLessThan(width);
      assertThat(last).contains("flags 1216");
    }
  }

  @Test
  void aLineIsPrintedAboveTheStatusLineWhichIsThenRedrawn() {
    columns.set(80);
    printer.print();
    bytes.reset();

    printer.line("12:00:01 WARN  AnomalyEventsSink - something to see");

    assertThat(output()).startsWith("\r" + StatusPrinter.ERASE_LINE + "12:00:01 WARN  AnomalyEventsSink - something to see"
        + System.lineSeparator() + "\rLive fleet").endsWith("flags 1216" + StatusPrinter.ERASE_LINE);
  }

  @Test
  void afterAResizeTheRowsTheOldLineWrappedOverAreClearedFirst() {
    columns.set(120);
    printer.print();
    int shown = rewrites()[0].length();
    bytes.reset();

    columns.set(40);
    printer.print();

    // A reflowing terminal (tmux, VTE, iTerm2) re-wraps the old line at the new width.
    int rowsAbove = (shown - 1) / 40;
    assertThat(rowsAbove).isPositive();
    assertThat(output()).startsWith("\r" + StatusPrinter.ERASE_LINE
        + (StatusPrinter.UP + StatusPrinter.ERASE_LINE).repeat(rowsAbove) + "\rLive fleet");
  }
}
