package io.vigil.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What one application's Spark event log (spark.eventLog.enabled, JSON lines, uncompressed) says
 * about where its work ran: the executors that joined (with the port of the web UI serving their
 * logs, which in standalone mode is their worker's) and the successful tasks per executor.
 *
 * @param executorLogPorts executor id to the port of its stdout log URL (-1 when it has none)
 * @param successfulTasksByExecutor executor id to tasks that ended with reason Success
 * @param completed whether the log has SparkListenerApplicationEnd (the application stopped cleanly)
 */
public record SparkEventLog(String appId, String appName, Map<String, Integer> executorLogPorts,
    Map<String, Long> successfulTasksByExecutor, boolean completed) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static SparkEventLog read(Path file) {
    String appId = null;
    String appName = null;
    Map<String, Integer> executors = new TreeMap<>();
    Map<String, Long> tasks = new TreeMap<>();
    boolean completed = false;
    try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode event = JSON.readTree(line);
        switch (event.path("Event").asText()) {
          case "SparkListenerApplicationStart" -> {
            appId = event.path("App ID").asText(null);
            appName = event.path("App Name").asText(null);
          }
          case "SparkListenerExecutorAdded" -> executors.put(event.path("Executor ID").asText(),
              portOf(event.path("Executor Info").path("Log Urls").path("stdout").asText("")));
          case "SparkListenerTaskEnd" -> {
            if ("Success".equals(event.path("Task End Reason").path("Reason").asText())) {
              tasks.merge(event.path("Task Info").path("Executor ID").asText(), 1L, Long::sum);
            }
          }
          case "SparkListenerApplicationEnd" -> completed = true;
          default -> { }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the Spark event log " + file, e);
    }
    if (appId == null) {
      throw new IllegalStateException(file + " is not a Spark event log: it has no SparkListenerApplicationStart");
    }
    return new SparkEventLog(appId, appName, Collections.unmodifiableMap(executors), Collections.unmodifiableMap(tasks),
        completed);
  }

  /** Every application's log in {@code dir} (in-progress ones included: see {@link #completed()}). */
  public static List<SparkEventLog> readAll(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("."))
          .sorted().map(SparkEventLog::read).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list Spark event logs in " + dir, e);
    }
  }

  private static int portOf(String url) {
    try {
      return url.isEmpty() ? -1 : URI.create(url).getPort();
    } catch (IllegalArgumentException e) {
      return -1;
    }
  }
}
