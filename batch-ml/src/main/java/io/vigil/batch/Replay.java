package io.vigil.batch;

import io.vigil.batch.internal.ReplayCsv;
import io.vigil.batch.internal.ScorePlan;
import io.vigil.batch.internal.WalkForward;
import io.vigil.common.VigilErrors;
import io.vigil.schemas.AnomalyEvent;
import io.vigil.schemas.AnomalyKind;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongFunction;

/**
 * Walk-forward scoring of a CSV of readings ({@code vigil replay}): every reading is scored as the
 * hourly scoring job would have scored it when its window closed, from readings before it only, with
 * the job's settings (one parameter set for every series). Output: {@code timestamp,value,anomaly_score}
 * (plus device and metric when the input has them) in input row order; the score is the job's
 * calibrated score in [0, 1], 0 where none could be computed (a missing value, or warm-up before a
 * series has score.min.history.points residuals). Plain Java: no Spark session.
 */
public final class Replay {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Replay.class);
  /** What a replay did; {@code rejections} are every rejected line with its reason. */
  public record Summary(long rows, int series, long scored, long missingValues, List<ReplayCsv.Rejection> rejections,
      Map<ReplayCsv.Reason, Long> rejectedByReason, Map<AnomalyKind, Long> eventsByKind, List<String> ignoredColumns,
      double readSeconds, double scoreSeconds, double writeSeconds) {
    public long unscored() {
      return rows - scored;
    }
  }

  /** The scores and events of a table, before writing. */
  public record Scored(double[] scores, List<AnomalyEvent> events, long scored) {}

  private Replay() {}

  /** Reads {@code input}, scores it and writes {@code output}; rejected rows are also written to {@code rejects} when given. */
  public static Summary run(ForecastJobConfig config, Path input, Path output, Path rejects) {
    return run(config, input, output, rejects, null, null);
  }

  /**
   * As {@link #run(ForecastJobConfig, Path, Path, Path)}, retraining the model every {@code trainEvery} of
   * data when it and {@code spark} are given (see {@link #trainedModels}); otherwise against seasonal naive.
   */
  public static Summary run(ForecastJobConfig config, Path input, Path output, Path rejects, java.time.Duration trainEvery,
      org.apache.spark.sql.SparkSession spark) {
    long t0 = System.nanoTime();
    ReplayCsv.Table table = ReplayCsv.read(input);
    if (table.rows() == 0) {
      throw VigilErrors.replayNoReadings(input, table.rejections().size());
    }
    long t1 = System.nanoTime();
    WalkForward.Models models = trainEvery == null || spark == null ? WalkForward.SEASONAL_NAIVE
        : trainedModels(spark, config, table, trainEvery);
    Scored scored = score(table, config, models);
    long t2 = System.nanoTime();
    write(output, w -> ReplayCsv.write(table, scored.scores(), w));
    if (rejects != null) {
      write(rejects, w -> {
        w.write("line,reason,detail,text\n");
        for (ReplayCsv.Rejection r : table.rejections()) {
          w.write(r.line() + "," + r.reason().name() + "," + csv(r.detail()) + "," + csv(r.text()) + "\n");
        }
      });
    }
    long t3 = System.nanoTime();
    Map<ReplayCsv.Reason, Long> byReason = new EnumMap<>(ReplayCsv.Reason.class);
    table.rejections().forEach(r -> byReason.merge(r.reason(), 1L, Long::sum));
    Map<AnomalyKind, Long> byKind = new EnumMap<>(AnomalyKind.class);
    scored.events().forEach(e -> byKind.merge(e.kind(), 1L, Long::sum));
    return new Summary(table.rows(), table.series().size(), scored.scored(), table.missingValues(), table.rejections(), byReason,
        byKind, table.ignoredColumns(), (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9);
  }

  /** Scores every series of {@code table} walk-forward; {@code models} says which model serves each window. */
  public static Scored score(ReplayCsv.Table table, ForecastJobConfig config, WalkForward.Models models) {
    long interval = config.scoreInterval().toNanos() / 1_000;
    LongFunction<ScorePlan> planAt = asOf -> ScoreJob.plan(config, Instant.EPOCH.plus(asOf, ChronoUnit.MICROS));
    // Rows of each series in time order; ties keep input order, so a rerun sees the same sequence.
    List<List<Integer>> rowsOf = new ArrayList<>();
    for (int i = 0; i < table.series().size(); i++) {
      rowsOf.add(new ArrayList<>());
    }
    for (int i = 0; i < table.rows(); i++) {
      rowsOf.get(table.seriesOf()[i]).add(i);
    }
    double[] scores = new double[table.rows()];
    List<AnomalyEvent> events = new ArrayList<>();
    long scored = 0;
    for (int s = 0; s < rowsOf.size(); s++) {
      int[] rows = rowsOf.get(s).stream().sorted((a, b) -> {
        int c = Long.compare(table.timesMicros()[a], table.timesMicros()[b]);
        return c != 0 ? c : Integer.compare(a, b);
      }).mapToInt(Integer::intValue).toArray();
      long[] t = Arrays.stream(rows).mapToLong(i -> table.timesMicros()[i]).toArray();
      double[] v = Arrays.stream(rows).mapToDouble(i -> table.values()[i]).toArray();
      String[] id = table.series().get(s).split("\u0000", -1);
      WalkForward.Result r = WalkForward.score(id[0].isEmpty() ? "series" : id[0], id[1].isEmpty() ? "value" : id[1], t, v,
          planAt, interval, config.fillMaxGap(), models);
      for (int k = 0; k < rows.length; k++) {
        scores[rows[k]] = r.scores()[k];
      }
      events.addAll(r.events());
      scored += r.scored();
    }
    return new Scored(scores, events, scored);
  }

  /**
   * One series scored walk-forward against seasonal naive, exactly as {@link #score} (and so {@code vigil replay}
   * without --train-every) scores each series of a table: the narrow entry for benchmarks, so a change to the
   * scorer reaches them unchanged. {@code timesMicros} ascending (ties in input order), NaN for a missing value;
   * returns one score per reading, 0 where none could be computed.
   */
  public static double[] scoreSeries(ForecastJobConfig config, String device, String metric, long[] timesMicros,
      double[] values) {
    long interval = config.scoreInterval().toNanos() / 1_000;
    LongFunction<ScorePlan> planAt = asOf -> ScoreJob.plan(config, Instant.EPOCH.plus(asOf, ChronoUnit.MICROS));
    return WalkForward.score(device, metric, timesMicros, values, planAt, interval, config.fillMaxGap(),
        WalkForward.SEASONAL_NAIVE).scores();
  }

  /**
   * The daily training job replayed over the table's own data: every {@code every} (on multiples of it
   * since the epoch) from the first time enough history exists, a model is trained as of that time on
   * the readings before it and promoted if it beats seasonal naive and the current model on the same
   * backtest (the registry at models.path). A window is scored with the model that was current at its
   * start, or seasonal naive before any was promoted. A time with too little history to train is skipped.
   */
  static WalkForward.Models trainedModels(org.apache.spark.sql.SparkSession spark, ForecastJobConfig config,
      ReplayCsv.Table table, java.time.Duration every) {
    List<org.apache.spark.sql.Row> rows = new ArrayList<>();
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (int i = 0; i < table.rows(); i++) {
      if (!Double.isFinite(table.values()[i])) {
        continue;
      }
      String[] id = table.series().get(table.seriesOf()[i]).split("\u0000", -1);
      long us = table.timesMicros()[i];
      first = Math.min(first, us);
      last = Math.max(last, us);
      rows.add(org.apache.spark.sql.RowFactory.create(id[0].isEmpty() ? "series" : id[0], id[1].isEmpty() ? "value" : id[1],
          java.sql.Timestamp.from(Instant.EPOCH.plus(us, ChronoUnit.MICROS)), table.values()[i]));
    }
    org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
        .add("device_id", "string").add("metric", "string").add("event_time", "timestamp").add("value", "double");
    org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> measurements = spark.createDataFrame(rows, schema).cache();
    long step = every.toNanos() / 1_000;
    long need = (long) config.trainingBucketsNeeded() * (config.step().toNanos() / 1_000);
    TreeMap<Long, io.vigil.batch.internal.SeriesForecasts.Model> current = new TreeMap<>();
    try {
      for (long at = (Math.floorDiv(first + need, step) + 1) * step; at <= last; at += step) {
        Instant asOf = Instant.EPOCH.plus(at, ChronoUnit.MICROS);
        try {
          ForecastTraining.Report r = ForecastTraining.train(spark, measurements, config, asOf, java.time.Clock.systemUTC());
          LOG.info("Replay training as of {}: {} relMASE {}, {}", asOf, r.version(), r.backtest().relMase(),
              r.promotion().promoted() ? "promoted" : "not promoted");
        } catch (io.vigil.common.VigilException e) {
          LOG.info("Replay training as of {} skipped: {}", asOf, e.getMessage());
        }
        long trainedAt = at;
        ForecastJob.currentModel(spark, config).ifPresent(m -> current.put(trainedAt, m));
      }
    } finally {
      measurements.unpersist();
    }
    long interval = config.scoreInterval().toNanos() / 1_000;
    return asOf -> {
      Map.Entry<Long, io.vigil.batch.internal.SeriesForecasts.Model> e = current.floorEntry(asOf - interval);
      return e == null ? null : e.getValue();
    };
  }

  /** One series' readings, in time order, for {@link #scoreFleet}. */
  public record SeriesReadings(String device, String metric, long[] timesMicros, double[] values) {}

  /** The events of a fleet's walk-forward scoring, how many readings got a score, and whose forecasts they were against. */
  public record FleetScores(List<AnomalyEvent> events, long scored, String forecaster) {}

  /**
   * Scores every series walk-forward over the windows starting at or after {@code scoreFrom} (earlier
   * readings are history), against the model registry's current model when {@code spark} is given and
   * forecast.model.enabled is on (it is only read, not retrained), else seasonal naive.
   */
  public static FleetScores scoreFleet(org.apache.spark.sql.SparkSession spark, ForecastJobConfig config,
      List<SeriesReadings> series, Instant scoreFrom) {
    java.util.Optional<io.vigil.batch.internal.SeriesForecasts.Model> model = spark == null ? java.util.Optional.empty()
        : ForecastJob.currentModel(spark, config);
    WalkForward.Models models = model.isPresent() ? asOf -> model.get() : WalkForward.SEASONAL_NAIVE;
    long interval = config.scoreInterval().toNanos() / 1_000;
    LongFunction<ScorePlan> planAt = asOf -> ScoreJob.plan(config, Instant.EPOCH.plus(asOf, ChronoUnit.MICROS));
    long from = ChronoUnit.MICROS.between(Instant.EPOCH, scoreFrom);
    List<WalkForward.Result> results = series.parallelStream().map(s -> WalkForward.score(s.device(), s.metric(),
        s.timesMicros(), s.values(), planAt, interval, config.fillMaxGap(), models, from)).toList();
    List<AnomalyEvent> events = new ArrayList<>();
    long scored = 0;
    for (WalkForward.Result r : results) {
      events.addAll(r.events());
      scored += r.scored();
    }
    return new FleetScores(events, scored, model.map(m -> m.name() + " " + m.version()).orElse("seasonal_naive"));
  }

  private interface WriteBody {
    void write(Writer w) throws IOException;
  }

  private static void write(Path file, WriteBody body) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        body.write(w);
      }
    } catch (IOException e) {
      throw VigilErrors.outputNotWritable(file, e);
    }
  }

  private static String csv(String s) {
    return s.indexOf(',') < 0 && s.indexOf('"') < 0 ? s : '"' + s.replace("\"", "\"\"") + '"';
  }

  /** The summary as lines for the terminal: counts, rejected rows by reason with the first few line numbers, timings. */
  public static List<String> describe(Summary s, Path input, Path output, int showRejected) {
    List<String> out = new ArrayList<>();
    out.add(String.format(java.util.Locale.ROOT, "Replayed %,d rows of %d series from %s into %s in %.1f s"
            + " (read %.1f s, score %.1f s, write %.1f s)", s.rows(), s.series(), input, output,
        s.readSeconds() + s.scoreSeconds() + s.writeSeconds(), s.readSeconds(), s.scoreSeconds(), s.writeSeconds()));
    out.add(String.format(java.util.Locale.ROOT, "  scored %,d; score 0 without a computed score: %,d (%,d missing values,"
        + " the rest warm-up before enough history)", s.scored(), s.unscored(), s.missingValues()));
    Map<String, Long> kinds = new TreeMap<>();
    s.eventsByKind().forEach((k, n) -> kinds.put(k.name(), n));
    out.add("  events the scoring job would have raised: " + (kinds.isEmpty() ? "none" : kinds));
    if (!s.ignoredColumns().isEmpty()) {
      out.add("  ignored columns: " + s.ignoredColumns());
    }
    if (s.rejections().isEmpty()) {
      out.add("  rejected rows: 0");
    } else {
      out.add(String.format(java.util.Locale.ROOT, "  rejected rows: %,d (not in the output) %s", s.rejections().size(),
          s.rejectedByReason()));
      s.rejections().stream().limit(showRejected).forEach(r -> out.add(String.format(java.util.Locale.ROOT,
          "    line %d: %s%s: %s", r.line(), r.reason().text(), r.detail().isEmpty() ? "" : " (" + r.detail() + ")", r.text())));
      if (s.rejections().size() > showRejected) {
        out.add("    ... " + (s.rejections().size() - showRejected) + " more (--rejects FILE lists every one)");
      }
    }
    return out;
  }
}
