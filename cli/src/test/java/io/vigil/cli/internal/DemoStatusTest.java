package io.vigil.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class DemoStatusTest {
  @ParameterizedTest
  @CsvSource({"0.0, [..........]   0%", "0.5, [#####.....]  50%", "1.0, [##########] 100%", "1.7, [##########] 100%",
      "-1, [..........]   0%", "NaN, [..........]   0%"})
  void barIsClampedAndRounded(double fraction, String expected) {
    assertThat(DemoStatus.bar(fraction, 10)).isEqualTo(expected);
  }

  @Test
  void lineShowsStageProgressCountsAndFlags() {
    Map<String, Long> rows = new LinkedHashMap<>();
    rows.put("silver", 1200L);
    rows.put("gold", 30L);
    String line = new DemoStatus("Live fleet", Duration.ofSeconds(30), Duration.ofSeconds(120), 0.9, 600, 598, rows, 3).render();
    assertThat(line).isEqualTo("Live fleet [#####...............]  25% 1m30s left | in 600, bridged 598 | silver 1200, gold 30 | flags 3");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "Starting Spark and the streaming job (bronze, silver, gold)|Starting Spark and the streaming job",
      "Waiting for the device watch to flag every silenced device|Waiting for the device watch to flag every...",
      "Training|Training"})
  void stageLabelDropsDetailAndCutsAtAWord(String line, String label) {
    assertThat(DemoStatus.label(line)).isEqualTo(label);
  }

  @Test
  void stageWithoutKnownLengthShowsElapsed() {
    String line = new DemoStatus("Training", Duration.ofSeconds(75), null, Double.NaN, 0, 0, Map.of(), 0).render();
    assertThat(line).startsWith("Training (1m15s) |");
  }

  @Test
  void stageWithoutKnownLengthShowsSparkProgressWhenTasksRun() {
    String line = new DemoStatus("Training", Duration.ofSeconds(5), null, 0.5, 0, 0, Map.of(), 0).render();
    assertThat(line).startsWith("Training (5s) spark [##########..........]  50% |");
  }

  private static DemoStatus live() {
    Map<String, Long> rows = new LinkedHashMap<>();
    rows.put("bronze", 1_234_567L);
    rows.put("silver", 1_234_000L);
    rows.put("gold_1m", 98_765L);
    rows.put("gold_1h", 1_650L);
    rows.put("late", 120L);
    rows.put("quarantine", 35L);
    return new DemoStatus("Live fleet with injected faults", Duration.ofSeconds(30), Duration.ofSeconds(90), 0.9,
        1_250_000, 1_249_990, rows, 1216);
  }

  @ParameterizedTest
  @CsvSource({"200", "119", "100", "79", "60", "40", "12", "3"})
  void fittedLineNeverExceedsTheWidth(int width) {
    assertThat(live().render(width).length()).isLessThanOrEqualTo(width);
  }

  @Test
  void aLineThatFitsIsLeftWhole() {
    DemoStatus s = live();
    assertThat(s.render(200)).isEqualTo(s.render());
  }

  @Test
  void fittingNarrowsTheBarThenDropsTableCountsThenCompactsAndKeepsTheFlags() {
    DemoStatus s = live();
    assertThat(s.render(125)).isEqualTo("Live fleet with injected faults [###.......]  33% 1m00s left"
        + " | in 1250000, bridged 1249990 | bronze 1234567 | flags 1216");
    assertThat(s.render(119)).isEqualTo("Live fleet with injected faults [###.......]  33% 1m00s left"
        + " | in 1250000, bridged 1249990 | flags 1216");
    assertThat(s.render(79)).isEqualTo("Live fleet with injected faults 33% 1m00s left | in 1.25M | flags 1216");
    assertThat(s.render(60)).isEqualTo("Live fleet with in... 33% 1m00s left | in 1.25M | flags 1216").hasSize(60);
    assertThat(s.render(30)).isEqualTo("Live fleet with injected fa...");
  }

  @ParameterizedTest
  @CsvSource({"0, 0", "9999, 9999", "12345, 12.3k", "1250000, 1.25M"})
  void countsAreCompact(long n, String expected) {
    assertThat(DemoStatus.count(n)).isEqualTo(expected);
  }
}
