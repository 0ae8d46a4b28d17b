package io.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code vigil bench detect} end to end on three real SKAB experiments (one per folder) and SKAB's
 * anomaly-free run, copied into a temporary directory in SKAB's layout: the table, the thresholds, the
 * anomaly-free shares, the goals and the CSV, with every figure in its range.
 *
 * <p>SKAB is not in the repository (GPL-3): CI puts a copy of {@code shared/} beside the clone, so it is
 * {@code <repo>/../shared/data/skab}; a checkout elsewhere (a worktree) points {@code VIGIL_SKAB_DIR} at it.
 * Missing data fails the test, it never skips it.
 */
class BenchDetectIT {
  private static final List<String> FILES = List.of("valve1/0.csv", "valve2/1.csv", "other/2.csv", "anomaly-free/anomaly-free.csv");

  @TempDir Path work;

  static Path skab() {
    Path repo = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath().getParent();
    String env = System.getenv("VIGIL_SKAB_DIR");
    Path dir = env != null && !env.isBlank() ? Path.of(env) : repo.resolveSibling("shared").resolve("data").resolve("skab");
    if (!Files.isRegularFile(dir.resolve("valve1").resolve("0.csv"))) {
      fail("SKAB data not found at " + dir.toAbsolutePath() + " (valve1/0.csv missing): CI copies shared/ beside the clone"
          + " (" + repo.resolveSibling("shared") + "); elsewhere set VIGIL_SKAB_DIR to SKAB's data directory.");
    }
    return dir;
  }

  @Test
  void scoresThreeRealExperimentsAndPrintsBothEvaluationsInRange() throws IOException {
    Path source = skab();
    long rows = 0;
    for (String f : FILES) {
      Path to = work.resolve("skab").resolve(f);
      Files.createDirectories(to.getParent());
      Files.copy(source.resolve(f), to);
      rows += f.startsWith("anomaly-free") ? 0 : lines(to) - 1;
    }
    long freeRows = lines(work.resolve("skab").resolve(FILES.get(3))) - 1;
    Path csv = work.resolve("scores.csv");

    StringWriter out = new StringWriter();
    CommandLine vigil = VigilMain.commandLine();
    vigil.setOut(new PrintWriter(out));
    int code = vigil.execute("bench", "detect", "--skab", work.resolve("skab").toString(), "--csv", csv.toString());
    String text = out.toString();
    System.out.println(text);

    assertThat(code).isZero();
    assertThat(text).containsPattern("  scored valve1/ \\(1 file\\) in \\d+\\.\\d s");
    assertThat(text).contains("3 labelled files").contains("score.threshold 0.5; settings: defaults");
    for (String folder : List.of("valve1", "valve2", "other")) {
      assertThat(row(text, folder)[0]).as(folder).isEqualTo("1");
    }
    String[] total = row(text, "total");
    assertThat(total[0]).isEqualTo("3");
    assertThat(Long.parseLong(total[1].replace(",", ""))).isEqualTo(rows);
    assertThat(Long.parseLong(total[2].replace(",", ""))).isEqualTo(rows - 3 * 400);
    for (int i : new int[] {3, 4, 5, 7}) { // F1, FAR, MAR, recall
      assertThat(Double.parseDouble(total[i])).as("column " + i).isBetween(0.0, 1.0);
    }
    for (int i = 8; i <= 10; i++) { // NAB profiles: the best threshold never scores below never alarming
      assertThat(Double.parseDouble(total[i])).as("NAB column " + i).isBetween(0.0, 100.0);
    }
    Matcher nab = Pattern.compile("(?m)^  (standard|low FP|low FN) +(-?[\\d.]+) at threshold (\\S+).*windows found (\\d+) of (\\d+)")
        .matcher(text);
    int profiles = 0;
    while (nab.find()) {
      profiles++;
      assertThat(nab.group(5)).isEqualTo("12"); // four changepoints in each file
      assertThat(Integer.parseInt(nab.group(4))).isBetween(0, 12);
    }
    assertThat(profiles).isEqualTo(6); // each profile counted as the alarm's changes, then as every alarming reading
    assertThat(text).containsPattern("Anomaly-free run \\([\\d,]+ readings\\), share at or above 0.5: device \\d+\\.\\d\\d %;"
        + " per metric: accelerometer1rms \\d+\\.\\d\\d %.*volume_flow_raterms \\d+\\.\\d\\d %");
    assertThat(text).containsPattern("point-wise F1 >= 0.70: \\d\\.\\d{3} \\(FAR \\d\\.\\d{3}, MAR \\d\\.\\d{3}\\) -> (met|NOT met)");
    assertThat(text).containsPattern("NAB standard >= 35 \\(alarm changes, as SKAB's published figures\\): -?\\d+\\.\\d -> (met|NOT met)");
    assertThat(text).containsPattern("anomaly-free share .* -> (met|NOT met)");
    assertThat(text).contains("scores outside [0, 1]: 0;");
    assertThat(text).containsPattern("Run time \\d+\\.\\d s");

    List<String> lines = Files.readAllLines(csv);
    assertThat(lines.get(0)).isEqualTo("file,time,metric,value,score,anomaly,changepoint");
    assertThat(lines).hasSize((int) (1 + 9 * (rows + freeRows)));
    assertThat(lines.get(9)).startsWith("valve1-0,").contains(",device,,");
    assertThat(lines).allSatisfy(l -> assertThat(l.split(",", -1)).hasSize(7));
  }

  @Test
  void aBadSettingIsAUserErrorNamingTheKey() throws IOException {
    StringWriter err = new StringWriter();
    CommandLine vigil = VigilMain.commandLine();
    vigil.setErr(new PrintWriter(err));
    int code = vigil.execute("bench", "detect", "--skab", work.toString(), "--set", "score.threshold=2");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("score.threshold").doesNotContain("Exception");
  }

  /** The fields after the folder name of a table row. */
  private static String[] row(String text, String folder) {
    Matcher m = Pattern.compile("(?m)^" + folder + " +(.*)$").matcher(text);
    if (!m.find()) {
      fail("no row for " + folder + " in:\n" + text);
    }
    return m.group(1).replace("|", " ").trim().split(" +");
  }

  private static long lines(Path f) throws IOException {
    try (var s = Files.lines(f)) {
      return s.filter(l -> !l.isBlank()).count();
    }
  }
}
