package io.vigil.streaming.internal;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * Driver-side counters of the streaming job, fed by {@link ProgressListener} and the foreachBatch
 * sinks, rendered as Prometheus text. Plain maps: a few dozen series, updated once per batch.
 */
public final class JobMetrics {
  /** Per query: the numbers of its latest progress report. */
  record QueryProgress(long batchId, long inputRows, double inputRowsPerSecond, double processedRowsPerSecond,
      long durationMs) {}

  private final ConcurrentMap<String, QueryProgress> progress = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Long> inputRowsTotal = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Long> batchesTotal = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Long> tableRowsTotal = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Map<String, Long>> lastTableRows = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Long> counters = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Long> routeRecords = new ConcurrentHashMap<>();
  private volatile Supplier<Map<String, Boolean>> activeQueries = Map::of;

  void progress(String query, QueryProgress p) {
    progress.put(query, p);
    inputRowsTotal.merge(query, p.inputRows(), Long::sum);
    batchesTotal.merge(query, 1L, Long::sum);
  }

  /** Rows a query's batch wrote per table. */
  public void tableRows(String query, long batchId, Map<String, Long> rows) {
    lastTableRows.put(query, Map.copyOf(rows));
    rows.forEach((table, n) -> tableRowsTotal.merge(table, n, Long::sum));
  }

  public void count(String name, long n) {
    counters.merge(name, n, Long::sum);
  }

  /** Kafka records of one bridge route ("" for records without the route header). */
  public void routeRecords(String route, long n) {
    routeRecords.merge(route, n, Long::sum);
  }

  public long routeRecords(String route) {
    return routeRecords.getOrDefault(route, 0L);
  }

  public void activeQueries(Supplier<Map<String, Boolean>> supplier) {
    activeQueries = supplier;
  }

  /** The latest batch's rows per table of a query, e.g. {@code {bronze=500, silver=1480, ...}}, or empty. */
  public Map<String, Long> lastTableRows(String query) {
    return lastTableRows.getOrDefault(query, Map.of());
  }

  public long tableRowsTotal(String table) {
    return tableRowsTotal.getOrDefault(table, 0L);
  }

  public long counter(String name) {
    return counters.getOrDefault(name, 0L);
  }

  public Map<String, Boolean> activeQueries() {
    return activeQueries.get();
  }

  /** Prometheus text exposition format 0.0.4. */
  public String render() {
    StringBuilder out = new StringBuilder();
    family(out, "vigil_stream_query_active", "gauge", "1 while the query runs");
    new TreeMap<>(activeQueries.get()).forEach((q, a) -> sample(out, "vigil_stream_query_active", "query", q, a ? 1 : 0));
    family(out, "vigil_stream_batches_total", "counter", "Micro-batches completed");
    new TreeMap<>(batchesTotal).forEach((q, n) -> sample(out, "vigil_stream_batches_total", "query", q, n));
    family(out, "vigil_stream_input_rows_total", "counter", "Rows read by the query's source");
    new TreeMap<>(inputRowsTotal).forEach((q, n) -> sample(out, "vigil_stream_input_rows_total", "query", q, n));
    family(out, "vigil_stream_input_rows_per_second", "gauge", "Input rate of the latest batch");
    new TreeMap<>(progress).forEach((q, p) -> sample(out, "vigil_stream_input_rows_per_second", "query", q,
        p.inputRowsPerSecond()));
    family(out, "vigil_stream_processed_rows_per_second", "gauge", "Processing rate of the latest batch");
    new TreeMap<>(progress).forEach((q, p) -> sample(out, "vigil_stream_processed_rows_per_second", "query", q,
        p.processedRowsPerSecond()));
    family(out, "vigil_stream_batch_duration_seconds", "gauge", "Duration of the latest batch");
    new TreeMap<>(progress).forEach((q, p) -> sample(out, "vigil_stream_batch_duration_seconds", "query", q,
        p.durationMs() / 1000.0));
    family(out, "vigil_stream_table_rows_total", "counter", "Rows written per Delta table (gold: windows merged)");
    new TreeMap<>(tableRowsTotal).forEach((t, n) -> sample(out, "vigil_stream_table_rows_total", "table", t, n));
    family(out, "vigil_stream_late_within_watermark_total", "counter",
        "Readings older than their device's latest event time but within the watermark: kept in silver");
    out.append("vigil_stream_late_within_watermark_total ").append(counter("late_within_watermark")).append('\n');
    family(out, "vigil_stream_duplicates_dropped_total", "counter", "Readings not written to silver because already there (a replayed batch counts all its readings)");
    out.append("vigil_stream_duplicates_dropped_total ").append(counter("duplicates_dropped")).append('\n');
    family(out, "vigil_stream_route_records_total", "counter",
        "Kafka records the tables query parsed, per bridge route (header vigil.bridge.route; empty: none)");
    new TreeMap<>(routeRecords).forEach((r, n) -> sample(out, "vigil_stream_route_records_total", "route", r, n));
    family(out, "vigil_stream_unknown_route_records_total", "counter",
        "Records of a bridge route the job has no mapping for, parsed with the default parser");
    out.append("vigil_stream_unknown_route_records_total ").append(counter("unknown_route_records")).append('\n');
    return out.toString();
  }

  private static void family(StringBuilder out, String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static void sample(StringBuilder out, String name, String label, String value, double v) {
    out.append(name).append('{').append(label).append("=\"")
        .append(value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append("\"} ")
        .append(Double.isNaN(v) ? "NaN" : v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v)
            : String.format(Locale.ROOT, "%s", v))
        .append('\n');
  }
}
