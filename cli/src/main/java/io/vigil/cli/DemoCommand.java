package io.vigil.cli;

import io.vigil.cli.internal.DemoReportData;
import io.vigil.cli.internal.DemoReportWriter;
import io.vigil.cli.internal.DetectionScore;
import io.vigil.cli.internal.StackSession;
import io.vigil.cli.internal.DemoLogs;
import io.vigil.cli.internal.StatusPrinter;
import io.vigil.common.VigilHome;
import io.vigil.schemas.AnomalyEvent;
import io.vigil.schemas.AnomalyKind;
import io.vigil.stack.StackEndpoints;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil demo}: Vigil's main job end to end on embedded defaults, then a summary. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Runs Vigil end to end on this machine: starts the local stack (Kafka + MQTT broker) unless one is"
        + " running, the bridge, the streaming job and a simulated fleet with injected gaps, dead devices, cadence"
        + " changes, spikes and level shifts, then trains a forecasting model, forecasts and scores every series, prints what was detected"
        + " against what was injected, writes report.html with charts, and stops everything it started, also on Ctrl-C.")
public final class DemoCommand implements Callable<Integer> {
  @Option(names = "--devices", paramLabel = "N", defaultValue = "12", description = "Simulated devices (default: ${DEFAULT-VALUE}).")
  int devices;

  @Option(names = "--live", paramLabel = "SECONDS", defaultValue = "90", description = "Seconds of live traffic with faults (default: ${DEFAULT-VALUE}).")
  int liveSeconds;

  @Option(names = "--seed", defaultValue = "7", description = "Simulator seed; the same seed gives the same fleet and faults (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--work-dir", paramLabel = "DIR", description = "Where the demo's tables and labels go (default: $VIGIL_HOME/demo/<time>).")
  Path workDir;

  @Option(names = "--dialects", paramLabel = "LIST", defaultValue = "mixed",
      description = "The fleet's firmware: simulator dialects, each device's drawn from the seed (default: ${DEFAULT-VALUE}:"
          + " every family, history-capable ones twice so most devices backfill history); `vigil` for Vigil's own contract only.")
  String dialects;

  @Option(names = "--report-devices", paramLabel = "N", defaultValue = "12",
      description = "Devices charted in report.html (default: ${DEFAULT-VALUE}).")
  int reportDevices;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    Path work = workDir != null ? workDir
        : VigilHome.dir().resolve("demo").resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    Files.createDirectories(work);

    out.print("[stack] ");
    try (StackSession stack = new StackSession(out)) {
      StackEndpoints endpoints = stack.endpoints();
      EndToEndRun.Settings settings = new EndToEndRun.Settings(endpoints.kafkaBootstrapServers(), endpoints.mqttUrl(), work,
          devices, EndToEndRun.DEMO_HISTORY, EndToEndRun.DEMO_HISTORY_INTERVAL, Duration.ofSeconds(liveSeconds), Duration.ofSeconds(2),
          EndToEndRun.DEMO_FAULTS, seed, Duration.ofSeconds(120), true,
          "mixed".equals(dialects) ? EndToEndRun.DEMO_DIALECTS : dialects);
      // Set once the run exists; read by the status line's thread.
      java.util.concurrent.atomic.AtomicReference<EndToEndRun> run = new java.util.concurrent.atomic.AtomicReference<>();
      boolean terminal = StatusPrinter.stdoutIsTerminal();
      Path[] report = new Path[1];
      Path log = work.resolve("vigil-demo.log");
      try (StatusPrinter status = new StatusPrinter(out, () -> run.get() == null ? null : run.get().status(), terminal,
          Duration.ofSeconds(1), Duration.ofSeconds(10));
          // The jobs' INFO lines would cut into the status line: they go to the run's directory, warnings above the line.
          DemoLogs logs = DemoLogs.divert(log, terminal ? status::line : System.err::println)) {
        status.line("Log         " + log.toAbsolutePath() + " (on screen: warnings and errors only)");
        int[] step = {1};
        EndToEndRun demo = new EndToEndRun(settings, line -> status.line("[" + step[0]++ + "] " + line), Clock.systemUTC())
            .beforeSparkStops((spark, result) -> {
              status.line("[" + step[0]++ + "] Writing the HTML report");
              java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
              printSummary(new PrintStream(text, true, java.nio.charset.StandardCharsets.UTF_8), result, work);
              try {
                report[0] = new DemoReportWriter().write(DemoReportData.read(spark, result, reportDevices,
                    text.toString(java.nio.charset.StandardCharsets.UTF_8).strip()), work);
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
        // Ctrl-C: the job and the bridge stop before the stack they write to.
        stack.beforeStopOnExit(demo::stopStarted);
        run.set(demo);
        EndToEndRun.Result result = demo.run();
        status.close();
        printSummary(out, result, work);
        out.println("Report      " + report[0].toAbsolutePath());
        out.println("Log         " + log.toAbsolutePath());
        return result.missed().isEmpty() && result.inactiveMissed().isEmpty() && result.cadence().missed().isEmpty() ? 0 : 1;
      }
    }
  }

  static void printSummary(PrintStream out, EndToEndRun.Result r, Path work) {
    Map<AnomalyKind, Long> byKind = new TreeMap<>();
    for (AnomalyEvent e : r.anomalies()) {
      byKind.merge(e.kind(), 1L, Long::sum);
    }
    out.println();
    out.println("=== Vigil demo summary ===");
    out.printf("Published   history %,d, live %,d messages (failed %d)%n", r.history().delivered(), r.live().delivered(),
        r.history().failed() + r.live().failed());
    out.printf("Bridged     %,d to Kafka, %,d refused to the dead-letter topic, %,d acknowledged%n",
        r.bridge().get("produced"), r.bridge().get("dead_lettered"), r.bridge().get("acked"));
    out.println("Fleet       firmware family: devices (history?), records bridged to Kafka (by its route), silver rows");
    for (EndToEndRun.Family f : r.fleet()) {
      out.printf("            %-26s %2d device(s) %-10s bridged %,8d  silver %,8d%s%n", f.dialect(), f.devices(),
          f.history() ? "(history)" : "(live)", f.bridged(), f.silverRows(), f.silverRows() == 0 ? "  <- NOTHING LANDED" : "");
    }
    out.printf("Tables      silver %,d rows, quarantine %,d rows, anomaly events %,d rows, forecasts %,d rows%n",
        r.silverRows(), r.quarantineRows(), r.anomalyRows(), r.forecastRows());
    out.printf("Silence     injected on %s (must be flagged: %s); flagged with GAP: %s%n", r.mayDetect(), r.mustDetect(),
        r.detected());
    out.printf("            missed: %s, false alarms: %s (the GAPs every device gets when the simulation ends are not counted)%n",
        r.missed(), r.falseAlarms());
    out.printf("Inactive    devices killed %s (must be flagged: %s); flagged INACTIVE: %s%n", r.dead(), r.mustInactive(),
        r.inactive());
    out.printf("            missed: %s, false alarms: %s%n", r.inactiveMissed(), r.inactiveFalseAlarms());
    out.println(r.cadence().render());
    out.printf("Events      %s%n", byKind);
    EndToEndRun.Batch b = r.batch();
    if (b != null) {
      DetectionScore d = b.detection();
      out.printf("Anomalies   injected %d (spikes, level shifts, drifts), found %d: recall %s; scorer events %d, %d right:"
          + " precision %s%n", d.injected(), d.found(), fmt(d.recall()), d.detected(), d.correct(), fmt(d.precision()));
      out.printf("            scored %,d readings of %d series against %s%n", b.scoring().readingsScored(),
          b.scoring().seriesScored(), b.scoring().forecaster());
      out.println(modelLine(b.training()));
    }
    Double rel = r.forecast().relMase();
    out.printf("Forecasts   %d series forecast (%s), baselines' mean MASE %s, relMASE vs seasonal naive %s%n",
        r.forecast().seriesForecast(), r.forecast().modelVersion() == null ? "by the baselines, no model is current"
            : r.forecast().seriesByModel() + " by model " + r.forecast().modelVersion(),
        fmt(r.forecast().meanMaseChosen()), fmt(rel));
    out.println("Work dir    " + work + " (Delta tables under tables/, fault labels in live-labels.csv)");
  }

  /** The trained model, its backtest against seasonal naive and whether it became the current model. */
  static String modelLine(io.vigil.batch.ForecastTraining.Report t) {
    var bt = t.backtest();
    double weight = t.metadata().correctionWeightOrFull();
    return String.format("Model       %s %s: backtest relMASE vs seasonal naive %s (MASE %s against %s) over %d series, %d targets;"
            + " %s%s",
        t.version(), t.promotion().promoted() ? "PROMOTED, current" : "not promoted", fmt(bt.relMase()), fmt(bt.meanMaseModel()),
        fmt(bt.meanMaseSeasonalNaive()), bt.seriesScored(), bt.targets(),
        weight == 0 ? "seasonal profile + level offset, the trees' correction weighted 0 (it did not help on held-out origins)"
            : String.format("seasonal profile + level offset + %.2f x the trees' correction", weight),
        t.promotion().promoted() ? "" : System.lineSeparator() + "            " + t.promotion().reason() + "; the baselines forecast instead");
  }

  private static String fmt(Double d) {
    return d == null || d.isNaN() ? "n/a" : String.format("%.3f", d);
  }
}
