package io.vigil.cli.internal;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Refreshes the demo's status line. On a terminal it rewrites one line in place; piped to a file
 * or a CI log it prints a fresh line every {@code plainEvery} instead, so the log stays readable.
 */
public final class StatusPrinter implements AutoCloseable {
  private final PrintStream out;
  private final Supplier<DemoStatus> status;
  private final boolean terminal;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "vigil-demo-status");
    t.setDaemon(true);
    return t;
  });
  private int lastWidth;

  public StatusPrinter(PrintStream out, Supplier<DemoStatus> status, boolean terminal, Duration ttyEvery, Duration plainEvery) {
    this.out = out;
    this.status = status;
    this.terminal = terminal;
    long every = (terminal ? ttyEvery : plainEvery).toMillis();
    timer.scheduleAtFixedRate(this::print, every, every, TimeUnit.MILLISECONDS);
  }

  /** Whether stdout is a terminal a status line can be rewritten on. */
  public static boolean stdoutIsTerminal() {
    return System.console() != null && System.getenv("CI") == null;
  }

  /** Prints a stage line above the status line (clearing it first on a terminal). */
  public synchronized void line(String text) {
    clear();
    out.println(text);
  }

  private synchronized void print() {
    DemoStatus s = status.get();
    if (s == null) {
      return;
    }
    String text = s.render();
    if (terminal) {
      out.print("\r" + text + " ".repeat(Math.max(0, lastWidth - text.length())));
      lastWidth = text.length();
    } else {
      out.println("  .. " + text);
    }
    out.flush();
  }

  private void clear() {
    if (terminal && lastWidth > 0) {
      out.print("\r" + " ".repeat(lastWidth) + "\r");
      lastWidth = 0;
    }
  }

  @Override
  public synchronized void close() {
    timer.shutdownNow();
    clear();
  }
}
