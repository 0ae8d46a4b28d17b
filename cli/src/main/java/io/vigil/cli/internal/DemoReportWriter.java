package io.vigil.cli.internal;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * Writes {@code report.html} and its PNG charts (under {@code charts/}) from a {@link DemoReport}.
 * A self-contained page: the images sit next to it, no scripts, no network.
 */
public final class DemoReportWriter {
  private static final int WIDTH = 960;
  private static final int HEIGHT = 300;
  private static final Color READING = new Color(0x33, 0x33, 0x33);
  private static final Color FORECAST = new Color(0x1f, 0x77, 0xb4);
  private static final Color DETECTED = new Color(0xd6, 0x27, 0x28);
  private static final Color INJECTED = new Color(0xff, 0x7f, 0x0e);
  private static final Color GAP = new Color(0x99, 0x99, 0x99, 0x66);

  /** Writes the page and its charts into {@code dir}; returns the page's path. */
  public Path write(DemoReport report, Path dir) throws IOException {
    // Charts are drawn off screen: no display is needed (nor wanted) on a server or in CI.
    System.setProperty("java.awt.headless", "true");
    Path charts = Files.createDirectories(dir.resolve("charts"));
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(report.title()))
        .append("</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:1000px}pre{background:#f5f5f5;padding:1em;"
            + "overflow-x:auto}img{max-width:100%;border:1px solid #ddd;margin:.3em 0}.legend span{margin-right:1.5em}</style>"
            + "</head><body>\n");
    html.append("<h1>").append(esc(report.title())).append("</h1>\n");
    html.append("<section id=\"summary\"><h2>Summary</h2>\n<pre>").append(esc(report.summary())).append("</pre></section>\n");

    html.append("<section id=\"completeness\"><h2>Fleet completeness</h2>\n");
    if (report.completeness().isEmpty()) {
      html.append("<p>No gold windows yet.</p>\n");
    } else {
      String file = "completeness.png";
      ChartUtils.saveChartAsPNG(charts.resolve(file).toFile(), completenessChart(report.completeness()), WIDTH, HEIGHT);
      html.append("<p>Share of expected readings that arrived, per 1-minute gold window, averaged over the fleet.</p>\n")
          .append(img("charts/" + file, "fleet completeness over time"));
    }
    html.append("</section>\n");

    html.append("<section id=\"devices\"><h2>Devices</h2>\n<p class=\"legend\">")
        .append("<span style=\"color:#333\">&#9473; readings</span>")
        .append("<span style=\"color:#1f77b4\">&#9473; forecast with its band</span>")
        .append("<span style=\"color:#999\">&#9608; gap flagged by the device watch</span>")
        .append("<span style=\"color:#d62728\">&#9679; anomaly detected by the scorer</span>")
        .append("<span style=\"color:#ff7f0e\">&#9482; fault injected by the simulator</span></p>\n");
    int n = 0;
    for (DemoReport.DeviceCharts device : report.devices()) {
      html.append("<h3>").append(esc(device.device())).append(" &middot; ").append(esc(device.metric())).append("</h3>\n");
      for (int v = 0; v < device.views().size(); v++) {
        DemoReport.SeriesView view = device.views().get(v);
        String file = String.format(Locale.ROOT, "device-%02d-%d.png", n, v);
        ChartUtils.saveChartAsPNG(charts.resolve(file).toFile(), seriesChart(view), WIDTH, HEIGHT);
        html.append(img("charts/" + file, device.device() + " " + device.metric() + ": " + view.title()));
      }
      n++;
    }
    html.append("</section>\n</body></html>\n");
    Path page = dir.resolve("report.html");
    Files.writeString(page, html, StandardCharsets.UTF_8);
    return page;
  }

  static JFreeChart seriesChart(DemoReport.SeriesView view) {
    XYPlot plot = basePlot(null);
    YIntervalSeries band = new YIntervalSeries("forecast");
    view.forecast().forEach(b -> band.add(ms(b.time()), b.forecast(), b.lower(), b.upper()));
    DeviationRenderer bandRenderer = new DeviationRenderer(true, false);
    bandRenderer.setSeriesPaint(0, FORECAST);
    bandRenderer.setSeriesFillPaint(0, FORECAST);
    bandRenderer.setAlpha(0.2f);
    YIntervalSeriesCollection bands = new YIntervalSeriesCollection();
    bands.addSeries(band);
    plot.setDataset(0, bands);
    plot.setRenderer(0, bandRenderer);

    XYSeries readings = new XYSeries("readings", true, true);
    for (DemoReport.Point p : withBreaks(view.readings())) {
      readings.add(ms(p.time()), Double.isNaN(p.value()) ? null : p.value());
    }
    XYLineAndShapeRenderer line = new XYLineAndShapeRenderer(true, false);
    line.setSeriesPaint(0, READING);
    line.setSeriesStroke(0, new BasicStroke(1.2f));
    plot.setDataset(1, new XYSeriesCollection(readings));
    plot.setRenderer(1, line);

    XYSeries detected = new XYSeries("detected", true, true);
    view.detected().forEach(m -> detected.addOrUpdate(ms(m.time()), m.value()));
    XYLineAndShapeRenderer dots = new XYLineAndShapeRenderer(false, true);
    dots.setSeriesPaint(0, DETECTED);
    dots.setSeriesShape(0, new Ellipse2D.Double(-5, -5, 10, 10));
    plot.setDataset(2, new XYSeriesCollection(detected));
    plot.setRenderer(2, dots);

    for (DemoReport.Span gap : view.gaps()) {
      IntervalMarker m = new IntervalMarker(ms(gap.start()), ms(gap.end()), GAP);
      plot.addDomainMarker(m, Layer.BACKGROUND);
    }
    BasicStroke dashed = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {5f, 4f}, 0f);
    for (DemoReport.Span fault : view.injected()) {
      if (fault.start().equals(fault.end())) {
        ValueMarker m = new ValueMarker(ms(fault.start()), INJECTED, dashed);
        m.setLabel(fault.label());
        m.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 9));
        plot.addDomainMarker(m, Layer.FOREGROUND);
      } else {
        IntervalMarker m = new IntervalMarker(ms(fault.start()), ms(fault.end()), new Color(0xff, 0x7f, 0x0e, 0x30),
            dashed, INJECTED, dashed, 1f);
        m.setLabel(fault.label());
        m.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 9));
        plot.addDomainMarker(m, Layer.BACKGROUND);
      }
    }
    JFreeChart chart = new JFreeChart(view.title(), new Font(Font.SANS_SERIF, Font.BOLD, 13), plot, false);
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }

  /**
   * The readings with a NaN point inserted wherever the series falls silent for more than three of
   * its usual intervals, so the line breaks there instead of drawing a slope across a gap.
   */
  static List<DemoReport.Point> withBreaks(List<DemoReport.Point> readings) {
    if (readings.size() < 3) {
      return readings;
    }
    long[] steps = new long[readings.size() - 1];
    for (int i = 1; i < readings.size(); i++) {
      steps[i - 1] = readings.get(i).time().toEpochMilli() - readings.get(i - 1).time().toEpochMilli();
    }
    long[] sorted = steps.clone();
    java.util.Arrays.sort(sorted);
    long usual = Math.max(1, sorted[sorted.length / 2]);
    List<DemoReport.Point> out = new java.util.ArrayList<>(readings.size() + 4);
    out.add(readings.get(0));
    for (int i = 1; i < readings.size(); i++) {
      if (steps[i - 1] > 3 * usual) {
        out.add(new DemoReport.Point(readings.get(i - 1).time().plusMillis(1), Double.NaN));
      }
      out.add(readings.get(i));
    }
    return out;
  }

  static JFreeChart completenessChart(List<DemoReport.Point> points) {
    XYPlot plot = basePlot("completeness");
    XYSeries s = new XYSeries("completeness", true, true);
    points.forEach(p -> s.addOrUpdate(ms(p.time()), p.value()));
    XYLineAndShapeRenderer line = new XYLineAndShapeRenderer(true, false);
    line.setSeriesPaint(0, FORECAST);
    plot.setDataset(0, new XYSeriesCollection(s));
    plot.setRenderer(0, line);
    ((NumberAxis) plot.getRangeAxis()).setRange(0, 1.05);
    JFreeChart chart = new JFreeChart("Fleet completeness (gold, per window)", new Font(Font.SANS_SERIF, Font.BOLD, 13), plot, false);
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }

  private static XYPlot basePlot(String rangeLabel) {
    DateAxis time = new DateAxis("time (UTC)");
    time.setTimeZone(java.util.TimeZone.getTimeZone("UTC"));
    NumberAxis value = new NumberAxis(rangeLabel);
    value.setAutoRangeIncludesZero(false);
    XYPlot plot = new XYPlot();
    plot.setDomainAxis(time);
    plot.setRangeAxis(value);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(0xe0, 0xe0, 0xe0));
    plot.setRangeGridlinePaint(new Color(0xe0, 0xe0, 0xe0));
    return plot;
  }

  private static String img(String src, String alt) {
    return "<img src=\"" + esc(src) + "\" alt=\"" + esc(alt) + "\">\n";
  }

  private static long ms(Instant t) {
    return t.toEpochMilli();
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
