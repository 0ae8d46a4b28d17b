package io.vigil.cli.internal;

import io.vigil.stack.ComponentStatus;
import io.vigil.stack.LocalStack;
import io.vigil.stack.LocalStackSettings;
import io.vigil.stack.StackEndpoints;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The local stack for a command that needs one: the running stack if there is one (left running
 * afterwards), else a stack started here and stopped again on close, also on Ctrl-C.
 */
public final class StackSession implements AutoCloseable {
  private final LocalStack stack = new LocalStack(LocalStackSettings.defaults());
  private final PrintStream out;
  private final boolean reused;
  private final AtomicBoolean stopped;
  private final Thread stopOnExit;
  private final StackEndpoints endpoints;
  private final java.util.List<Runnable> beforeStop = new java.util.concurrent.CopyOnWriteArrayList<>();

  public StackSession(PrintStream out) {
    this.out = out;
    this.reused = Files.exists(StackEndpoints.defaultFile()) && LocalStack.allReady(stack.status());
    this.stopped = new AtomicBoolean(reused);
    this.stopOnExit = new Thread(this::onExit, "vigil-stack-stop");
    // One hook for everything, even on a reused stack: shutdown hooks run concurrently, so only
    // one hook can stop what runs on the stack before the stack itself.
    Runtime.getRuntime().addShutdownHook(stopOnExit);
    if (reused) {
      out.println("Using the local stack that is already running (it stays up afterwards).");
      endpoints = StackEndpoints.load();
    } else {
      out.println("Starting the local stack (it is stopped again at the end, also on Ctrl-C).");
      endpoints = stack.up(out);
    }
  }

  public StackEndpoints endpoints() {
    return endpoints;
  }

  /** The servers' pids by name (kafka, mqtt/mosquitto), for those running as processes. */
  public Map<String, Long> serverPids() {
    Map<String, Long> pids = new LinkedHashMap<>();
    for (ComponentStatus s : stack.status()) {
      s.pid().ifPresent(pid -> pids.put(s.name(), pid));
    }
    return pids;
  }

  /**
   * Runs {@code action} on Ctrl-C before the stack stops (in registration order), e.g. stopping
   * the streaming job and the bridge, so they do not outlive their brokers.
   */
  public void beforeStopOnExit(Runnable action) {
    beforeStop.add(action);
  }

  private void onExit() {
    for (Runnable action : beforeStop) {
      try {
        action.run();
      } catch (RuntimeException e) {
        out.println("While stopping: " + e.getMessage());
      }
    }
    stopIfStartedHere();
  }

  private void stopIfStartedHere() {
    if (stopped.compareAndSet(false, true)) {
      stack.down(out);
    }
  }

  @Override
  public void close() {
    if (!reused) {
      stopIfStartedHere();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(stopOnExit);
    } catch (IllegalStateException shuttingDown) {
      // Already exiting: the hook runs and finds the stack stopped.
    }
  }
}
