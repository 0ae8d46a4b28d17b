package io.vigil.cli.internal;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The terminal's width in columns, read again after a resize: {@code stty size} on the controlling
 * terminal, else {@code $COLUMNS}, else 80. A resize is noticed through SIGWINCH where the JVM lets
 * us handle it, and in any case within {@link #REREAD_NANOS}.
 */
public final class TerminalWidth implements IntSupplier {
  private static final Logger LOG = LoggerFactory.getLogger(TerminalWidth.class);
  static final int FALLBACK = 80;
  private static final long REREAD_NANOS = TimeUnit.SECONDS.toNanos(3);

  private volatile boolean resized = true;
  private long readAt;
  private int columns = FALLBACK;

  public TerminalWidth() {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("WINCH"), s -> resized = true);
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      LOG.debug("No SIGWINCH handler ({}): the width is re-read every few seconds", e.toString());
    }
  }

  @Override
  public synchronized int getAsInt() {
    if (resized || System.nanoTime() - readAt > REREAD_NANOS) {
      resized = false;
      readAt = System.nanoTime();
      columns = read();
    }
    return columns;
  }

  private static int read() {
    int stty = sttyColumns();
    if (stty > 0) {
      return stty;
    }
    int env = parse(System.getenv("COLUMNS"));
    return env > 0 ? env : FALLBACK;
  }

  /** Columns from {@code stty size} ("rows columns") run on /dev/tty, or 0. */
  private static int sttyColumns() {
    File tty = new File("/dev/tty");
    if (!tty.canRead()) {
      return 0;
    }
    try {
      Process p = new ProcessBuilder("stty", "size").redirectInput(tty).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
      if (!p.waitFor(2, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        return 0;
      }
      String[] parts = out.split("\\s+");
      return parts.length == 2 ? parse(parts[1]) : 0;
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  static int parse(String columns) {
    if (columns == null) {
      return 0;
    }
    try {
      return Math.max(0, Integer.parseInt(columns.strip()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
