package io.vigil.cli.internal;

import static io.vigil.cli.internal.NabScore.Detections.ALARMING_READINGS;
import static io.vigil.cli.internal.NabScore.Detections.ALARM_CHANGES;

import io.vigil.batch.DeviceScore;
import io.vigil.batch.ForecastJobConfig;
import io.vigil.batch.Replay;
import io.vigil.common.VigilErrors;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * {@code vigil bench detect}: SKAB's labelled experiments replayed through the hourly job's scorer
 * ({@link Replay#scoreSeries}, walk-forward, one series per metric of each file, the job's settings) and
 * scored both ways SKAB publishes: point-wise F1 / FAR / MAR of the {@code anomaly} column after each
 * file's first {@value #WARM_UP_ROWS} rows at score.threshold ({@link PointwiseScore}), and NAB standard /
 * low-FP / low-FN on 60 s windows from each changepoint with the best threshold per profile
 * ({@link NabScore}), the detections being the alarm's changes as in SKAB's published figures (and, beside
 * them, every alarming reading as NAB's own corpus counts); both on the device score ({@link DeviceScore}: the
 * metrics of a file combined at each reading). Also the share of SKAB's anomaly-free run at or above score.threshold, per metric and
 * for the device.
 */
public final class DetectBenchmark {
  /** SKAB's published evaluation scores the rows after the first 400 of each file (they are its training part). */
  public static final int WARM_UP_ROWS = 400;
  public static final double GOAL_F1 = 0.70;
  public static final double GOAL_NAB_STANDARD = 35;
  public static final double GOAL_ANOMALY_FREE_SHARE = 0.01;

  /** @param csv where to write every reading's scores, or null */
  public record Settings(Path skab, List<String> overrides, Path csv) {}

  /** One file scored: a score per metric and reading, and the device score per reading. */
  public record Scored(SkabFile file, double[][] metricScores, double[] deviceScores) {}

  /** A folder's (or all files') figures. */
  public record FolderFigures(String folder, int files, long rows, PointwiseScore pointwise, Map<NabScore.Profile, NabScore.Tally> nab) {}

  /** The anomaly-free run: readings, and the share of readings at or above the threshold per metric and for the device. */
  public record AnomalyFree(long rows, Map<String, Double> metricShare, double deviceShare) {
    public double worstMetricShare() {
      return metricShare.values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
  }

  /** Everything the bench prints. */
  public record Result(Path skab, List<String> overrides, double threshold, List<FolderFigures> folders, FolderFigures total,
      List<NabScore.Best> best, List<NabScore.Best> bestReadings, AnomalyFree anomalyFree, long readings, int metrics,
      double nonZeroDeviceShare, long outOfRange, long rejectedRows, long missingValues, double readSeconds, double scoreSeconds, double evaluateSeconds) {}

  private DetectBenchmark() {}

  /** Runs the bench; {@code progress} gets a line per folder scored (slow scorer settings take minutes). */
  public static Result run(Settings s, java.util.function.Consumer<String> progress) {
    long t0 = System.nanoTime();
    ForecastJobConfig config = ForecastJobConfig.load(null, s.overrides());
    List<SkabFile> labelled = SkabFile.readLabelled(s.skab());
    SkabFile free = SkabFile.readAnomalyFree(s.skab());
    long t1 = System.nanoTime();
    DeviceScore combine = new DeviceScore(config);
    List<Scored> scored = new ArrayList<>();
    for (String folder : SkabFile.LABELLED_FOLDERS) {
      long f0 = System.nanoTime();
      List<SkabFile> files = labelled.stream().filter(f -> f.folder().equals(folder)).toList();
      files.forEach(f -> scored.add(score(f, config, combine)));
      progress.accept(String.format(Locale.ROOT, "  scored %s/ (%d file%s) in %.1f s", folder, files.size(),
          files.size() == 1 ? "" : "s", (System.nanoTime() - f0) / 1e9));
    }
    Scored freeScored = score(free, config, combine);
    long t2 = System.nanoTime();
    double threshold = config.scoreThreshold();
    List<NabScore.File> nabFiles = scored.stream().map(x -> NabScore.file(x.file().timesMicros(), x.file().changepoint(),
        x.deviceScores())).toList();
    List<NabScore.Best> best = NabScore.PROFILES.stream().map(p -> NabScore.best(nabFiles, p, ALARM_CHANGES)).toList();
    List<NabScore.Best> bestReadings = NabScore.PROFILES.stream().map(p -> NabScore.best(nabFiles, p, ALARMING_READINGS))
        .toList();
    List<FolderFigures> folders = new ArrayList<>();
    for (String folder : SkabFile.LABELLED_FOLDERS) {
      folders.add(figures(folder, IntStream.range(0, scored.size()).filter(i -> scored.get(i).file().folder().equals(folder))
          .boxed().toList(), scored, nabFiles, best, threshold));
    }
    FolderFigures total = figures("total", IntStream.range(0, scored.size()).boxed().toList(), scored, nabFiles, best, threshold);
    AnomalyFree af = anomalyFree(freeScored, threshold);
    long readings = scored.stream().mapToLong(x -> x.file().rows()).sum();
    long nonZero = scored.stream().mapToLong(x -> java.util.Arrays.stream(x.deviceScores()).filter(v -> v > 0).count()).sum();
    long outOfRange = java.util.stream.Stream.concat(scored.stream(), java.util.stream.Stream.of(freeScored))
        .mapToLong(DetectBenchmark::outOfRange).sum();
    long rejected = labelled.stream().mapToLong(f -> f.rejected().size()).sum() + free.rejected().size();
    long missing = labelled.stream().mapToLong(SkabFile::missingValues).sum() + free.missingValues();
    long t3 = System.nanoTime();
    if (s.csv() != null) {
      List<Scored> all = new ArrayList<>(scored);
      all.add(freeScored);
      writeCsv(s.csv(), all);
    }
    return new Result(s.skab(), s.overrides(), threshold, folders, total, best, bestReadings, af, readings,
        labelled.get(0).metrics().size(), readings == 0 ? Double.NaN : (double) nonZero / readings, outOfRange, rejected, missing,
        (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9);
  }

  /** Every metric of a file through the scorer (series in parallel), then the device score. */
  static Scored score(SkabFile f, ForecastJobConfig config, DeviceScore combine) {
    double[][] byMetric = IntStream.range(0, f.metrics().size()).parallel()
        .mapToObj(m -> Replay.scoreSeries(config, f.device(), f.metrics().get(m), f.timesMicros(), f.values()[m]))
        .toArray(double[][]::new);
    return new Scored(f, byMetric, combine.combine(byMetric));
  }

  /** Scores of a file, metric or device, that are not in [0, 1] (NaN included): the scorer promises none. */
  static long outOfRange(Scored x) {
    long n = java.util.Arrays.stream(x.deviceScores()).filter(v -> !(v >= 0 && v <= 1)).count();
    for (double[] m : x.metricScores()) {
      n += java.util.Arrays.stream(m).filter(v -> !(v >= 0 && v <= 1)).count();
    }
    return n;
  }

  private static FolderFigures figures(String folder, List<Integer> members, List<Scored> scored, List<NabScore.File> nabFiles,
      List<NabScore.Best> best, double threshold) {
    PointwiseScore pw = PointwiseScore.ZERO;
    long rows = 0;
    for (int i : members) {
      Scored x = scored.get(i);
      pw = pw.plus(PointwiseScore.of(x.deviceScores(), x.file().anomaly(), WARM_UP_ROWS, threshold));
      rows += x.file().rows();
    }
    Map<NabScore.Profile, NabScore.Tally> nab = new LinkedHashMap<>();
    for (NabScore.Best b : best) {
      nab.put(b.profile(), NabScore.tally(members.stream().map(nabFiles::get).toList(), b.threshold(), b.profile(),
          ALARM_CHANGES));
    }
    return new FolderFigures(folder, members.size(), rows, pw, nab);
  }

  static AnomalyFree anomalyFree(Scored free, double threshold) {
    Map<String, Double> share = new LinkedHashMap<>();
    for (int m = 0; m < free.file().metrics().size(); m++) {
      share.put(free.file().metrics().get(m), share(free.metricScores()[m], threshold));
    }
    return new AnomalyFree(free.file().rows(), share, share(free.deviceScores(), threshold));
  }

  static double share(double[] scores, double threshold) {
    return scores.length == 0 ? Double.NaN : (double) java.util.Arrays.stream(scores).filter(v -> v >= threshold).count() / scores.length;
  }

  /** The report: settings, the table, the NAB thresholds, the anomaly-free shares, the goals and the run time. */
  public static List<String> summary(Result r) {
    List<String> out = new ArrayList<>();
    out.add(String.format(Locale.ROOT, "Detect benchmark: SKAB at %s, %d labelled files, %,d readings of %d metrics each;"
        + " score.threshold %s; settings: %s", r.skab(), r.total().files(), r.readings(), r.metrics(), num(r.threshold()),
        r.overrides().isEmpty() ? "defaults" : String.join(" ", r.overrides())));
    out.add("Every metric of a file scored walk-forward as the hourly job scores it (vigil replay's scorer), combined per"
        + " reading into the device score (Šidák-corrected smallest tail probability); SKAB's local times read as UTC.");
    out.add(String.format(Locale.ROOT, "%-7s %5s %7s %9s %6s %6s %6s %6s %6s | %8s %8s %8s", "folder", "files", "rows",
        "eval rows", "F1", "FAR", "MAR", "prec", "recall", "NAB std", "low FP", "low FN"));
    for (FolderFigures f : r.folders()) {
      out.add(row(f));
    }
    out.add(row(r.total()));
    out.add(String.format(Locale.ROOT, "Point-wise: device score >= %s against `anomaly` on each file's rows after the first %d,"
        + " pooled. NAB: 60 s windows from each changepoint, threshold chosen per profile on all files pooled (folder rows"
        + " use it); detections are the alarm's changes, as SKAB's published figures count them:", num(r.threshold()),
        WARM_UP_ROWS));
    r.best().forEach(b -> out.add(nabLine(b)));
    out.add("NAB with every alarming reading a detection (as NAB's own corpus counts; each reading of a fault after its"
        + " first minute is then a false positive):");
    r.bestReadings().forEach(b -> out.add(nabLine(b)));
    StringBuilder metrics = new StringBuilder();
    r.anomalyFree().metricShare().forEach((m, v) -> metrics.append(metrics.length() == 0 ? "" : ", ").append(m).append(' ')
        .append(pct(v)));
    out.add(String.format(Locale.ROOT, "Anomaly-free run (%,d readings), share at or above %s: device %s; per metric: %s",
        r.anomalyFree().rows(), num(r.threshold()), pct(r.anomalyFree().deviceShare()), metrics));
    out.add(String.format(Locale.ROOT, "Labelled readings with a device score above 0 (not in warm-up, scored): %s;"
        + " scores outside [0, 1]: %d; rejected rows %d, missing values %d", pct(r.nonZeroDeviceShare()), r.outOfRange(),
        r.rejectedRows(), r.missingValues()));
    out.add("Goals (issue 17, default settings):");
    double f1 = r.total().pointwise().f1();
    double std = r.best().get(0).tally().normalised();
    double af = Math.max(r.anomalyFree().deviceShare(), r.anomalyFree().worstMetricShare());
    out.add(String.format(Locale.ROOT, "  point-wise F1 >= %.2f: %.3f (FAR %.3f, MAR %.3f) -> %s", GOAL_F1, f1,
        r.total().pointwise().far(), r.total().pointwise().mar(), met(f1 >= GOAL_F1)));
    out.add(String.format(Locale.ROOT, "  NAB standard >= %.0f (alarm changes, as SKAB's published figures): %.1f -> %s",
        GOAL_NAB_STANDARD, std, met(std >= GOAL_NAB_STANDARD)));
    out.add(String.format(Locale.ROOT, "  anomaly-free share at or above score.threshold <= %s (device and every metric):"
        + " device %s, worst metric %s -> %s", pct(GOAL_ANOMALY_FREE_SHARE), pct(r.anomalyFree().deviceShare()),
        pct(r.anomalyFree().worstMetricShare()), met(af <= GOAL_ANOMALY_FREE_SHARE)));
    out.add(String.format(Locale.ROOT, "Run time %.1f s (read %.1f s, score %.1f s, evaluate %.1f s)",
        r.readSeconds() + r.scoreSeconds() + r.evaluateSeconds(), r.readSeconds(), r.scoreSeconds(), r.evaluateSeconds()));
    return out;
  }

  private static String nabLine(NabScore.Best b) {
    NabScore.Tally t = b.tally();
    return String.format(Locale.ROOT, "  %-8s %6.1f at threshold %s (windows found %d of %d, false positives %d)",
        b.profile().name(), t.normalised(), Double.isInfinite(b.threshold()) ? "none (never alarming scores best)"
            : num(b.threshold()), t.found(), t.windows(), t.falsePositives());
  }

  private static String row(FolderFigures f) {
    PointwiseScore p = f.pointwise();
    List<Double> nab = f.nab().values().stream().map(NabScore.Tally::normalised).toList();
    return String.format(Locale.ROOT, "%-7s %5d %,7d %,9d %6.3f %6.3f %6.3f %6s %6.3f | %8.1f %8.1f %8.1f", f.folder(), f.files(),
        f.rows(), p.rows(), p.f1(), p.far(), p.mar(), Double.isNaN(p.precision()) ? "n/a" : String.format(Locale.ROOT, "%.3f",
            p.precision()), p.recall(), nab.get(0), nab.get(1), nab.get(2));
  }

  private static String met(boolean ok) {
    return ok ? "met" : "NOT met";
  }

  private static String pct(double share) {
    return String.format(Locale.ROOT, "%.2f %%", 100 * share);
  }

  private static String num(double x) {
    return String.format(Locale.ROOT, "%.4g", x).replaceAll("(\\.\\d*?)0+$", "$1").replaceAll("\\.$", "");
  }

  /** file,time,metric,value,score,anomaly,changepoint: every metric's reading, then the device score as metric "device". */
  static void writeCsv(Path file, List<Scored> scored) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        w.write("file,time,metric,value,score,anomaly,changepoint\n");
        StringBuilder line = new StringBuilder(96);
        for (Scored x : scored) {
          SkabFile f = x.file();
          for (int i = 0; i < f.rows(); i++) {
            String labels = "," + (f.anomaly()[i] ? 1 : 0) + "," + (f.changepoint()[i] ? 1 : 0) + "\n";
            for (int m = 0; m <= f.metrics().size(); m++) {
              boolean device = m == f.metrics().size();
              line.setLength(0);
              line.append(f.device()).append(',').append(f.timeText()[i]).append(',')
                  .append(device ? "device" : f.metrics().get(m)).append(',')
                  .append(device || Double.isNaN(f.values()[m][i]) ? "" : Double.toString(f.values()[m][i])).append(',')
                  .append(device ? x.deviceScores()[i] : x.metricScores()[m][i]).append(labels);
              w.write(line.toString());
            }
          }
        }
      }
    } catch (IOException e) {
      throw VigilErrors.outputNotWritable(file, e);
    }
  }
}
