package io.vigil.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DetectBenchmarkTest {
  private static DetectBenchmark.FolderFigures folder(String name, PointwiseScore p, NabScore.Tally nab) {
    Map<NabScore.Profile, NabScore.Tally> m = new LinkedHashMap<>();
    NabScore.PROFILES.forEach(x -> m.put(x, nab));
    return new DetectBenchmark.FolderFigures(name, 1, 1000, p, m);
  }

  private static DetectBenchmark.Result result(PointwiseScore p, NabScore.Tally nab, double freeShare) {
    List<DetectBenchmark.FolderFigures> folders = SkabFile.LABELLED_FOLDERS.stream().map(f -> folder(f, p, nab)).toList();
    List<NabScore.Best> best = NabScore.PROFILES.stream().map(x -> new NabScore.Best(x, 0.75, nab)).toList();
    return new DetectBenchmark.Result(Path.of("skab"), List.of(), 0.5, folders, folder("total", p, nab), best, best,
        new DetectBenchmark.AnomalyFree(100, Map.of("current", freeShare, "pressure", 0.0), 0.0), 3000, 2, 0.9, 0, 0, 0, 1, 2, 3);
  }

  @Test
  void goalsAreMetOnlyAtTheIssuesBars() {
    // F1 = 2 * 70 / (140 + 30 + 30) = 0.70; NAB (raw - null) / (perfect - null) = 35 %; 1 % of the anomaly-free run.
    List<String> met = DetectBenchmark.summary(result(new PointwiseScore(70, 30, 30, 870), new NabScore.Tally(-0.3, -1, 1, 1, 1, 0),
        0.01));
    assertThat(met).anyMatch(l -> l.contains("point-wise F1 >= 0.70: 0.700") && l.endsWith("-> met"));
    assertThat(met).anyMatch(l -> l.contains("NAB standard >= 35 (alarm changes, as SKAB's published figures): 35.0 -> met"));
    assertThat(met).anyMatch(l -> l.contains("worst metric 1.00 % -> met"));
    assertThat(met).anyMatch(l -> l.startsWith("  standard   35.0 at threshold 0.75 (windows found 1 of 1"));
    assertThat(met).anyMatch(l -> l.startsWith("Run time 6.0 s"));

    List<String> notMet = DetectBenchmark.summary(result(new PointwiseScore(69, 31, 31, 869),
        new NabScore.Tally(-0.31, -1, 1, 1, 1, 0), 0.0101));
    assertThat(notMet).anyMatch(l -> l.contains("point-wise F1 >= 0.70: 0.690") && l.endsWith("-> NOT met"));
    assertThat(notMet).anyMatch(l -> l.contains("NAB standard >= 35 (alarm changes, as SKAB's published figures): 34.5 -> NOT met"));
    assertThat(notMet).anyMatch(l -> l.contains("worst metric 1.01 % -> NOT met"));
  }

  @Test
  void sharesAndOutOfRangeScores() {
    assertThat(DetectBenchmark.share(new double[] {0.5, 0.49, 1, 0}, 0.5)).isEqualTo(0.5);
    SkabFile f = new SkabFile("other", "other-1", Path.of("1.csv"), List.of("a"), new long[2], new String[2], new double[1][2],
        new boolean[2], new boolean[2], true, 0, List.of());
    assertThat(DetectBenchmark.outOfRange(new DetectBenchmark.Scored(f, new double[][] {{0, 1.2}}, new double[] {Double.NaN, 1})))
        .isEqualTo(2);
  }
}
