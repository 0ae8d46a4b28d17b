package io.vigil.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * conf/crontab and conf/airflow/vigil_dag.py name real entry points with arguments those entry points
 * accept, and pass the schedule's logical time as --as-of. Both files are parsed as text (no Python
 * on CI): every spark-submit invocation is extracted, its templates rendered for a sample logical
 * time, its main class loaded and its arguments parsed by the real picocli command, without running it.
 */
class ScheduleFilesTest {
  private static final Path REPO = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath().getParent();
  /** When cron fires the hourly job (5 past) and the daily one (00:20), and the as_of each should get. */
  private static final ZonedDateTime CRON_HOURLY_FIRE = ZonedDateTime.of(2026, 11, 22, 10, 5, 0, 0, ZoneOffset.UTC);
  private static final ZonedDateTime CRON_DAILY_FIRE = ZonedDateTime.of(2026, 11, 22, 0, 20, 0, 0, ZoneOffset.UTC);
  /** An Airflow data interval's end, as its {@code ts} filter renders it. */
  private static final String AIRFLOW_INTERVAL_END = "2026-11-22T11:00:00+00:00";
  private static final Set<String> SPARK_SUBMIT_OPTIONS_WITH_VALUE = Set.of("--master", "--deploy-mode", "--class", "--name",
      "--jars", "--packages", "--conf", "-c", "--driver-memory", "--driver-java-options", "--driver-class-path",
      "--executor-memory", "--properties-file", "--files", "--num-executors", "--executor-cores", "--total-executor-cores",
      "--queue", "--driver-cores");
  private static final Set<String> SHELL_OPERATORS = Set.of("&&", "||", ";", "|", ">", ">>", "2>&1", "2>", "&");

  /**
   * The streaming-jobs entry point scheduled next to the batch jobs (MaintenanceMain): not on this
   * module's classpath, so MaintenanceMainTest in streaming-jobs checks its lines.
   */
  private static final String STREAMING_JOBS = "io.vigil.streaming.";

  /** One spark-submit call: where it was found, its main class, job jar and application arguments. */
  record Invocation(String source, String mainClass, String jar, List<String> args) {}

  @Test
  void crontabScoresHourlyAndTrainsDailyWithTheScheduleTimeAsAsOf() throws IOException {
    List<String> lines = Files.readAllLines(REPO.resolve("conf/crontab"));
    List<String> jobs = lines.stream().map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#") && !l.matches("[A-Za-z_][A-Za-z0-9_]*=.*"))
        .filter(l -> !l.contains(STREAMING_JOBS)).toList();
    assertThat(jobs).hasSize(2);

    Invocation score = null;
    Invocation train = null;
    for (String job : jobs) {
      String[] fields = job.split("\\s+", 6);
      assertThat(fields).as(job).hasSize(6);
      for (int i = 0; i < 5; i++) {
        assertThat(fields[i]).as("cron field %d of %s", i, job).matches("[0-9*/,\\-]+");
      }
      String command = fields[5];
      // cron turns an unescaped % into a newline: every % must be written \%.
      assertThat(command.replace("\\%", "")).as(job).doesNotContain("%");
      assertThat(command).as("a lock keeps runs of one job from overlapping").contains("flock");
      assertThat(command).as("the job logs somewhere").containsPattern(">> \"\\$VIGIL_LOGS/[a-z]+\\.log\" 2>&1");
      boolean hourly = fields[1].equals("*");
      ZonedDateTime fire = hourly ? CRON_HOURLY_FIRE : CRON_DAILY_FIRE;
      List<Invocation> calls = invocations("crontab", renderCron(command, fire));
      assertThat(calls).as(job).hasSize(1);
      Invocation call = calls.get(0);
      if (hourly) {
        assertThat(fields[0]).matches("[0-9]+");
        score = call;
      } else {
        assertThat(fields[0]).matches("[0-9]+");
        assertThat(fields[1]).matches("[0-9]+");
        assertThat(fields[2] + fields[3] + fields[4]).isEqualTo("***");
        train = call;
      }
    }
    assertThat(score).isNotNull();
    assertThat(train).isNotNull();
    assertThat(score.mainClass()).isEqualTo(ScoreMain.class.getName());
    assertThat(train.mainClass()).isEqualTo(ForecastMain.class.getName());

    ScoreMain scoreMain = (ScoreMain) parsed(score);
    assertThat(scoreMain.asOf).isEqualTo(Instant.parse("2026-11-22T10:00:00Z"));
    ForecastMain trainMain = (ForecastMain) parsed(train);
    assertThat(trainMain.train).isTrue();
    assertThat(trainMain.asOf).isEqualTo(Instant.parse("2026-11-22T00:00:00Z"));

    Map<String, String> env = cronEnvironment(lines);
    assertThat(env.get("VIGIL_JOB_JAR")).matches(".*/batch-ml/target/vigil-batch-ml-[^/]+-spark\\.jar");
    assertThat(env.get("VIGIL_CONFIG")).endsWith("/conf/batch.properties");
    assertThat(score.jar()).isEqualTo("$VIGIL_JOB_JAR");
  }

  @Test
  void airflowDagsCallTheSameEntryPointsWithTheDataIntervalEndAsAsOf() throws IOException {
    String dag = Files.readString(REPO.resolve("conf/airflow/vigil_dag.py"));
    List<String> commands = bashCommands(dag).stream().filter(c -> !c.contains(STREAMING_JOBS)).toList();
    assertThat(commands).hasSize(2);
    List<Invocation> calls = new ArrayList<>();
    for (String c : commands) {
      assertThat(c).contains("{{ data_interval_end | ts }}");
      calls.addAll(invocations("vigil_dag.py", renderAirflow(c)));
    }
    assertThat(calls).extracting(Invocation::mainClass).containsExactly(ScoreMain.class.getName(), ForecastMain.class.getName());

    ScoreMain scoreMain = (ScoreMain) parsed(calls.get(0));
    assertThat(scoreMain.asOf).isEqualTo(Instant.parse("2026-11-22T11:00:00Z"));
    ForecastMain trainMain = (ForecastMain) parsed(calls.get(1));
    assertThat(trainMain.train).isTrue();
    assertThat(trainMain.asOf).isEqualTo(Instant.parse("2026-11-22T11:00:00Z"));

    // The scheduling contract the docstring promises: hourly score, daily train, backfills, retries, no overlap.
    assertThat(dagBlock(dag, "vigil_score")).contains("schedule=\"@hourly\"", "catchup=True", "max_active_runs=1");
    assertThat(dagBlock(dag, "vigil_train")).contains("schedule=\"@daily\"", "catchup=True", "max_active_runs=1");
    assertThat(dag).containsPattern("\"retries\": [1-9]");
    for (String variable : List.of("VIGIL_ROOT", "VIGIL_JOB_JAR", "VIGIL_CONFIG", "VIGIL_SPARK_MASTER")) {
      assertThat(dag).contains("\"" + variable + "\":");
    }
  }

  @Test
  void theSettingsFileTheSchedulesUseIsValidAndScoresOneScheduledPeriod() {
    ForecastJobConfig config = ForecastJobConfig.load(REPO.resolve("conf/batch.properties"), List.of());
    assertThat(config.scoreInterval()).isEqualTo(java.time.Duration.ofHours(1));
  }

  @Test
  void theCheckerRejectsUnknownClassesAndArgumentsTheCommandDoesNotTake() {
    Invocation unknownClass = invocations("t", "scripts/spark-submit --class io.vigil.batch.NoSuchMain job.jar --as-of x").get(0);
    assertThatThrownBy(() -> parsed(unknownClass)).isInstanceOf(AssertionError.class).hasMessageContaining("NoSuchMain");
    Invocation badOption = invocations("t",
        "scripts/spark-submit --class io.vigil.batch.ScoreMain job.jar --train --as-of 2026-11-22T10:00:00Z").get(0);
    assertThatThrownBy(() -> parsed(badOption)).isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--train");
    Invocation badTime = invocations("t",
        "scripts/spark-submit --class io.vigil.batch.ScoreMain job.jar --as-of 2026-11-22").get(0);
    assertThatThrownBy(() -> parsed(badTime)).isInstanceOf(CommandLine.ParameterException.class);
    assertThatThrownBy(() -> renderAirflow("x --as-of {{ ds }}")).isInstanceOf(AssertionError.class).hasMessageContaining("{{ ds }}");
  }

  /** Loads the main class, checks it has main(String[]), and parses the arguments with its picocli command. */
  static Object parsed(Invocation call) {
    Class<?> type;
    try {
      type = Class.forName(call.mainClass());
    } catch (ClassNotFoundException e) {
      throw new AssertionError(call.source() + " calls " + call.mainClass() + ", which is not on the classpath", e);
    }
    try {
      Method main = type.getMethod("main", String[].class);
      assertThat(Modifier.isStatic(main.getModifiers())).as(call.mainClass() + ".main is static").isTrue();
      Object command = type.getDeclaredConstructor().newInstance();
      new CommandLine(command).parseArgs(call.args().toArray(String[]::new));
      return command;
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(call.mainClass() + " has no public static main(String[]) or no-argument constructor", e);
    }
  }

  /** Every spark-submit call in a shell command line. */
  static List<Invocation> invocations(String source, String commandLine) {
    List<String> words = shellWords(commandLine);
    List<Invocation> out = new ArrayList<>();
    for (int i = 0; i < words.size(); i++) {
      if (!words.get(i).endsWith("spark-submit")) {
        continue;
      }
      String mainClass = null;
      int j = i + 1;
      while (j < words.size() && words.get(j).startsWith("-")) {
        String w = words.get(j);
        if (w.equals("--class")) {
          mainClass = words.get(j + 1);
        }
        j += SPARK_SUBMIT_OPTIONS_WITH_VALUE.contains(w) ? 2 : 1;
      }
      assertThat(mainClass).as(source + ": spark-submit without --class in " + commandLine).isNotNull();
      assertThat(j).as(source + ": spark-submit without a job jar").isLessThan(words.size());
      String jar = words.get(j);
      List<String> args = new ArrayList<>();
      for (j++; j < words.size() && !SHELL_OPERATORS.contains(words.get(j)); j++) {
        args.add(words.get(j));
      }
      out.add(new Invocation(source, mainClass, jar, args));
      i = j;
    }
    return out;
  }

  /** Splits like a POSIX shell: quotes group and are removed, backslash escapes one character; {@code $(..)} is one word. */
  static List<String> shellWords(String s) {
    List<String> words = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    boolean inWord = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(w.toString());
          w.setLength(0);
          inWord = false;
        }
        continue;
      }
      inWord = true;
      if (c == '\'') {
        int end = s.indexOf('\'', i + 1);
        assertThat(end).as("unterminated ' in " + s).isPositive();
        w.append(s, i + 1, end);
        i = end;
      } else if (c == '"') {
        int end = i + 1;
        while (s.charAt(end) != '"') {
          end += s.charAt(end) == '\\' ? 2 : 1;
        }
        w.append(s.substring(i + 1, end).replaceAll("\\\\([\"\\\\$`])", "$1"));
        i = end;
      } else if (c == '\\' && i + 1 < s.length()) {
        w.append(s.charAt(++i));
      } else {
        w.append(c);
      }
    }
    if (inWord) {
      words.add(w.toString());
    }
    return words;
  }

  /** The crontab's {@code $(date -u +FORMAT)} substitutions evaluated at {@code fire}; anything else unexpanded. */
  static String renderCron(String command, ZonedDateTime fire) {
    Matcher m = Pattern.compile("\\$\\(date -u \\+([^)]*)\\)").matcher(command);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String format = m.group(1).replace("\\%", "%");
      String value = format.replace("%Y", String.format("%04d", fire.getYear()))
          .replace("%m", String.format("%02d", fire.getMonthValue())).replace("%d", String.format("%02d", fire.getDayOfMonth()))
          .replace("%H", String.format("%02d", fire.getHour())).replace("%M", String.format("%02d", fire.getMinute()))
          .replace("%S", String.format("%02d", fire.getSecond()))
          .replace("%F", fire.toLocalDate().toString()).replace("%T", fire.toLocalTime().toString());
      assertThat(value).as("unsupported date format " + format).doesNotContain("%");
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** The DAG's Jinja expressions rendered as Airflow would for one run; an expression this test does not know fails. */
  static String renderAirflow(String command) {
    String rendered = command.replace("{{ data_interval_end | ts }}", AIRFLOW_INTERVAL_END);
    Matcher left = Pattern.compile("\\{\\{.*?}}").matcher(rendered);
    if (left.find()) {
      throw new AssertionError("template " + left.group() + " is not rendered by this test; add it to renderAirflow");
    }
    return rendered;
  }

  /** Every {@code bash_command=} value: a string literal or a parenthesised run of adjacent literals, concatenated. */
  static List<String> bashCommands(String python) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("bash_command\\s*=\\s*").matcher(python);
    while (m.find()) {
      int i = m.end();
      boolean grouped = python.charAt(i) == '(';
      i += grouped ? 1 : 0;
      StringBuilder value = new StringBuilder();
      while (true) {
        while (Character.isWhitespace(python.charAt(i))) {
          i++;
        }
        char q = python.charAt(i);
        if (q != '\'' && q != '"') {
          assertThat(grouped && q == ')').as("bash_command must be string literals, found '" + q + "' at " + i).isTrue();
          break;
        }
        int end = i + 1;
        while (python.charAt(end) != q) {
          end += python.charAt(end) == '\\' ? 2 : 1;
        }
        value.append(python, i + 1, end);
        i = end + 1;
        if (!grouped) {
          break;
        }
      }
      out.add(value.toString().replace("\\\"", "\"").replace("\\'", "'"));
    }
    return out;
  }

  private static String dagBlock(String dag, String dagId) {
    int start = dag.indexOf("dag_id=\"" + dagId + "\"");
    assertThat(start).as("DAG " + dagId).isNotNegative();
    int end = dag.indexOf("with DAG(", start);
    return dag.substring(start, end < 0 ? dag.length() : end);
  }

  private static Map<String, String> cronEnvironment(List<String> lines) {
    Map<String, String> env = new java.util.TreeMap<>();
    for (String l : lines) {
      Matcher m = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(.*)").matcher(l.strip());
      if (m.matches()) {
        env.put(m.group(1), m.group(2));
      }
    }
    return env;
  }
}
