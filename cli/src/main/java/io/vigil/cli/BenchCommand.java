package io.vigil.cli;

import io.vigil.cli.internal.BridgeBenchmark;
import io.vigil.cli.internal.PayloadShape;
import io.vigil.cli.internal.StackSession;
import io.vigil.cli.internal.StreamBenchmark;
import io.vigil.common.VigilHome;
import io.vigil.stack.StackEndpoints;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil bench}: speed measurements that print figures and ratios against a baseline run alongside. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Speed benchmarks with their baselines, in one run.",
    subcommands = {BenchCommand.Bridge.class, BenchCommand.Stream.class, BenchCommand.Ml.class,
        BenchCommand.Detect.class})
public final class BenchCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "bridge", mixinStandardHelpOptions = true,
      description = "One QoS 1 load through a counting subscriber (the ceiling), Vigil's bridge into Kafka, and a naive"
          + " bridge (ack on arrival, one synchronous Kafka send per message); prints msg/s, latency and ratios.")
  static final class Bridge implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--messages", defaultValue = "200000", description = "Messages per contender (default: ${DEFAULT-VALUE}).")
    int messages;

    @Option(names = "--devices", defaultValue = "1000", description = "Device topics the load is spread over (default: ${DEFAULT-VALUE}).")
    int devices;

    @Option(names = "--payload-bytes", defaultValue = "200", description = "Payload size of --payload vigil (default: ${DEFAULT-VALUE}).")
    int payloadBytes;

    @Option(names = "--payload", defaultValue = "vigil", paramLabel = "vigil|tasmota|zigbee2mqtt",
        description = "What the devices send: Vigil's dialect (padded to --payload-bytes), Tasmota's nested tele/<device>/SENSOR"
            + " or Zigbee2MQTT's zigbee2mqtt/<device>, on that family's topics; Vigil's bridge runs with the family's"
            + " parser.preset (default: ${DEFAULT-VALUE}).")
    String payload;

    @Option(names = "--naive-budget", paramLabel = "SECONDS", defaultValue = "60",
        description = "The naive bridge is measured for at most this long; its rate is what it managed (default: ${DEFAULT-VALUE}).")
    int naiveBudgetSeconds;

    @Option(names = "--mqtt-version", defaultValue = "3.1.1", description = "MQTT version of Vigil's bridge: 3.1.1 or 5 (default: ${DEFAULT-VALUE}).")
    String mqttVersion;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
        description = "A bridge config key for Vigil's contender, as in `vigil bridge --set` (repeatable), to measure a setting"
            + " against the defaults, e.g. --set kafka.producer.compression.type=none.")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--rounds", defaultValue = "3",
        description = "Rounds of ceiling then Vigil; the ratio reported is the median of the rounds' ratios (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Override
    public Integer call() throws Exception {
      if (rounds < 1 || messages < 1) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "--rounds and --messages must be at least 1, were " + rounds + " and " + messages);
      }
      PayloadShape shape;
      try {
        shape = PayloadShape.of(payload);
      } catch (io.vigil.common.VigilException e) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
      PrintStream out = System.out;
      Path work = Files.createDirectories(VigilHome.dir().resolve("bench"));
      try (StackSession stack = new StackSession(out)) {
        StackEndpoints endpoints = stack.endpoints();
        out.printf("Bridge benchmark: %,d QoS 1 %s messages of %d bytes over %,d device topics per contender (%s)%s%n",
            messages, shape.option(), shape.reading(0, System.currentTimeMillis(), payloadBytes).length, devices,
            endpoints.mqttBroker(), overrides.isEmpty() ? "" : "; Vigil with " + overrides);
        BridgeBenchmark.Result r = new BridgeBenchmark(new BridgeBenchmark.Settings(endpoints.mqttUrl(),
            endpoints.kafkaBootstrapServers(), messages, devices, payloadBytes, Duration.ofSeconds(naiveBudgetSeconds), work,
            mqttVersion, overrides, rounds, stack.serverPids(), shape),
            out).run();
        BridgeBenchmark.Figures vigil = r.medianVigil();
        out.printf("Median of %d rounds: ceiling %,.0f msg/s, Vigil %,.0f msg/s (p50 %.0f ms, p99 %.0f ms), naive %,.0f msg/s%n",
            rounds, r.medianCeiling().msgPerSecond(), vigil.msgPerSecond(), vigil.p50Ms(), vigil.p99Ms(), r.naive().msgPerSecond());
        out.printf("Vigil / ceiling: %.2f (median of the rounds' ratios %s; goal >= 0.75)   Vigil / naive: %.1fx%n",
            r.medianRatio(), r.ratios().stream().map(x -> String.format("%.2f", x)).toList(),
            vigil.msgPerSecond() / r.naive().msgPerSecond());
        boolean complete = r.vigils().stream().allMatch(f -> f.delivered() == messages);
        out.printf("CPU per 1,000 msgs (bench JVM + servers; steadier than msg/s on a busy machine): ceiling %.0f ms,"
            + " Vigil %.0f ms, ratio %.2f%n", r.medianCeiling().totalCpuMsPerThousand(), vigil.totalCpuMsPerThousand(),
            r.medianCeiling().totalCpuMsPerThousand() / vigil.totalCpuMsPerThousand());
        out.printf("Vigil delivered every message in every round: %s; dead-lettered by its parser (%s preset): %d%n",
            complete ? "yes" : "NO", shape.option(), r.deadLettered());
        return complete && r.deadLettered() == 0 ? 0 : 1;
      }
    }
  }

  @Command(name = "stream", mixinStandardHelpOptions = true,
      description = {"Preloads Kafka with a backlog of readings, then works it off in one local SparkSession: a ceiling"
          + " (Spark's Kafka source into the no-op sink, run twice: the faster run counts), Kafka into Delta's own sink"
          + " alone (what landing the records costs), and the full streaming job (every configured query). Prints"
          + " readings/s of each and the full job's ratio to the ceiling (goal >= 0.5), then the time from a probe"
          + " device's last reading to its GAP event on Kafka against its threshold plus two trigger intervals. Exit code"
          + " 0 whether or not a goal is met.",
          "Without --bootstrap-servers it uses the running local stack, or starts one for the run."})
  static final class Stream implements Callable<Integer> {
    @Option(names = "--readings", defaultValue = "2000000", description = "Readings (one measurement each) in the backlog (default: ${DEFAULT-VALUE}).")
    long readings;

    @Option(names = "--devices", defaultValue = "1000", description = "Devices the readings are spread over (default: ${DEFAULT-VALUE}).")
    int devices;

    @Option(names = "--partitions", defaultValue = "6", description = "Partitions of the benchmark's telemetry topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--warmup-readings", defaultValue = "50000",
        description = "Readings of the uncounted warm-up run through both contenders (default: ${DEFAULT-VALUE}).")
    long warmupReadings;

    @Option(names = "--probe-seconds", defaultValue = "20",
        description = "How long the GAP probe device reports, once a second, before it stops (default: ${DEFAULT-VALUE}).")
    int probeSeconds;

    @Option(names = "--timeout-minutes", defaultValue = "30", description = "Give up on a contender after this long (default: ${DEFAULT-VALUE}).")
    int timeoutMinutes;

    @Option(names = "--bootstrap-servers", description = "Kafka to use instead of the local stack.")
    String bootstrapServers;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
        description = "A streaming job setting, as for `vigil stream` (repeatable), e.g. --set trigger.interval=2s.")
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      PrintStream out = System.out;
      if (readings < 1 || devices < 1 || partitions < 1 || warmupReadings < 1 || probeSeconds < 2 || timeoutMinutes < 1) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "--readings, --devices, --partitions, --warmup-readings and --timeout-minutes must be at least 1,"
                + " --probe-seconds at least 2.");
      }
      Path work = Files.createDirectories(VigilHome.dir().resolve("bench"));
      if (bootstrapServers != null) {
        return run(bootstrapServers, work, out);
      }
      try (StackSession stack = new StackSession(out)) {
        return run(stack.endpoints().kafkaBootstrapServers(), work, out);
      }
    }

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    private int run(String kafka, Path work, PrintStream out) throws Exception {
      out.printf("Stream benchmark: %,d readings from %,d devices on %d partitions (%s), Spark local[%d]%n",
          readings, devices, partitions, kafka, Runtime.getRuntime().availableProcessors());
      StreamBenchmark.Result result = new StreamBenchmark(new StreamBenchmark.Settings(kafka, readings, devices, partitions,
          warmupReadings, Duration.ofSeconds(probeSeconds), Duration.ofMinutes(timeoutMinutes), overrides, work), out).run();
      StreamBenchmark.summary(result).forEach(out::println);
      return 0;
    }
  }

  @Command(name = "ml", mixinStandardHelpOptions = true,
      description = {"The batch schedule on the simulator's fleet with its fault labels, at several fleet sizes:"
          + " train as of the start of the scored days (fit, rolling-origin backtest against seasonal naive,"
          + " promote), then score those days walk-forward in the hourly job's windows against the promoted model.",
          "Prints relMASE against seasonal naive (goal < 0.85), event-level precision, recall and F1 per injected spike,"
              + " level shift and drift (goal F1 >= 0.8), train and score time per size with their growth exponent"
              + " (goal: close to linear), and which goals are met. Needs no stack. Exit code 0 whether or not a goal is met."})
  static final class Ml implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--sizes", split = ",", defaultValue = "1,4,16", paramLabel = "N[,N...]",
        description = "Fleet sizes as multiples of --devices (default: ${DEFAULT-VALUE}); e.g. --sizes 1,4 for a quick run.")
    List<Integer> sizes;

    @Option(names = "--devices", defaultValue = "8", description = "Devices at size 1 (default: ${DEFAULT-VALUE}).")
    int devices;

    @Option(names = "--days", defaultValue = "19",
        description = "Simulated days; the last --score-days are scored, the ones before train (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--score-days", defaultValue = "5",
        description = "Days scored walk-forward after training; the simulator starts shifts and drifts in the middle 80%% of its"
            + " days, so fewer scored days hold few of them (default: ${DEFAULT-VALUE}).")
    int scoreDays;

    @Option(names = "--interval", defaultValue = "2m", description = "Reporting interval of the simulated devices (default: ${DEFAULT-VALUE}).")
    String interval;

    @Option(names = "--faults", defaultValue = "spike=0.003,level_shift=1,drift=1",
        description = "Fault rates, as simulator.faults (default: ${DEFAULT-VALUE}: every metric shifts once and drifts once"
            + " somewhere in the simulated days, so the scored days hold enough of each to measure).")
    String faults;

    @Option(names = "--tolerance", defaultValue = "10m", description = "Event matching tolerance either side of a label (default: ${DEFAULT-VALUE}).")
    String tolerance;

    @Option(names = "--seed", defaultValue = "5", description = "Simulator seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
        description = "A batch setting, as for `vigil train` / `vigil score` (repeatable), e.g. --set score.threshold=0.6.")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
      if (sizes.isEmpty() || sizes.stream().anyMatch(x -> x < 1) || devices < 1 || scoreDays < 1 || days - scoreDays < 10) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "--sizes must be positive, --devices and --score-days at least 1, and --days at least --score-days + 10"
                + " (ten days train the model with its backtest).");
      }
      PrintStream out = System.out;
      Path work = Files.createDirectories(VigilHome.dir().resolve("bench").resolve("ml"));
      io.vigil.cli.internal.MlBenchmark.Settings settings = new io.vigil.cli.internal.MlBenchmark.Settings(devices,
          sizes.stream().sorted().distinct().toList(), days, scoreDays, io.vigil.common.internal.Durations.parse(interval), seed, faults,
          io.vigil.common.internal.Durations.parse(tolerance), overrides, work);
      out.printf("ML benchmark: simulated fleets of %s x %d devices, %d days at %s (faults %s), Spark local[%d]%n",
          settings.scales(), devices, days, interval, faults, Runtime.getRuntime().availableProcessors());
      org.apache.spark.sql.SparkSession spark = io.vigil.streaming.SparkSessions.local("vigil-bench-ml", Runtime.getRuntime().availableProcessors());
      try {
        List<io.vigil.cli.internal.MlBenchmark.Run> runs = new io.vigil.cli.internal.MlBenchmark(settings, out).run(spark);
        io.vigil.cli.internal.MlBenchmark.summary(runs, settings).forEach(out::println);
      } finally {
        spark.stop();
      }
      return 0;
    }
  }
  @Command(name = "detect", mixinStandardHelpOptions = true,
      description = {"Replays SKAB's 34 labelled pump-rig experiments through the hourly job's scorer (every metric"
          + " walk-forward, as vigil replay scores it, with the job's settings) and combines each file's metrics into a"
          + " device score per reading. Prints SKAB's two published evaluations per folder and in total: point-wise F1,"
          + " FAR (false alarm rate) and MAR (missed alarm rate) of the anomaly column at score.threshold on each file's"
          + " rows after the first 400, and NAB standard / low-FP / low-FN with 60 s windows from each changepoint and"
          + " the best threshold per profile (printed); then the share of SKAB's anomaly-free run at or above"
          + " score.threshold per metric and for the device, which goals of issue 17 are met, and the run time.",
          "Needs no stack and no Spark. Exit code 0 whether or not a goal is met."})
  static final class Detect implements Callable<Integer> {
    @Option(names = "--skab", required = true, paramLabel = "DIR",
        description = "SKAB's data directory (valve1/, valve2/, other/, anomaly-free/), e.g. ../shared/data/skab.")
    Path skab;

    @Option(names = "--csv", paramLabel = "OUT",
        description = "Also write every reading's scores here: file,time,metric,value,score,anomaly,changepoint (the device"
            + " score as metric 'device').")
    Path csv;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
        description = "A scoring setting, as for `vigil replay --set` (repeatable), to measure it against the defaults;"
            + " the defaults are what the goals are judged on.")
    List<String> overrides = new ArrayList<>();

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      java.io.PrintWriter out = spec.commandLine().getOut();
      io.vigil.cli.internal.DetectBenchmark.Result r = io.vigil.cli.internal.DetectBenchmark.run(
          new io.vigil.cli.internal.DetectBenchmark.Settings(skab, overrides, csv), line -> {
            out.println(line);
            out.flush();
          });
      io.vigil.cli.internal.DetectBenchmark.summary(r).forEach(out::println);
      if (csv != null) {
        out.println("Scores of every reading written to " + csv);
      }
      out.flush();
      return 0;
    }
  }
}
