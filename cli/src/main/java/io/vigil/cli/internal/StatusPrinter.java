package io.vigil.cli.internal;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Refreshes the demo's status line. On a terminal it rewrites one line in place, fitted to the
 * terminal's width (a line that wraps cannot be rewritten: each rewrite would add a row), and prints
 * other lines above it; piped to a file or a CI log it prints a fresh line every {@code plainEvery}
 * instead, so the log stays readable.
 */
public final class StatusPrinter implements AutoCloseable {
  /** ANSI: erase from the cursor to the end of the line. */
  static final String ERASE_LINE = "\033[K";
  /** ANSI: cursor one row up. */
  static final String UP = "\033[1A";

  private final PrintStream out;
  private final Supplier<DemoStatus> status;
  private final boolean terminal;
  private final IntSupplier columns;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "vigil-demo-status");
    t.setDaemon(true);
    return t;
  });
  /** Length of the status line on screen, 0 when none is. */
  private int shown;
  private int lastColumns;
  private boolean closed;

  public StatusPrinter(PrintStream out, Supplier<DemoStatus> status, boolean terminal, Duration ttyEvery, Duration plainEvery) {
    this(out, status, terminal, terminal ? new TerminalWidth() : () -> Integer.MAX_VALUE, ttyEvery, plainEvery);
  }

  StatusPrinter(PrintStream out, Supplier<DemoStatus> status, boolean terminal, IntSupplier columns, Duration ttyEvery,
      Duration plainEvery) {
    this.out = out;
    this.status = status;
    this.terminal = terminal;
    this.columns = columns;
    long every = (terminal ? ttyEvery : plainEvery).toMillis();
    timer.scheduleAtFixedRate(this::print, every, every, TimeUnit.MILLISECONDS);
  }

  /** Whether stdout is a terminal a status line can be rewritten on. */
  public static boolean stdoutIsTerminal() {
    return System.console() != null && System.getenv("CI") == null;
  }

  /** Prints a line above the status line: on a terminal it clears the status line, prints, and redraws it. */
  public synchronized void line(String text) {
    if (closed) {
      out.println(text);
      return;
    }
    clear();
    out.println(text);
    if (terminal) {
      print();
    }
    out.flush();
  }

  synchronized void print() {
    if (closed) {
      return;
    }
    DemoStatus s = status.get();
    if (s == null) {
      return;
    }
    if (terminal) {
      int width = columns.getAsInt();
      if (width != lastColumns) {
        lastColumns = width; // a reflowing terminal has re-wrapped the old line at the new width
        clear();
      }
      // One column spare: a line filling the last column leaves some terminals about to wrap.
      String text = s.render(Math.max(10, width - 1));
      out.print("\r" + text + ERASE_LINE);
      shown = text.length();
    } else {
      out.println("  .. " + s.render());
    }
    out.flush();
  }

  /**
   * Removes the status line. After a resize a terminal that reflows has wrapped the old line over
   * more rows: those are cleared too.
   */
  private void clear() {
    if (!terminal || shown == 0) {
      return;
    }
    int width = Math.max(1, lastColumns);
    StringBuilder s = new StringBuilder("\r").append(ERASE_LINE);
    for (int rows = (shown - 1) / width; rows > 0; rows--) {
      s.append(UP).append(ERASE_LINE);
    }
    out.print(s);
    shown = 0;
  }

  @Override
  public synchronized void close() {
    timer.shutdownNow();
    clear();
    closed = true;
    out.flush();
  }
}
