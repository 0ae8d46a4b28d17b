package io.vigil.streaming;

import io.vigil.common.VigilErrors;
import io.vigil.common.internal.Durations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The devices an operator expects, with their reporting intervals: a CSV file
 * ({@code device_id,expected_interval[,metric...]}, {@code #} comments, optional header) or a Delta
 * table (columns {@code device_id}, {@code expected_interval} as a duration text, optionally
 * {@code metrics} array). Registered devices are watched from the query's start, so one that never
 * reports is flagged (NEVER_REPORTED) instead of being invisible.
 */
public final class DeviceRegistry {
  /** One registered device; {@code metrics} are informational (what it is expected to send). */
  public record Entry(String deviceId, Duration expectedInterval, List<String> metrics) {
    public Entry {
      metrics = List.copyOf(metrics);
    }
  }

  private final Map<String, Entry> entries;

  private DeviceRegistry(Map<String, Entry> entries) {
    this.entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries)); // file order
  }

  public static DeviceRegistry empty() {
    return new DeviceRegistry(Map.of());
  }

  public static DeviceRegistry of(List<Entry> entries) {
    Map<String, Entry> byId = new LinkedHashMap<>();
    entries.forEach(e -> byId.put(e.deviceId(), e));
    return new DeviceRegistry(byId);
  }

  /** A CSV path (ending in .csv) is read directly; anything else is read as a Delta table with Spark. */
  public static DeviceRegistry load(SparkSession spark, String path) {
    if (path == null || path.isBlank()) {
      return empty();
    }
    return path.toLowerCase(java.util.Locale.ROOT).endsWith(".csv") ? fromCsv(Path.of(path)) : fromDelta(spark, path);
  }

  public static DeviceRegistry fromCsv(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw VigilErrors.deviceRegistryInvalid(file.toString(), "it cannot be read (" + e.getMessage() + ")");
    }
    return parseCsv(file.toString(), text);
  }

  static DeviceRegistry parseCsv(String source, String text) {
    Map<String, Entry> byId = new LinkedHashMap<>();
    String[] lines = text.split("\r?\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = Arrays.stream(line.split(",", -1)).map(String::strip).toArray(String[]::new);
      if (byId.isEmpty() && f[0].equalsIgnoreCase("device_id")) {
        continue; // header
      }
      String where = "line " + (i + 1) + " ('" + line + "')";
      if (f.length < 2 || f[0].isEmpty()) {
        throw VigilErrors.deviceRegistryInvalid(source, where + " needs at least device_id,expected_interval");
      }
      List<String> metrics = new ArrayList<>();
      for (int m = 2; m < f.length; m++) {
        if (!f[m].isEmpty()) {
          metrics.add(f[m]);
        }
      }
      put(byId, source, where, f[0], f[1], metrics);
    }
    return new DeviceRegistry(byId);
  }

  static DeviceRegistry fromDelta(SparkSession spark, String path) {
    List<Row> rows;
    try {
      rows = spark.read().format("delta").load(path).collectAsList();
    } catch (Exception e) { // Spark's AnalysisException (no table there) is a checked exception thrown unchecked
      throw VigilErrors.deviceRegistryInvalid(path, "it is not a readable Delta table (" + e.getMessage() + ")");
    }
    Map<String, Entry> byId = new LinkedHashMap<>();
    for (Row r : rows) {
      List<String> fields = Arrays.asList(r.schema().fieldNames());
      if (!fields.contains("device_id") || !fields.contains("expected_interval")) {
        throw VigilErrors.deviceRegistryInvalid(path, "its columns are " + fields + ", without device_id and expected_interval");
      }
      List<String> metrics = fields.contains("metrics") && !r.isNullAt(r.fieldIndex("metrics"))
          ? r.getList(r.fieldIndex("metrics")) : List.of();
      put(byId, path, "row " + r, r.getAs("device_id"), String.valueOf(r.<Object>getAs("expected_interval")), metrics);
    }
    return new DeviceRegistry(byId);
  }

  private static void put(Map<String, Entry> byId, String source, String where, String id, String interval,
      List<String> metrics) {
    if (id == null || id.isBlank()) {
      throw VigilErrors.deviceRegistryInvalid(source, where + " has no device_id");
    }
    Duration d;
    try {
      d = Durations.parse(interval);
    } catch (RuntimeException e) {
      throw VigilErrors.deviceRegistryInvalid(source, where + " has the expected_interval '" + interval
          + "', not a duration like 30s, 5m or PT1M");
    }
    if (d.isNegative() || d.isZero()) {
      throw VigilErrors.deviceRegistryInvalid(source, where + " has an expected_interval that is not above zero");
    }
    if (byId.containsKey(id)) {
      throw VigilErrors.deviceRegistryInvalid(source, where + " registers " + id + " a second time");
    }
    byId.put(id, new Entry(id, d, metrics));
  }

  public List<Entry> entries() {
    return List.copyOf(entries.values());
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The initial device-watch state of every registered device. */
  public List<DeviceState> initialStates() {
    return entries.values().stream().map(e -> DeviceState.registered(e.deviceId(), e.expectedInterval().toMillis()))
        .toList();
  }
}
