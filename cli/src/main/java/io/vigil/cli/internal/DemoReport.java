package io.vigil.cli.internal;

import java.time.Instant;
import java.util.List;

/**
 * What {@code report.html} shows, as plain data: read from the demo's Delta tables by
 * {@link DemoReportData}, drawn by {@link DemoReportWriter}, so rendering is testable without Spark.
 *
 * @param summary the run's summary, as printed on the console
 * @param devices one entry per charted device
 * @param completeness the fleet's mean gold completeness (0..1) per window
 */
public record DemoReport(String title, String summary, List<DeviceCharts> devices, List<Point> completeness) {

  public record Point(Instant time, double value) {}

  /** A forecast with its prediction interval. */
  public record Band(Instant time, double forecast, double lower, double upper) {}

  /** A stretch of time with a label (a gap, an injected fault); {@code start == end} for a point fault. */
  public record Span(Instant start, Instant end, String label) {}

  /** A detected anomaly at a reading. */
  public record Mark(Instant time, double value, String label) {}

  /** One view of one series: readings, forecast band, flagged gaps, detected and injected anomalies. */
  public record SeriesView(String title, List<Point> readings, List<Band> forecast, List<Span> gaps, List<Mark> detected,
      List<Span> injected) {}

  /** A device's charts: the context (recent days and the forecast ahead) and the live window, zoomed in. */
  public record DeviceCharts(String device, String metric, List<SeriesView> views) {}
}
