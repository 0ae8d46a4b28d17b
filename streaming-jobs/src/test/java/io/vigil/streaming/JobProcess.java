package io.vigil.streaming;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@link StreamingMain} in a JVM of its own, as spark-submit or {@code vigil stream} would run it,
 * so a test can SIGKILL or SIGTERM it. Output goes to a log file named in assertion messages.
 */
final class JobProcess implements AutoCloseable {
  /** Spark on Java 17 needs these on every JVM started by hand (the poms give them to test JVMs). */
  static final List<String> ADD_OPENS = Arrays.stream(new String[] {"java.lang", "java.lang.invoke", "java.lang.reflect",
      "java.io", "java.net", "java.nio", "java.util", "java.util.concurrent", "java.util.concurrent.atomic", "sun.nio.ch",
      "sun.nio.cs", "sun.security.action", "sun.util.calendar"}).map(p -> "--add-opens=java.base/" + p + "=ALL-UNNAMED").toList();

  private final Process process;
  final Path log;

  private JobProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static JobProcess start(Path log, List<String> settings) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    cmd.addAll(ADD_OPENS);
    cmd.add("-Djdk.reflect.useDirectMethodHandle=false");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(StreamingMain.class.getName());
    for (String s : settings) {
      cmd.add("--set");
      cmd.add(s);
    }
    Files.createDirectories(log.getParent());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    return new JobProcess(p, log);
  }

  Process process() {
    return process;
  }

  /** SIGKILL: no shutdown hook, no signal handler, the batch in flight is cut off. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** SIGTERM, then the exit code (waiting at most {@code seconds}). */
  int terminate(long seconds) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(seconds, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the job did not stop within " + seconds + " s of SIGTERM; see " + log);
    }
    return process.exitValue();
  }

  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
