package io.vigil.cli.internal;

import io.vigil.batch.internal.ReplayCsv;
import io.vigil.common.VigilErrors;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * One SKAB experiment: {@code datetime;<metrics...>[;anomaly;changepoint]}, ';'-separated, one reading of every
 * metric per row. The device is the file's folder and name ({@code valve1/3.csv} is {@code valve1-3}, the
 * anomaly-free run is {@code anomaly-free}); metric names are the column names sanitised to lower case
 * letters, digits and '_' ({@code Volume Flow RateRMS} is {@code volume_flow_raterms}).
 *
 * <p>SKAB's times are local wall-clock times without a zone; they are read as UTC, which is harmless
 * because only the time between readings matters to the scorer and to the evaluation. Rows are put in
 * time order (stable) if a file is not. A row without a readable time or with the wrong number of
 * columns is rejected and listed with its line number; an unreadable metric value is a missing reading
 * (NaN, counted), an unreadable label is a rejection.
 */
public record SkabFile(String folder, String device, Path path, List<String> metrics, long[] timesMicros, String[] timeText,
    double[][] values, boolean[] anomaly, boolean[] changepoint, boolean labelled, long missingValues,
    List<Rejected> rejected) {

  /** A row that was not read: its 1-based line number and why. */
  public record Rejected(long line, String reason) {}

  /** The folders of SKAB's labelled experiments, in the order the bench reports them. */
  public static final List<String> LABELLED_FOLDERS = List.of("valve1", "valve2", "other");
  public static final String ANOMALY_FREE = "anomaly-free";

  public int rows() {
    return timesMicros.length;
  }

  /** The labelled experiments under {@code dir} (valve1/, valve2/, other/), by folder then file number. */
  public static List<SkabFile> readLabelled(Path dir) {
    requireDirectory(dir);
    List<SkabFile> out = new ArrayList<>();
    for (String folder : LABELLED_FOLDERS) {
      Path sub = dir.resolve(folder);
      if (!Files.isDirectory(sub)) {
        throw VigilErrors.skabDataUnusable(dir, "it has no " + folder + "/ directory");
      }
      List<Path> files = csvFiles(sub);
      if (files.isEmpty()) {
        throw VigilErrors.skabDataUnusable(dir, folder + "/ holds no .csv file");
      }
      for (Path f : files) {
        SkabFile s = read(f, folder);
        if (!s.labelled()) {
          throw VigilErrors.skabDataUnusable(dir, f + " has no anomaly and changepoint columns");
        }
        out.add(s);
      }
    }
    return out;
  }

  /** SKAB's anomaly-free run ({@code anomaly-free/anomaly-free.csv}). */
  public static SkabFile readAnomalyFree(Path dir) {
    requireDirectory(dir);
    Path f = dir.resolve(ANOMALY_FREE).resolve(ANOMALY_FREE + ".csv");
    if (!Files.isRegularFile(f)) {
      throw VigilErrors.skabDataUnusable(dir, "it has no " + ANOMALY_FREE + "/" + ANOMALY_FREE + ".csv");
    }
    return read(f, ANOMALY_FREE);
  }

  private static void requireDirectory(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw VigilErrors.skabDataUnusable(dir, "it is not a directory");
    }
  }

  private static List<Path> csvFiles(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".csv") && Files.isRegularFile(p))
          .sorted(Comparator.comparing(SkabFile::stem, SkabFile::naturalOrder)).toList();
    } catch (IOException e) {
      throw VigilErrors.skabFileUnreadable(dir, e);
    }
  }

  static String stem(Path p) {
    String n = p.getFileName().toString();
    return n.endsWith(".csv") ? n.substring(0, n.length() - 4) : n;
  }

  /** Numbers by value (2 before 10), anything else by name. */
  private static int naturalOrder(String a, String b) {
    boolean na = a.matches("\\d{1,9}");
    boolean nb = b.matches("\\d{1,9}");
    if (na && nb) {
      return Integer.compare(Integer.parseInt(a), Integer.parseInt(b));
    }
    return na != nb ? (na ? -1 : 1) : a.compareTo(b);
  }

  /** The device name of a file in {@code folder}: folder-stem, or the folder alone when the stem repeats it. */
  static String deviceName(String folder, String stem) {
    return stem.equals(folder) ? folder : folder + "-" + stem;
  }

  /** Lower case letters, digits and '_' ("Volume Flow RateRMS" is "volume_flow_raterms"). */
  static String sanitise(String column) {
    String s = column.strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
    return s.isEmpty() ? "metric" : s;
  }

  /** Reads one file of {@code folder}. */
  public static SkabFile read(Path file, String folder) {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String header = in.readLine();
      if (header == null) {
        throw VigilErrors.skabDataUnusable(file, "the file is empty");
      }
      String[] names = header.replace("\uFEFF", "").strip().split(";", -1);
      if (names.length < 2 || !names[0].strip().equalsIgnoreCase("datetime")) {
        throw VigilErrors.skabDataUnusable(file, "its header '" + header.strip() + "' does not start with 'datetime;'");
      }
      int anomalyCol = indexOf(names, "anomaly");
      int changeCol = indexOf(names, "changepoint");
      boolean labelled = anomalyCol > 0 && changeCol > 0;
      List<Integer> metricCols = IntStream.range(1, names.length).filter(i -> i != anomalyCol && i != changeCol).boxed().toList();
      List<String> metrics = new ArrayList<>();
      for (int c : metricCols) {
        String m = sanitise(names[c]);
        if (metrics.contains(m)) {
          throw VigilErrors.skabDataUnusable(file, "two columns are both named '" + m + "' once sanitised");
        }
        metrics.add(m);
      }

      List<long[]> timeAndLine = new ArrayList<>();
      List<String> times = new ArrayList<>();
      List<double[]> rows = new ArrayList<>();
      List<boolean[]> labels = new ArrayList<>();
      List<Rejected> rejected = new ArrayList<>();
      long missing = 0;
      long lineNo = 1;
      String line;
      while ((line = in.readLine()) != null) {
        lineNo++;
        line = line.strip();
        if (line.isEmpty()) {
          continue;
        }
        String[] f = line.split(";", -1);
        if (f.length != names.length) {
          rejected.add(new Rejected(lineNo, f.length + " fields, the header has " + names.length));
          continue;
        }
        long micros;
        try {
          micros = timeMicros(f[0].strip());
        } catch (IllegalArgumentException e) {
          rejected.add(new Rejected(lineNo, "datetime '" + f[0].strip() + "' is not a date and time"));
          continue;
        }
        boolean[] lab = new boolean[2];
        if (labelled) {
          Boolean a = flag(f[anomalyCol]);
          Boolean c = flag(f[changeCol]);
          if (a == null || c == null) {
            rejected.add(new Rejected(lineNo, "anomaly '" + f[anomalyCol].strip() + "' or changepoint '" + f[changeCol].strip()
                + "' is not 0 or 1"));
            continue;
          }
          lab[0] = a;
          lab[1] = c;
        }
        double[] v = new double[metricCols.size()];
        for (int m = 0; m < v.length; m++) {
          v[m] = number(f[metricCols.get(m)]);
          missing += Double.isNaN(v[m]) ? 1 : 0;
        }
        timeAndLine.add(new long[] {micros, rows.size()});
        times.add(f[0].strip());
        rows.add(v);
        labels.add(lab);
      }
      // Time order, ties in file order (stable sort); SKAB's files already are.
      int[] order = timeAndLine.stream().sorted(Comparator.comparingLong(x -> x[0])).mapToInt(x -> (int) x[1]).toArray();
      int n = order.length;
      long[] t = new long[n];
      String[] tt = new String[n];
      double[][] values = new double[metrics.size()][n];
      boolean[] anomaly = new boolean[n];
      boolean[] change = new boolean[n];
      for (int i = 0; i < n; i++) {
        int r = order[i];
        t[i] = timeAndLine.get(r)[0];
        tt[i] = times.get(r);
        for (int m = 0; m < metrics.size(); m++) {
          values[m][i] = rows.get(r)[m];
        }
        anomaly[i] = labels.get(r)[0];
        change[i] = labels.get(r)[1];
      }
      return new SkabFile(folder, deviceName(folder, stem(file)), file, List.copyOf(metrics), t, tt, values, anomaly, change,
          labelled, missing, List.copyOf(rejected));
    } catch (IOException e) {
      throw VigilErrors.skabFileUnreadable(file, e);
    }
  }

  /**
   * SKAB's {@code yyyy-MM-dd HH:mm:ss} read directly (the general parser costs most of a bench's reading time);
   * any other form goes to the replay's parser, which reads a time without a zone as UTC too.
   */
  static long timeMicros(String t) {
    if (t.length() == 19 && t.charAt(4) == '-' && t.charAt(7) == '-' && t.charAt(10) == ' ' && t.charAt(13) == ':'
        && t.charAt(16) == ':') {
      try {
        long epochSecond = java.time.LocalDateTime.of(digits(t, 0, 4), digits(t, 5, 7), digits(t, 8, 10), digits(t, 11, 13),
            digits(t, 14, 16), digits(t, 17, 19)).toEpochSecond(java.time.ZoneOffset.UTC);
        return epochSecond * 1_000_000L;
      } catch (java.time.DateTimeException | NumberFormatException e) {
        throw new IllegalArgumentException("not a timestamp: " + t, e);
      }
    }
    return ReplayCsv.parseTimestampMicros(t);
  }

  private static int digits(String s, int from, int to) {
    int x = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        throw new NumberFormatException("not a digit in " + s);
      }
      x = x * 10 + (c - '0');
    }
    return x;
  }

  private static int indexOf(String[] names, String name) {
    return IntStream.range(0, names.length).filter(i -> names[i].strip().equalsIgnoreCase(name)).findFirst().orElse(-1);
  }

  /** 0 / 1 in any numeric spelling ("1", "1.0"); null otherwise. */
  private static Boolean flag(String s) {
    double x = number(s);
    return x == 0 ? Boolean.FALSE : x == 1 ? Boolean.TRUE : null;
  }

  private static double number(String s) {
    try {
      double x = Double.parseDouble(s.strip());
      return Double.isFinite(x) ? x : Double.NaN;
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  @Override
  public String toString() {
    return "SkabFile[" + device + ", " + rows() + " rows, metrics " + metrics + ", rejected " + rejected.size() + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SkabFile s && s.path.equals(path);
  }

  @Override
  public int hashCode() {
    return path.hashCode();
  }
}
