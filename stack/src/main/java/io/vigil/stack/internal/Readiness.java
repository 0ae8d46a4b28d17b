package io.vigil.stack.internal;

import io.vigil.common.VigilErrors;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a server's readiness check until it passes, the process dies, or time runs out. */
public final class Readiness {
  private static final long POLL_MILLIS = 200;

  private Readiness() {}

  public static void await(ServerProcess process, BooleanSupplier ready, Duration timeout, Path logFile) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isRunning()) {
        throw VigilErrors.serverDidNotStart(process.name(),
            "Its process exited during startup.", logFile);
      }
      if (ready.getAsBoolean()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw VigilErrors.serverDidNotStart(process.name(),
            "It was still not ready after " + timeout.toSeconds() + " s.", logFile);
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for " + process.name(), e);
      }
    }
  }
}
