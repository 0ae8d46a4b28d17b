package io.vigil.bridge;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@link BridgeMain} in a child JVM (this JVM's java and test class path, settings via --set,
 * stdout and stderr to {@code <name>.log}), so tests can SIGKILL and SIGTERM a real bridge process.
 * Readiness and metrics come from its /health/ready and /metrics endpoints.
 */
final class BridgeProcess implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final Map<String, String> settings;
  private final Path logFile;
  private final String maxHeap;
  private final int port;
  private Process process;

  /** {@code settings} must include metrics.port (a free port). */
  BridgeProcess(String name, Map<String, String> settings, Path logDir, String maxHeap) {
    this.name = name;
    this.settings = new LinkedHashMap<>(settings);
    this.logFile = logDir.resolve(name + ".log");
    this.maxHeap = maxHeap;
    this.port = Integer.parseInt(settings.get(BridgeConfig.METRICS_PORT));
  }

  /** Starts the child JVM (appending to its log file) and waits until /health/ready answers 200. */
  BridgeProcess start() {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + maxHeap,
        // The bridge's own logging setup (INFO to stderr), not the test one found first on the class path.
        "-Dlog4j2.configurationFile=log4j2.xml",
        "-cp", System.getProperty("java.class.path"),
        BridgeMain.class.getName(),
        "--endpoints", logFile.resolveSibling("no-stack-endpoints.properties").toString()));
    settings.forEach((k, v) -> {
      command.add("--set");
      command.add(k + "=" + v);
    });
    try {
      Files.writeString(logFile, "==== start " + name + "\n", StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    await(name + " ready (log: " + logFile + ")").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
        .until(() -> {
          if (!process.isAlive()) {
            throw new AssertionError(name + " exited with " + process.exitValue() + " before it was ready:\n" + log());
          }
          return status("/health/ready") == 200;
        });
    return this;
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed or acknowledged. */
  void kill() {
    process.destroyForcibly();
    awaitExit();
  }

  /** SIGTERM: the graceful stop. Returns the exit code. */
  int terminate() {
    process.toHandle().destroy();
    return awaitExit();
  }

  private int awaitExit() {
    try {
      if (!process.waitFor(90, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(name + " did not exit within 90 s:\n" + log());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  String clientId() {
    return settings.get(BridgeConfig.MQTT_CLIENT_ID);
  }

  int port() {
    return port;
  }

  /** HTTP status of GET path on the metrics port, or -1 when nothing answers. */
  int status(String path) {
    try {
      return HTTP.send(request(path), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** The /metrics page as sample name (with labels) to value. */
  Map<String, Double> metrics() {
    try {
      HttpResponse<String> response = HTTP.send(request("/metrics"), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new AssertionError("/metrics of " + name + " answered " + response.statusCode());
      }
      return PrometheusScrape.parse(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** One metric without labels; 0 when absent. */
  double metric(String sample) {
    return metrics().getOrDefault(sample, 0.0);
  }

  private HttpRequest request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(15)).GET().build();
  }

  /** The last 4000 characters of the log, for assertion messages. */
  String logTail() {
    String log = log();
    return log.substring(Math.max(0, log.length() - 4000));
  }

  String log() {
    try {
      return Files.readString(logFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    if (isAlive()) {
      process.destroyForcibly();
      awaitExit();
    }
  }

  @Override
  public String toString() {
    return name + (process == null ? "" : "[pid " + process.pid() + "]");
  }
}
