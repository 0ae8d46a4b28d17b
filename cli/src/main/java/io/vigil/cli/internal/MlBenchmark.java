package io.vigil.cli.internal;

import io.vigil.batch.ForecastJobConfig;
import io.vigil.batch.ForecastTraining;
import io.vigil.batch.Replay;
import io.vigil.schemas.AnomalyEvent;
import io.vigil.schemas.AnomalyKind;
import io.vigil.schemas.Measurement;
import io.vigil.schemas.ParserOptions;
import io.vigil.schemas.TelemetryParser;
import io.vigil.simulator.FaultKind;
import io.vigil.simulator.FaultLabel;
import io.vigil.simulator.FleetGenerator;
import io.vigil.simulator.SimulatedMessage;
import io.vigil.simulator.SimulatorConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code vigil bench ml}: the batch schedule on the simulator's fleet with its fault
 * labels, at several fleet sizes. Per size: train as of the start of the scored days (the
 * daily job: fit, rolling-origin backtest against seasonal naive, register, promote), then score
 * the days after it walk-forward in the hourly job's windows against the promoted model (the scoring
 * functions of {@code vigil score} and {@code vigil replay}). Reports the backtest's relMASE,
 * event-level precision, recall and F1 per injected fault kind, and train and score time with
 * their growth exponent over the sizes.
 */
public final class MlBenchmark {
  /** Event-level matching, printed with the results so the figures can be read without the code. */
  public static final String MATCHING = "An event matches a label of the same kind on the same series (or a whole-device label"
      + " of its device) when [event start, event end] overlaps [label start - %s, label end + %s]. Recall: labels"
      + " starting in the scored days matched by at least one event. Precision: events starting in the scored days that"
      + " match any label (one still running from before included).";
  static final List<AnomalyKind> KINDS = List.of(AnomalyKind.SPIKE, AnomalyKind.LEVEL_SHIFT, AnomalyKind.DRIFT);

  /**
   * @param devicesAt1x fleet size at scale 1
   * @param days simulated history; the last {@code scoreDays} are scored, the days before them train the model
   */
  public record Settings(int devicesAt1x, List<Integer> scales, int days, int scoreDays, Duration interval, long seed, String faults,
      Duration tolerance, Map<String, String> overrides, Path work) {}

  /**
   * How long after a label's onset an event still counts as reporting that onset in the stricter
   * reading: level shifts and drifts are labelled from their onset to the end of the simulated data,
   * so under {@link #MATCHING} an event a week later on the same series is as right as one at the
   * onset. It is right (the series is still shifted or drifting), but it is a re-report.
   */
  public static final Duration ONSET_SPAN = Duration.ofDays(1);

  /**
   * Detection of one kind: labels, labels found, events, events matching a label, and events matching
   * a label cut to its first {@link #ONSET_SPAN} (the stricter reading).
   */
  public record Detection(AnomalyKind kind, long labels, long labelsFound, long events, long eventsTrue, long eventsAtOnset) {

    /** Precision in the stricter reading: events within {@link #ONSET_SPAN} of a label's onset. */
    public double precisionAtOnset() {
      return events == 0 ? Double.NaN : (double) eventsAtOnset / events;
    }

    public double recall() {
      return labels == 0 ? Double.NaN : (double) labelsFound / labels;
    }

    public double precision() {
      return events == 0 ? Double.NaN : (double) eventsTrue / events;
    }

    public double f1() {
      double p = precision();
      double r = recall();
      return Double.isNaN(p) || Double.isNaN(r) || p + r == 0 ? Double.NaN : 2 * p * r / (p + r);
    }
  }

  /** One fleet size's figures. */
  public record Run(int scale, int devices, int series, long readings, double trainSeconds, double scoreSeconds,
      double relMase, int backtestSeries, String forecaster, List<Detection> detection, long otherEvents) {}

  private final Settings settings;
  private final PrintStream out;

  public MlBenchmark(Settings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
  }

  public List<Run> run(SparkSession spark) {
    // Uncounted: the first Spark jobs and MLlib fits of a JVM pay for class loading and JIT; a small fleet pays it here.
    long w0 = System.nanoTime();
    runOne(spark, 1, 1, Map.of(ForecastJobConfig.MODEL_MAX_ITER, "5"));
    out.printf("Warm-up (1 device, not counted) took %.1f s%n", (System.nanoTime() - w0) / 1e9);
    List<Run> runs = new ArrayList<>();
    for (int scale : settings.scales()) {
      Run r = runOne(spark, scale, settings.devicesAt1x() * scale, Map.of());
      out.println(HEADER);
      out.println(row(r));
      runs.add(r);
    }
    return runs;
  }

  private Run runOne(SparkSession spark, int scale, int devices, Map<String, String> extra) {
    Instant anchor = Instant.parse("2026-11-22T00:00:00Z");
    Instant scoreFrom = anchor.minus(Duration.ofDays(settings.scoreDays()));
    Map<String, String> sim = new HashMap<>();
    sim.put(SimulatorConfig.DEVICES, Integer.toString(devices));
    sim.put(SimulatorConfig.HISTORY, settings.days() + "d");
    sim.put(SimulatorConfig.DURATION, "0s");
    sim.put(SimulatorConfig.INTERVAL, settings.interval().toSeconds() + "s");
    sim.put(SimulatorConfig.SEED, Long.toString(settings.seed()));
    sim.put(SimulatorConfig.OUTPUT, "count");
    sim.put(SimulatorConfig.FAULTS, settings.faults());
    FleetGenerator fleet = new FleetGenerator(new SimulatorConfig(sim), Clock.fixed(anchor, ZoneOffset.UTC));
    TelemetryParser parser = new TelemetryParser(ParserOptions.defaults());
    Map<String, TreeMap<Long, Double>> series = new TreeMap<>();
    List<Row> rows = new ArrayList<>();
    while (fleet.hasNext()) {
      SimulatedMessage msg = fleet.next();
      for (Measurement m : parser.parse(msg.topic(), msg.payload(), msg.publishTime().toEpochMilli()).measurements()) {
        series.computeIfAbsent(m.deviceId() + "|" + m.metric(), k -> new TreeMap<>()).put(m.eventTimeMillis() * 1000, m.value());
        rows.add(RowFactory.create(m.deviceId(), m.metric(), new Timestamp(m.eventTimeMillis()), m.value()));
      }
    }
    List<FaultLabel> labels = fleet.labels();
    StructType schema = new StructType().add("device_id", DataTypes.StringType, false).add("metric", DataTypes.StringType, false)
        .add("event_time", DataTypes.TimestampType, false).add("value", DataTypes.DoubleType, false);
    Dataset<Row> measurements = spark.createDataFrame(rows, schema).cache();
    long readings = measurements.count();
    out.printf("%2s: %d devices, %d series, %,d readings over %d days; training as of %s, scoring the %d days after%n",
        extra.isEmpty() ? scale + "x" : "warm-up",
        devices, series.size(), readings, settings.days(), scoreFrom, settings.scoreDays());

    Map<String, String> c = new LinkedHashMap<>();
    c.put(ForecastJobConfig.HISTORY, (settings.days() - settings.scoreDays()) + "d");
    c.put(ForecastJobConfig.MODELS_PATH, settings.work().resolve("models-" + devices + "-" + System.nanoTime()).toString());
    c.put(ForecastJobConfig.SILVER_PATH, "bench:simulated-fleet");
    c.putAll(settings.overrides());
    c.putAll(extra);
    ForecastJobConfig config = new ForecastJobConfig(c);

    long t0 = System.nanoTime();
    ForecastTraining.Report report = ForecastTraining.train(spark, measurements, config, scoreFrom, Clock.systemUTC());
    long t1 = System.nanoTime();
    List<Replay.SeriesReadings> input = new ArrayList<>();
    series.forEach((key, readingsOf) -> {
      String[] id = key.split("\\|");
      input.add(new Replay.SeriesReadings(id[0], id[1], readingsOf.keySet().stream().mapToLong(Long::longValue).toArray(),
          readingsOf.values().stream().mapToDouble(Double::doubleValue).toArray()));
    });
    Replay.FleetScores scores = Replay.scoreFleet(spark, config, input, scoreFrom);
    long t2 = System.nanoTime();
    measurements.unpersist();

    List<Detection> detection = new ArrayList<>();
    for (AnomalyKind kind : KINDS) {
      detection.add(detect(kind, scores.events(), labels, scoreFrom, anchor, settings.tolerance()));
    }
    long other = scores.events().stream().filter(e -> !KINDS.contains(e.kind())).count();
    return new Run(scale, devices, series.size(), readings, (t1 - t0) / 1e9, (t2 - t1) / 1e9, report.backtest().relMase(),
        report.backtest().seriesScored(), scores.forecaster(), detection, other);
  }

  /** Event-level detection of {@code kind} in [from, to); see {@link #MATCHING}. */
  public static Detection detect(AnomalyKind kind, List<AnomalyEvent> events, List<FaultLabel> labels, Instant from, Instant to,
      Duration tolerance) {
    FaultKind fault = FaultKind.valueOf(kind.name());
    List<FaultLabel> ofKind = labels.stream().filter(l -> l.kind() == fault).toList();
    List<AnomalyEvent> detected = events.stream().filter(e -> e.kind() == kind && !e.start().isBefore(from) && e.start().isBefore(to))
        .toList();
    List<FaultLabel> inDay = ofKind.stream().filter(l -> !l.start().isBefore(from) && l.start().isBefore(to)).toList();
    long found = inDay.stream().filter(l -> detected.stream().anyMatch(e -> matches(e, l, tolerance))).count();
    long trueEvents = detected.stream().filter(e -> ofKind.stream().anyMatch(l -> matches(e, l, tolerance))).count();
    long atOnset = detected.stream().filter(e -> ofKind.stream().anyMatch(l -> matches(e, cutToOnset(l), tolerance))).count();
    return new Detection(kind, inDay.size(), found, detected.size(), trueEvents, atOnset);
  }

  private static FaultLabel cutToOnset(FaultLabel l) {
    Instant cut = l.start().plus(ONSET_SPAN);
    return l.end() != null && l.end().isBefore(cut) ? l : new FaultLabel(l.device(), l.metric(), l.kind(), l.start(), cut);
  }

  static boolean matches(AnomalyEvent e, FaultLabel l, Duration tolerance) {
    boolean sameSeries = e.deviceId().equals(l.device())
        && (l.metric().equals(FaultLabel.WHOLE_DEVICE) || l.metric().equals(e.metric()));
    Instant eventEnd = e.end() == null ? e.start() : e.end();
    Instant labelEnd = l.end() == null ? Instant.MAX.minus(tolerance) : l.end();
    return sameSeries && !eventEnd.isBefore(l.start().minus(tolerance)) && !e.start().isAfter(labelEnd.plus(tolerance));
  }

  /** Slope of log(y) over log(x) by least squares: 1 is linear growth. NaN with fewer than two points. */
  public static double growthExponent(List<Integer> x, List<Double> y) {
    int n = x.size();
    if (n < 2) {
      return Double.NaN;
    }
    double mx = 0;
    double my = 0;
    for (int i = 0; i < n; i++) {
      mx += Math.log(x.get(i)) / n;
      my += Math.log(y.get(i)) / n;
    }
    double sxy = 0;
    double sxx = 0;
    for (int i = 0; i < n; i++) {
      double dx = Math.log(x.get(i)) - mx;
      sxy += dx * (Math.log(y.get(i)) - my);
      sxx += dx * dx;
    }
    return sxy / sxx;
  }

  static final String HEADER = String.format(Locale.ROOT, "%-5s %8s %12s %9s %9s %8s  %-28s %-28s %-28s", "size", "series",
      "readings", "train s", "score s", "relMASE", "spike P/R/F1 (events/labels)", "level shift P/R/F1", "drift P/R/F1");

  /** One size's figures on one line (printed as soon as the size is done, and again in the summary). */
  static String row(Run r) {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-5s %8d %,12d %9.1f %9.1f %8.3f ", r.scale() + "x",
        r.series(), r.readings(), r.trainSeconds(), r.scoreSeconds(), r.relMase()));
    for (Detection d : r.detection()) {
      b.append(String.format(Locale.ROOT, " %-28s", String.format(Locale.ROOT, "%s/%s/%s (%d/%d)", f2(d.precision()),
          f2(d.recall()), f2(d.f1()), d.events(), d.labels())));
    }
    return b.toString();
  }

  /** The report: per size, then goals met or not. */
  public static List<String> summary(List<Run> runs, Settings s) {
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT, "Event matching: " + MATCHING, s.tolerance(), s.tolerance()));
    lines.add(HEADER);
    runs.forEach(r -> lines.add(row(r)));
    lines.add(String.format(Locale.ROOT, "Scored against (the promoted model, or seasonal naive when the trained one did not"
        + " beat it): %s; other events (forecast deviations): %s", runs.stream().map(r -> r.scale() + "x " + r.forecaster()).toList(),
        runs.stream().map(r -> r.scale() + "x " + r.otherEvents()).toList()));
    lines.add(String.format(Locale.ROOT, "Level shifts and drifts are labelled from their onset to the end of the data, so an event"
        + " on a series long after its onset matches too (it is right: the series is still shifted or drifting). Stricter"
        + " reading, events within %s of a label's onset: %s", ONSET_SPAN, runs.stream().map(r -> r.scale() + "x "
        + r.detection().stream().filter(d -> d.kind() != AnomalyKind.SPIKE).map(d -> String.format(Locale.ROOT, "%s %d of %d"
            + " (precision %s)", d.kind(), d.eventsAtOnset(), d.events(), f2(d.precisionAtOnset()))).toList()).toList()));
    List<Integer> scales = runs.stream().map(Run::scale).toList();
    double eTrain = growthExponent(scales, runs.stream().map(Run::trainSeconds).toList());
    double eScore = growthExponent(scales, runs.stream().map(Run::scoreSeconds).toList());
    double eTotal = growthExponent(scales, runs.stream().map(r -> r.trainSeconds() + r.scoreSeconds()).toList());
    lines.add(String.format(Locale.ROOT, "Growth exponent (log-log slope of time over data size %s): train %s, score %s,"
        + " train+score %s (1 = linear)", scales, f2(eTrain), f2(eScore), f2(eTotal)));
    double worstRel = runs.stream().mapToDouble(Run::relMase).max().orElse(Double.NaN);
    lines.add(String.format(Locale.ROOT, "Goal relMASE < 0.85 vs seasonal naive: %s (worst %.3f)", met(worstRel < 0.85), worstRel));
    for (AnomalyKind kind : KINDS) {
      // A size with no label of the kind in its scored days has no recall, so no F1: it is left out, not counted as 0.
      double[] f1s = runs.stream().flatMap(r -> r.detection().stream()).filter(d -> d.kind() == kind && d.labels() > 0)
          .mapToDouble(d -> Double.isNaN(d.f1()) ? 0 : d.f1()).toArray();
      double worst = java.util.Arrays.stream(f1s).min().orElse(Double.NaN);
      lines.add(String.format(Locale.ROOT, "Goal %s F1 >= 0.8: %s", kind, f1s.length == 0 ? "not measured (no labels in the scored days)"
          : met(worst >= 0.8) + String.format(Locale.ROOT, " (worst %.2f over %d sizes with labels)", worst, f1s.length)));
    }
    lines.add(String.format(Locale.ROOT, "Goal close-to-linear growth (exponent <= 1.2): %s%s", runs.size() < 2 ? "not measured"
        : met(eTotal <= 1.2), runs.size() < 2 ? " (needs two sizes)" : ""));
    return lines;
  }

  private static String met(boolean ok) {
    return ok ? "MET" : "NOT MET";
  }

  private static String f2(double x) {
    return Double.isNaN(x) ? "n/a" : String.format(Locale.ROOT, "%.2f", x);
  }
}
