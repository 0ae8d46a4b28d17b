package io.vigil.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoReportWriterTest {
  private static final Instant T = Instant.parse("2026-11-22T10:00:00Z");

  @TempDir Path dir;

  @Test
  void writesAPageWhoseChartsExistAsPngsWithEverySection() throws Exception {
    List<DemoReport.Point> readings = new ArrayList<>();
    List<DemoReport.Band> forecast = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      Instant t = T.plusSeconds(60L * i);
      readings.add(new DemoReport.Point(t, 20 + Math.sin(i / 5.0) + (i == 30 ? 8 : 0)));
      forecast.add(new DemoReport.Band(t, 20 + Math.sin(i / 5.0), 19, 21));
    }
    DemoReport.SeriesView view = new DemoReport.SeriesView("Live window", readings, forecast,
        List.of(new DemoReport.Span(T.plusSeconds(600), T.plusSeconds(900), "GAP")),
        List.of(new DemoReport.Mark(T.plusSeconds(1800), 28, "SPIKE")),
        List.of(new DemoReport.Span(T.plusSeconds(1800), T.plusSeconds(1800), "SPIKE"),
            new DemoReport.Span(T.plusSeconds(2400), T.plusSeconds(3000), "LEVEL_SHIFT")));
    DemoReport report = new DemoReport("Vigil demo report", "Published 1,234 <messages>",
        List.of(new DemoReport.DeviceCharts("dev-001", "temperature", List.of(view, view)),
            new DemoReport.DeviceCharts("dev-002", "humidity", List.of(view))),
        List.of(new DemoReport.Point(T, 1.0), new DemoReport.Point(T.plusSeconds(60), 0.5), new DemoReport.Point(T.plusSeconds(120), 0.9)));

    Path page = new DemoReportWriter().write(report, dir);

    String html = Files.readString(page);
    assertThat(page).isEqualTo(dir.resolve("report.html"));
    assertThat(html).contains("<section id=\"summary\">", "<section id=\"completeness\">", "<section id=\"devices\">",
        "dev-001 &middot; temperature", "dev-002 &middot; humidity", "Published 1,234 &lt;messages&gt;");
    Matcher m = Pattern.compile("<img src=\"([^\"]+)\"").matcher(html);
    List<String> images = new ArrayList<>();
    while (m.find()) {
      images.add(m.group(1));
    }
    assertThat(images).hasSize(4).doesNotHaveDuplicates().contains("charts/completeness.png");
    for (String image : images) {
      byte[] bytes = Files.readAllBytes(dir.resolve(image));
      assertThat(bytes.length).as(image).isGreaterThan(1000);
      assertThat(new String(bytes, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).as(image).isEqualTo("PNG");
    }
  }

  @Test
  void readingsLineBreaksWhereTheSeriesFallsSilent() {
    List<DemoReport.Point> readings = new ArrayList<>();
    for (int s : new int[] {0, 2, 4, 6, 30, 32, 34}) {
      readings.add(new DemoReport.Point(T.plusSeconds(s), s));
    }
    List<DemoReport.Point> drawn = DemoReportWriter.withBreaks(readings);
    assertThat(drawn).hasSize(8);
    assertThat(drawn.get(4).value()).isNaN();
    assertThat(drawn.get(4).time()).isAfter(T.plusSeconds(6)).isBefore(T.plusSeconds(30));
    assertThat(drawn).filteredOn(p -> !Double.isNaN(p.value())).containsExactlyElementsOf(readings);
  }

  @Test
  void aRunWithoutGoldWindowsSaysSoInsteadOfAnEmptyChart() throws Exception {
    String html = Files.readString(new DemoReportWriter().write(new DemoReport("r", "s", List.of(), List.of()), dir));
    assertThat(html).contains("No gold windows yet.").doesNotContain("<img");
  }
}
