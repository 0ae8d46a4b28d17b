package io.vigil.cli.internal;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import io.delta.tables.DeltaTable;
import io.vigil.cli.EndToEndRun;
import io.vigil.simulator.FaultLabel;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads what {@code report.html} shows from the demo's Delta tables. Kept thin: filters and
 * collects small slices (a few devices, two days), everything else is {@link DemoReport} data.
 */
public final class DemoReportData {
  /** How far back the context chart reaches before the live window. */
  static final Duration CONTEXT = Duration.ofHours(36);
  /** Standard deviations of robust residual spread drawn around the scorer's forecast. */
  static final double SCORE_BAND_SIGMAS = 3;

  private DemoReportData() {}

  public static DemoReport read(SparkSession spark, EndToEndRun.Result r, int maxDevices, String summary) {
    EndToEndRun.Tables t = r.tables();
    Instant from = t.liveStart().minus(CONTEXT);
    Instant liveFrom = t.liveStart().minus(Duration.ofMinutes(2));
    Instant to = t.scoreAsOf();
    Dataset<Row> silver = spark.read().format("delta").load(t.silver())
        .where(col("event_time").geq(lit(Timestamp.from(from))));

    // Devices with injected faults first (those are the interesting charts), then the rest, by id.
    Map<String, TreeSet<String>> metricsByDevice = new TreeMap<>();
    for (Row row : silver.select("device_id", "metric").distinct().collectAsList()) {
      metricsByDevice.computeIfAbsent(row.getString(0), k -> new TreeSet<>()).add(row.getString(1));
    }
    List<String> devices = new ArrayList<>(metricsByDevice.keySet());
    devices.sort(Comparator.comparing((String d) -> r.liveLabels().stream().noneMatch(l -> l.device().equals(d)))
        .thenComparing(Comparator.naturalOrder()));
    Map<String, String> chosen = new LinkedHashMap<>();
    for (String d : devices.subList(0, Math.min(maxDevices, devices.size()))) {
      String metric = r.liveLabels().stream()
          .filter(l -> l.device().equals(d) && DetectionScore.SCORED_KINDS.contains(l.kind()) && !l.metric().equals(FaultLabel.WHOLE_DEVICE))
          .map(FaultLabel::metric).findFirst().orElse(metricsByDevice.get(d).first());
      chosen.put(d, metric);
    }

    Map<String, List<DemoReport.Point>> readings = new TreeMap<>();
    for (Row row : silver.where(col("device_id").isin(chosen.keySet().toArray())).select("device_id", "metric", "event_time", "value")
        .orderBy("event_time").collectAsList()) {
      if (row.getString(1).equals(chosen.get(row.getString(0)))) {
        readings.computeIfAbsent(row.getString(0), k -> new ArrayList<>())
            .add(new DemoReport.Point(row.getTimestamp(2).toInstant(), row.getDouble(3)));
      }
    }
    Map<String, List<DemoReport.Band>> forecasts = new TreeMap<>();
    if (DeltaTable.isDeltaTable(spark, t.forecasts())) {
      Dataset<Row> f = spark.read().format("delta").load(t.forecasts());
      Object latest = f.agg(max("as_of")).first().get(0);
      if (latest != null) {
        for (Row row : f.where(col("as_of").equalTo(lit(latest))).where(col("device_id").isin(chosen.keySet().toArray()))
            .select("device_id", "metric", "target_time", "forecast", "lower", "upper").orderBy("target_time").collectAsList()) {
          if (row.getString(1).equals(chosen.get(row.getString(0))) && !row.isNullAt(3)) {
            forecasts.computeIfAbsent(row.getString(0), k -> new ArrayList<>()).add(new DemoReport.Band(
                row.getTimestamp(2).toInstant(), row.getDouble(3), orElse(row, 4, row.getDouble(3)), orElse(row, 5, row.getDouble(3))));
          }
        }
      }
    }
    Map<String, List<DemoReport.Band>> scored = new TreeMap<>();
    if (DeltaTable.isDeltaTable(spark, t.scores())) {
      for (Row row : spark.read().format("delta").load(t.scores()).where(col("device_id").isin(chosen.keySet().toArray()))
          .where(col("forecast").isNotNull()).select("device_id", "metric", "event_time", "forecast", "center", "scale")
          .orderBy("event_time").collectAsList()) {
        if (row.getString(1).equals(chosen.get(row.getString(0)))) {
          double center = row.getDouble(3) + orElse(row, 4, 0);
          double half = SCORE_BAND_SIGMAS * orElse(row, 5, 0);
          scored.computeIfAbsent(row.getString(0), k -> new ArrayList<>())
              .add(new DemoReport.Band(row.getTimestamp(2).toInstant(), center, center - half, center + half));
        }
      }
    }
    Map<String, List<DemoReport.Span>> gaps = new TreeMap<>();
    for (Row row : spark.read().format("delta").load(t.anomalyEvents()).where(col("kind").equalTo("GAP"))
        .select("device_id", "start", "end").collectAsList()) {
      Instant end = row.isNullAt(2) ? to : row.getTimestamp(2).toInstant();
      gaps.computeIfAbsent(row.getString(0), k -> new ArrayList<>())
          .add(new DemoReport.Span(row.getTimestamp(1).toInstant(), end, "GAP"));
    }
    Map<String, List<DemoReport.Mark>> detected = new TreeMap<>();
    if (r.batch() != null) {
      for (DetectionScore.Detection d : r.batch().detections()) {
        if (d.metric() != null && d.metric().equals(chosen.get(d.device()))) {
          double v = nearest(readings.getOrDefault(d.device(), List.of()), d.start());
          detected.computeIfAbsent(d.device(), k -> new ArrayList<>()).add(new DemoReport.Mark(d.start(), v, d.kind()));
        }
      }
    }

    List<DemoReport.DeviceCharts> charts = new ArrayList<>();
    for (Map.Entry<String, String> e : chosen.entrySet()) {
      String d = e.getKey();
      List<DemoReport.Span> injected = r.liveLabels().stream()
          .filter(l -> l.device().equals(d) && (l.metric().equals(FaultLabel.WHOLE_DEVICE) || l.metric().equals(e.getValue())))
          .map(l -> new DemoReport.Span(l.start(), l.end() == null ? to : l.end(), l.kind().name()))
          .toList();
      List<DemoReport.Point> all = readings.getOrDefault(d, List.of());
      List<DemoReport.Point> live = all.stream().filter(p -> !p.time().isBefore(liveFrom)).toList();
      List<DemoReport.Span> deviceGaps = gaps.getOrDefault(d, List.of());
      List<DemoReport.Mark> marks = detected.getOrDefault(d, List.of());
      charts.add(new DemoReport.DeviceCharts(d, e.getValue(), List.of(
          new DemoReport.SeriesView("Last " + CONTEXT.toHours() + " h and the forecast ahead", all,
              forecasts.getOrDefault(d, List.of()), deviceGaps, marks, injected),
          new DemoReport.SeriesView("Live window: readings against the scorer's forecast (\u00b1" + (int) SCORE_BAND_SIGMAS
              + " robust \u03c3)", live, scored.getOrDefault(d, List.of()), deviceGaps, marks, injected))));
    }

    List<DemoReport.Point> completeness = new ArrayList<>();
    if (DeltaTable.isDeltaTable(spark, t.gold())) {
      for (Row row : spark.read().format("delta").load(t.gold()).where(col("completeness").isNotNull())
          .groupBy("window_start").agg(avg("completeness")).orderBy("window_start").collectAsList()) {
        completeness.add(new DemoReport.Point(row.getTimestamp(0).toInstant(), Math.min(1.0, row.getDouble(1))));
      }
    }
    return new DemoReport("Vigil demo report", summary, charts, completeness);
  }

  private static double orElse(Row row, int i, double fallback) {
    return row.isNullAt(i) ? fallback : ((Number) row.get(i)).doubleValue();
  }

  private static double nearest(List<DemoReport.Point> points, Instant t) {
    return points.stream().min(Comparator.comparing(p -> Duration.between(p.time(), t).abs()))
        .map(DemoReport.Point::value).orElse(Double.NaN);
  }
}
