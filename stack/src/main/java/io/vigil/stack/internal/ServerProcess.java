package io.vigil.stack.internal;

import io.vigil.common.VigilErrors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server process we launch and own, tracked by a pid file so that a later JVM (the next
 * {@code vigil stack down}) can find and stop it. A pid only counts as ours while the process's
 * command line still contains {@code marker} (a path inside the stack directory): pids get reused.
 */
public final class ServerProcess {
  private static final Logger log = LoggerFactory.getLogger(ServerProcess.class);
  private static final Path SETSID = Path.of("/usr/bin/setsid");

  private final String name;
  private final Path pidFile;
  private final String marker;
  // The process this JVM started, if any. Right after the spawn its command line is still the JVM's
  // spawn helper's, not ours, so the marker check would call a starting server "exited".
  private volatile Process launched;

  public ServerProcess(String name, Path pidFile, String marker) {
    this.name = name;
    this.pidFile = pidFile;
    this.marker = marker;
  }

  public String name() {
    return name;
  }

  /**
   * Starts {@code command} with stdout and stderr appended to {@code consoleLog}, in its own session
   * when setsid exists, so it survives the JVM (and the terminal) that started it.
   */
  public long start(List<String> command, Path workDir, Path consoleLog) {
    List<String> full = new ArrayList<>();
    if (Files.isExecutable(SETSID)) {
      full.add(SETSID.toString()); // setsid execs in place (we are not a group leader): same pid
    }
    full.addAll(command);
    try {
      Files.createDirectories(consoleLog.getParent());
      Process p = new ProcessBuilder(full)
          .directory(workDir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(consoleLog.toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
      launched = p;
      writePid(p.pid());
      log.info("Started {} (pid {}): {}", name, p.pid(), String.join(" ", full));
      return p.pid();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start " + name + ": " + e.getMessage(), e);
    }
  }

  /** Runs a short-lived tool to completion; returns its exit code, or -1 on timeout (then killed). */
  public static int runToCompletion(List<String> command, Path workDir, Path consoleLog, Duration timeout) {
    try {
      Files.createDirectories(consoleLog.getParent());
      Process p = new ProcessBuilder(command)
          .directory(workDir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(consoleLog.toFile()))
          .start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        return -1;
      }
      return p.exitValue();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running " + command.get(0), e);
    }
  }

  /** The live process this pid file names, if it is still ours. */
  public Optional<ProcessHandle> handle() {
    OptionalLong pid = recordedPid();
    if (pid.isEmpty()) {
      return Optional.empty();
    }
    Process own = launched;
    if (own != null && own.pid() == pid.getAsLong()) {
      return Optional.of(own.toHandle()).filter(ProcessHandle::isAlive);
    }
    return ProcessHandle.of(pid.getAsLong()).filter(ProcessHandle::isAlive).filter(this::isOurs);
  }

  public boolean isRunning() {
    return handle().isPresent();
  }

  public OptionalLong pid() {
    return handle().map(h -> OptionalLong.of(h.pid())).orElse(OptionalLong.empty());
  }

  public OptionalLong recordedPid() {
    if (!Files.isRegularFile(pidFile)) {
      return OptionalLong.empty();
    }
    try {
      String text = Files.readString(pidFile, StandardCharsets.US_ASCII).trim();
      return OptionalLong.of(Long.parseLong(text));
    } catch (IOException | NumberFormatException e) {
      log.warn("Ignoring unreadable pid file {}: {}", pidFile, e.toString());
      return OptionalLong.empty();
    }
  }

  boolean isOurs(ProcessHandle h) {
    // An unreadable command line means another user's process: certainly not one we started.
    return h.info().commandLine().map(cmd -> cmd.contains(marker)).orElse(false);
  }

  /**
   * Stops the process and all its descendants: SIGTERM, wait up to {@code grace}, then SIGKILL.
   * Returns the pid that was stopped, or empty when nothing of ours was running (a stale pid file
   * is removed either way).
   */
  public OptionalLong stop(Duration grace) {
    Optional<ProcessHandle> h = handle();
    if (h.isEmpty()) {
      deletePidFile();
      return OptionalLong.empty();
    }
    ProcessHandle root = h.get();
    List<ProcessHandle> tree = new ArrayList<>(root.descendants().collect(Collectors.toList()));
    tree.add(0, root);
    log.info("Stopping {} (pid {})", name, root.pid());
    tree.forEach(ProcessHandle::destroy);
    if (!awaitExit(tree, grace)) {
      log.warn("{} (pid {}) ignored SIGTERM for {}; sending SIGKILL", name, root.pid(), grace);
      tree.forEach(ProcessHandle::destroyForcibly);
      if (!awaitExit(tree, Duration.ofSeconds(10))) {
        throw VigilErrors.processDidNotStop(name, root.pid());
      }
    }
    deletePidFile();
    return OptionalLong.of(root.pid());
  }

  private static boolean awaitExit(List<ProcessHandle> tree, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (ProcessHandle p : tree) {
      long left = deadline - System.nanoTime();
      try {
        if (left <= 0 && p.isAlive()) {
          return false;
        }
        p.onExit().get(Math.max(left, 1), TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        return false;
      } catch (java.util.concurrent.ExecutionException e) {
        // onExit never completes exceptionally; treat as exited
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  private void writePid(long pid) throws IOException {
    Files.createDirectories(pidFile.getParent());
    Path tmp = pidFile.resolveSibling(pidFile.getFileName() + ".tmp");
    Files.writeString(tmp, pid + "\n", StandardCharsets.US_ASCII);
    Files.move(tmp, pidFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  public void deletePidFile() {
    try {
      Files.deleteIfExists(pidFile);
    } catch (IOException e) {
      log.warn("Cannot delete pid file {}: {}", pidFile, e.toString());
    }
  }

  /** Whether the process exited on its own: we started it (pid recorded) but it is gone. */
  public boolean exitedEarly() {
    return recordedPid().isPresent() && handle().isEmpty();
  }
}
