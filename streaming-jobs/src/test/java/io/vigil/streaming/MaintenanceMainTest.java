package io.vigil.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.testsupport.ManualClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** MaintenanceMain's arguments, its recent-window dates, and the schedule lines that call it; no Spark. */
class MaintenanceMainTest {
  private static final Path REPO = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath().getParent();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return MaintenanceMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), new ManualClock(Instant.parse("2026-12-03T10:00:00Z")));
  }

  @Test
  void helpListsTheMaintenanceSettings() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("--as-of INSTANT", "`maintenance.tables`",
        "`maintenance.vacuum.retention`");
  }

  @ParameterizedTest(name = "{0} exits 2 naming {1}")
  @CsvSource(delimiter = '|', value = {
      "--set maintenance.tables=silver,gold_1h | maintenance.tables",
      "--set maintenance.vacuum.retention=3d | maintenance.vacuum.retention",
      "--as-of 2026-12-03 | --as-of",
      "--as-of | --as-of",
      "--bogus | --bogus",
  })
  void badArgumentsExitWithTwoBeforeSparkStarts(String args, String named) {
    assertThat(run(args.split(" "))).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains(named).contains("Usage: MaintenanceMain");
  }

  @ParameterizedTest(name = "as of {0}, now {1}, window {2}: compact before {3}")
  @CsvSource({
      ",                     2026-12-03T10:00:00Z, 1d,  2026-12-02",
      ",                     2026-12-03T00:10:00Z, 1d,  2026-12-02",
      ",                     2026-12-03T23:59:00Z, 1d,  2026-12-02",
      "2026-12-03T00:00:00Z, 2026-12-03T03:30:00Z, 1d,  2026-12-02",
      "2026-12-01T00:00:00Z, 2026-12-03T03:30:00Z, 1d,  2026-11-30",
      "2026-12-09T00:00:00Z, 2026-12-03T03:30:00Z, 1d,  2026-12-02",
      ",                     2026-12-03T10:00:00Z, 36h, 2026-12-01",
  })
  void recentPartitionsAreThoseOnOrAfterTheDateOfAsOfMinusTheWindowNeverAfterNow(String asOf, String now, String window,
      String firstRecent) {
    Duration w = io.vigil.common.internal.Durations.parse(window);
    assertThat(TableMaintenance.firstRecentDate(asOf == null ? null : Instant.parse(asOf),
        new ManualClock(Instant.parse(now)), w)).isEqualTo(LocalDate.parse(firstRecent));
  }

  @Test
  void crontabRunsMaintenanceDailyAsOfMidnightWithTheStreamingJar() throws IOException {
    List<String> lines = Files.readAllLines(REPO.resolve("conf/crontab"));
    List<String> jobs = lines.stream().filter(l -> !l.startsWith("#") && l.contains(MaintenanceMain.class.getName()))
        .toList();
    assertThat(jobs).hasSize(1);
    String[] fields = jobs.get(0).split("\\s+", 6);
    assertThat(fields[0]).matches("[0-9]+");
    assertThat(fields[1]).matches("[0-9]+");
    assertThat(fields[2] + fields[3] + fields[4]).isEqualTo("***");
    String command = fields[5];
    assertThat(command.replace("\\%", "")).as("cron turns a bare %% into a newline").doesNotContain("%");
    assertThat(command).contains("flock").containsPattern(">> \"\\$VIGIL_LOGS/maintenance\\.log\" 2>&1");
    String rendered = command.replace("$(date -u +\\%Y-\\%m-\\%dT00:00:00Z)", "2026-11-22T00:00:00Z");
    List<String> args = appArguments(rendered, "\"$VIGIL_STREAMING_JAR\"");
    assertThat(args).containsSubsequence("--config", "$VIGIL_STREAMING_CONFIG");
    MaintenanceMain.Invocation parsed = MaintenanceMain.parse(withoutConfigFile(args));
    assertThat(parsed.asOf()).isEqualTo(Instant.parse("2026-11-22T00:00:00Z"));
    assertThat(lines).anySatisfy(l -> assertThat(l)
        .matches("VIGIL_STREAMING_JAR=.*/streaming-jobs/target/vigil-streaming-jobs-[^/]+-spark\\.jar"));
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("VIGIL_STREAMING_CONFIG="));
  }

  @Test
  void airflowRunsMaintenanceDailyAsOfTheDataIntervalEnd() throws IOException {
    String dag = Files.readString(REPO.resolve("conf/airflow/vigil_dag.py"));
    int start = dag.indexOf("dag_id=\"vigil_maintenance\"");
    assertThat(start).isNotNegative();
    String block = dag.substring(start);
    assertThat(block).contains("schedule=\"@daily\"", "max_active_runs=1", MaintenanceMain.class.getName());
    Matcher m = Pattern.compile("bash_command=\\(\\s*((?:'[^']*'\\s*)+)\\)").matcher(block);
    assertThat(m.find()).isTrue();
    String command = m.group(1).replaceAll("'\\s*'", "").replaceAll("^'|'$", "");
    assertThat(command).contains("{{ data_interval_end | ts }}");
    List<String> args = appArguments(command.replace("{{ data_interval_end | ts }}", "2026-11-22T11:00:00+00:00"),
        "\"$VIGIL_STREAMING_JAR\"");
    assertThat(MaintenanceMain.parse(withoutConfigFile(args)).asOf()).isEqualTo(Instant.parse("2026-11-22T11:00:00Z"));
    assertThat(dag).contains("\"VIGIL_STREAMING_JAR\":", "\"VIGIL_STREAMING_CONFIG\":");
  }

  /** The words after the job jar, up to the first shell operator; quotes removed. */
  private static List<String> appArguments(String command, String jar) {
    int at = command.indexOf(" " + jar + " ");
    assertThat(at).as("%s in %s", jar, command).isPositive();
    List<String> args = new ArrayList<>();
    for (String word : command.substring(at + jar.length() + 2).trim().split("\\s+")) {
      if (word.equals(">>") || word.equals("&&") || word.equals("||")) {
        break;
      }
      args.add(word.replace("\"", "").replace("'", ""));
    }
    return args;
  }

  /** The schedule's config file lives on the scheduler's machine: parse the rest with defaults. */
  private static String[] withoutConfigFile(List<String> args) {
    List<String> rest = new ArrayList<>(args);
    int i = rest.indexOf("--config");
    rest.remove(i + 1);
    rest.remove(i);
    return rest.toArray(String[]::new);
  }
}
