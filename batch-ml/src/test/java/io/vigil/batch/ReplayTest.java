package io.vigil.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.batch.internal.ReplayCsv;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** vigil replay: walk-forward, causal scores in input order; bad rows reported with line numbers, never dropped silently. */
class ReplayTest {
  private static final long START = Instant.parse("2026-11-01T00:00:00Z").getEpochSecond();
  private static final long STEP = 300; // five-minute readings
  private static final ForecastJobConfig CONFIG = new ForecastJobConfig(Map.of());

  @TempDir Path dir;

  /** A daily cycle plus noise, reproducible per index. */
  static double seasonal(int i) {
    double hours = i * STEP / 3600.0;
    return 20 + 5 * Math.sin(2 * Math.PI * hours / 24) + new Random(i).nextGaussian() * 0.5;
  }

  private Path csv(String name, List<String> lines) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, lines);
    return p;
  }

  private static List<String> series(int n, java.util.function.IntToDoubleFunction value) {
    List<String> lines = new ArrayList<>(List.of("timestamp,value"));
    for (int i = 0; i < n; i++) {
      lines.add(Instant.ofEpochSecond(START + i * STEP) + "," + String.format(Locale.ROOT, "%.4f", value.applyAsDouble(i)));
    }
    return lines;
  }

  private double[] scores(Path input) throws IOException {
    Path out = dir.resolve("out-" + input.getFileName());
    Replay.run(CONFIG, input, out, null);
    List<String> lines = Files.readAllLines(out);
    return lines.stream().skip(1).mapToDouble(l -> Double.parseDouble(l.split(",")[2])).toArray();
  }

  @Test
  void changingALaterValueNeverChangesAnEarlierScore() throws IOException {
    int n = 6 * 288; // six days
    int changed = 5 * 288 + 40; // 03:20 on day six
    double[] before = scores(csv("a.csv", series(n, ReplayTest::seasonal)));
    double[] after = scores(csv("b.csv", series(n, i -> i == changed ? seasonal(i) + 50 : seasonal(i))));

    for (int i = 0; i < changed; i++) {
      assertThat(after[i]).as("score of reading %d, before the changed one", i).isEqualTo(before[i]);
    }
    assertThat(after[changed]).isGreaterThan(before[changed]);
    // It feeds later forecasts and scales, so something after it moves (the check above is not vacuous).
    boolean laterMoved = false;
    for (int i = changed + 1; i < n; i++) {
      laterMoved |= after[i] != before[i];
    }
    assertThat(laterMoved).isTrue();
  }

  @Test
  void aSpikeRanksAboveEveryOtherReadingAfterWarmUp() throws IOException {
    int n = 6 * 288;
    int spike = 5 * 288 + 100;
    double[] s = scores(csv("spike.csv", series(n, i -> seasonal(i) + (i == spike ? 6 : 0))));

    double bestOther = 0;
    for (int i = 0; i < n; i++) {
      bestOther = i == spike ? bestOther : Math.max(bestOther, s[i]);
    }
    System.out.printf("Replay spike score %.3f, best other reading %.3f%n", s[spike], bestOther);
    assertThat(s[spike]).isGreaterThanOrEqualTo(CONFIG.scoreThreshold()).isGreaterThan(bestOther);
    // Warm-up: the first day has no seasonal forecast yet, so no score.
    assertThat(s[10]).isZero();
  }

  @Test
  void badRowsAreRejectedWithLineNumberAndReasonAndMissingValuesKept() throws IOException {
    List<String> lines = series(600, ReplayTest::seasonal);
    lines.set(3, "2026-13-01T00:00:00Z,1.0");      // line 4: bad timestamp
    lines.set(5, Instant.ofEpochSecond(START + 4 * STEP) + ",abc"); // line 6: bad value
    lines.set(7, "2026-11-01T00:30:00Z,1.0,extra");  // line 8: column count
    lines.set(9, Instant.ofEpochSecond(START + 8 * STEP) + ",");    // line 10: missing value, kept
    lines.set(11, Instant.ofEpochSecond(START + 10 * STEP) + ",Infinity"); // line 12: infinite
    lines.set(13, Instant.ofEpochSecond(START + 12 * STEP) + ",NaN"); // line 14: missing value, kept
    Path in = csv("bad.csv", lines);
    Path out = dir.resolve("bad-out.csv");
    Path rejects = dir.resolve("rejects.csv");

    Replay.Summary s = Replay.run(CONFIG, in, out, rejects);

    assertThat(s.rejections()).extracting(ReplayCsv.Rejection::line, ReplayCsv.Rejection::reason).containsExactly(
        org.assertj.core.groups.Tuple.tuple(4L, ReplayCsv.Reason.BAD_TIMESTAMP),
        org.assertj.core.groups.Tuple.tuple(6L, ReplayCsv.Reason.BAD_VALUE),
        org.assertj.core.groups.Tuple.tuple(8L, ReplayCsv.Reason.COLUMN_COUNT),
        org.assertj.core.groups.Tuple.tuple(12L, ReplayCsv.Reason.INFINITE_VALUE));
    assertThat(s.rows()).isEqualTo(600 - 4);
    assertThat(s.missingValues()).isEqualTo(2);
    List<String> written = Files.readAllLines(out);
    assertThat(written).hasSize(1 + 600 - 4);
    assertThat(written).contains(Instant.ofEpochSecond(START + 8 * STEP) + ",,0", Instant.ofEpochSecond(START + 12 * STEP) + ",NaN,0");
    assertThat(Files.readAllLines(rejects)).hasSize(5).element(1).asString().startsWith("4,BAD_TIMESTAMP,");
    assertThat(Replay.describe(s, in, out, 10)).anySatisfy(l -> assertThat(l).contains("line 6").contains("not a number"));
  }

  @Test
  void outputKeepsInputOrderAndEchoesTimestampsValuesDevicesAndMetrics() throws IOException {
    List<String> lines = new ArrayList<>(List.of("metric,timestamp,device,value,label"));
    List<String> expected = new ArrayList<>();
    Random rnd = new Random(3);
    for (int i = 0; i < 3 * 288; i++) {
      // Two series interleaved, epoch seconds, and each pair written newest first: order must survive.
      for (String dev : new String[] {"pump-2", "pump-1"}) {
        long t = START + (i % 2 == 0 ? i + 1 : i - 1) * STEP;
        String v = String.format(Locale.ROOT, "%.3f", 10 + rnd.nextGaussian());
        lines.add("temp," + t + "," + dev + "," + v + ",0");
        expected.add(t + "," + v + ",");
      }
    }
    Path out = dir.resolve("order-out.csv");
    Replay.Summary s = Replay.run(CONFIG, csv("order.csv", lines), out, null);

    List<String> written = Files.readAllLines(out);
    assertThat(written.get(0)).isEqualTo("timestamp,value,anomaly_score,device,metric");
    assertThat(s.series()).isEqualTo(2);
    assertThat(s.ignoredColumns()).containsExactly("label");
    for (int i = 1; i < written.size(); i++) {
      String[] f = written.get(i).split(",");
      assertThat(written.get(i)).startsWith(expected.get(i - 1));
      assertThat(Double.parseDouble(f[2])).isBetween(0.0, 1.0);
      assertThat(f[3]).isEqualTo(lines.get(i).split(",")[2]);
      assertThat(f[4]).isEqualTo("temp");
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "2026-11-22T10:00:00Z|2026-11-22T10:00:00Z",
      "2026-11-22T11:00:00+01:00|2026-11-22T10:00:00Z",
      "2026-11-22 10:00:00|2026-11-22T10:00:00Z",
      "2026-11-22T10:00|2026-11-22T10:00:00Z",
      "2026-11-22 10:00:00.250|2026-11-22T10:00:00.250Z",
      "1795341600|2026-11-22T10:00:00Z",
      "1795341600.5|2026-11-22T10:00:00.500Z",
      "1795341600000|2026-11-22T10:00:00Z",
      "2026-11-22|2026-11-22T00:00:00Z"})
  void timestampsInEveryAcceptedFormAreRead(String text, String expected) {
    Instant e = Instant.parse(expected);
    assertThat(ReplayCsv.parseTimestampMicros(text)).isEqualTo(e.getEpochSecond() * 1_000_000L + e.getNano() / 1_000);
  }

  @ParameterizedTest
  @CsvSource({"yesterday", "2026-11-22T25:00:00Z", "12:00", "1e9", "999999999999999999"})
  void whatIsNotATimestampIsRejected(String text) {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ReplayCsv.parseTimestampMicros(text))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aFileWithoutTheRequiredHeaderIsAUserErrorNamingTheProblem() throws IOException {
    Path in = csv("nohead.csv", List.of("2026-11-22T10:00:00Z,1.0", "2026-11-22T10:05:00Z,2.0"));
    StringWriter err = new StringWriter();
    CommandLine cl = ReplayMain.commandLine(new ReplayMain());
    cl.setErr(new PrintWriter(err));

    int code = cl.execute("--input", in.toString(), "--output", dir.resolve("x.csv").toString());

    assertThat(code).isEqualTo(ForecastMain.EXIT_USER_ERROR);
    assertThat(err.toString()).contains("header").contains("'timestamp'").doesNotContain("Exception");
  }
}
