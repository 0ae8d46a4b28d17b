package io.vigil.cli.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * NAB scoring of changepoint detection as SKAB publishes it (REFERENCE.md section 7).
 *
 * <p>Windows: one per true changepoint, starting at it and {@link #WINDOW} long, so a detection before the
 * change cannot count. When the next changepoint comes sooner (SKAB labels a fault's start and end, often
 * 57 s apart) the window ends there: windows are cut, not merged, so each labelled change stays one window
 * to find and one miss to pay for, and a reading belongs to one window at most.
 *
 * <p>What a detection is, two ways ({@link Detections}). SKAB's published figures take a detector's predicted
 * changepoints to be the changes of its alarm: the readings where "score at or above the threshold" turns on or
 * off, the first reading counting when it alarms (its baselines compute {@code abs(prediction.diff())}), so a
 * fault alarmed throughout is one detection at its start and one at its end, which SKAB labels as changepoints
 * too. NAB's own corpus counts every alarming reading instead; with SKAB's 60 s windows a fault that lasts
 * minutes then makes every reading after its first minute a false positive.
 *
 * <p>The first detection in a window earns {@code A_TP * sigma(y)}, {@code sigma(y) = 2 / (1 + e^(5y)) - 1}, with
 * {@code y = (t - start) / W - 1} (W = 60 s, whether or not the window was cut): -1 at the changepoint, 0 a full
 * window later, so earlier
 * is better; later detections in that window count nothing. A detection outside every window costs
 * {@code A_FP * sigma(y)} with {@code y = (t - end of the preceding window) / W}: nearly nothing right after
 * a window, the full A_FP far from one; with no window before it in its file it costs the full A_FP (the
 * description's "-1 where there is none" read as the cost factor: read as y = -1 it would reward the
 * false alarm). A window without a detection costs {@code A_FN}. Raw scores sum over files; the score is
 * {@code 100 * (raw - null) / (perfect - null)}, null = no detection at all, perfect = a detection at the
 * first reading of every window and nowhere else. Every reading of a file takes part (there is no
 * probation period: the scorer's warm-up is part of what is measured).
 */
public final class NabScore {
  public static final java.time.Duration WINDOW = java.time.Duration.ofSeconds(60);

  /** The weights of a NAB profile. */
  public record Profile(String name, double aTp, double aFp, double aFn) {}

  public static final Profile STANDARD = new Profile("standard", 1, 0.11, 1);
  public static final Profile LOW_FP = new Profile("low FP", 1, 0.22, 1);
  public static final Profile LOW_FN = new Profile("low FN", 1, 0.11, 2);
  public static final List<Profile> PROFILES = List.of(STANDARD, LOW_FP, LOW_FN);

  /** Which readings are detections at a threshold. */
  public enum Detections {
    /** The readings where the alarm (score at or above the threshold) turns on or off: SKAB's published method. */
    ALARM_CHANGES,
    /** Every reading with a score at or above the threshold: NAB's own corpus. */
    ALARMING_READINGS
  }

  /** Thresholds {@link #bestAlarmChanges} tries: this step from it up to 1. */
  static final double THRESHOLD_STEP = 0.005;

  /** A window: readings with {@code startMicros <= t < endMicros}. */
  public record Window(long startMicros, long endMicros) {}

  /**
   * The raw score of some detections, and what the null and the perfect detector score on the same windows;
   * tallies of files add up ({@link #plus}).
   */
  public record Tally(double raw, double nullScore, double perfect, int windows, int found, int falsePositives) {
    public static final Tally ZERO = new Tally(0, 0, 0, 0, 0, 0);

    public Tally plus(Tally o) {
      return new Tally(raw + o.raw, nullScore + o.nullScore, perfect + o.perfect, windows + o.windows, found + o.found,
          falsePositives + o.falsePositives);
    }

    /** 100 for the perfect detector, 0 for none; NaN without windows. */
    public double normalised() {
      return perfect == nullScore ? Double.NaN : 100 * (raw - nullScore) / (perfect - nullScore);
    }
  }

  /** The best threshold of a profile over files pooled; {@code threshold} is +infinity when never alarming scores best. */
  public record Best(Profile profile, double threshold, Tally tally) {}

  /**
   * One file prepared for scoring: its windows, and per reading the window it is in (-1: none), the
   * sigma of its position in that window, or (outside every window) its false-alarm factor sigma(y) of
   * the distance after the preceding window (-1 without one).
   */
  public record File(long[] timesMicros, double[] scores, List<Window> windows, int[] windowOf, double[] factor) {}

  private NabScore() {}

  /** The scaled sigmoid: 0.987 at -1, 0 at 0, towards -1 for large y. */
  public static double sigma(double y) {
    return 2 / (1 + Math.exp(5 * y)) - 1;
  }

  /** The windows of a file's changepoints ({@code times} ascending), each cut at the next changepoint. */
  public static List<Window> windows(long[] timesMicros, boolean[] changepoint, java.time.Duration width) {
    long w = width.toNanos() / 1_000;
    List<Long> starts = new ArrayList<>();
    for (int i = 0; i < timesMicros.length; i++) {
      if (changepoint[i] && (starts.isEmpty() || starts.get(starts.size() - 1) != timesMicros[i])) {
        starts.add(timesMicros[i]);
      }
    }
    List<Window> out = new ArrayList<>();
    for (int k = 0; k < starts.size(); k++) {
      long end = starts.get(k) + w;
      if (k + 1 < starts.size()) {
        end = Math.min(end, starts.get(k + 1));
      }
      out.add(new Window(starts.get(k), end));
    }
    return out;
  }

  /** Prepares a file: {@code times} ascending, one score and one changepoint flag per reading. */
  public static File file(long[] timesMicros, boolean[] changepoint, double[] scores) {
    List<Window> windows = windows(timesMicros, changepoint, WINDOW);
    double w = WINDOW.toNanos() / 1_000.0;
    int[] windowOf = new int[timesMicros.length];
    double[] factor = new double[timesMicros.length];
    int k = -1; // the last window starting at or before t
    for (int i = 0; i < timesMicros.length; i++) {
      long t = timesMicros[i];
      while (k + 1 < windows.size() && windows.get(k + 1).startMicros() <= t) {
        k++;
      }
      if (k >= 0 && t < windows.get(k).endMicros()) {
        windowOf[i] = k;
        factor[i] = sigma((t - windows.get(k).startMicros()) / w - 1);
      } else {
        windowOf[i] = -1;
        factor[i] = k < 0 ? -1 : sigma((t - windows.get(k).endMicros()) / w);
      }
    }
    return new File(timesMicros, scores, windows, windowOf, factor);
  }

  /** The tally of one file at {@code threshold}. */
  public static Tally tally(File f, double threshold, Profile p, Detections d) {
    boolean[] hit = new boolean[f.windows().size()];
    double tp = 0;
    double fp = 0;
    int found = 0;
    int fps = 0;
    boolean wasAlarming = false;
    for (int i = 0; i < f.scores().length; i++) {
      boolean alarming = f.scores()[i] >= threshold; // NaN: no alarm
      boolean detection = d == Detections.ALARM_CHANGES ? alarming != wasAlarming : alarming;
      wasAlarming = alarming;
      if (!detection) {
        continue;
      }
      int w = f.windowOf()[i];
      if (w < 0) {
        fp += f.factor()[i];
        fps++;
      } else if (!hit[w]) {
        hit[w] = true;
        tp += f.factor()[i];
        found++;
      }
    }
    int n = f.windows().size();
    return new Tally(p.aTp() * tp + p.aFp() * fp - p.aFn() * (n - found), -p.aFn() * n, p.aTp() * perfectSum(f), n, found, fps);
  }

  /** Sum of sigma at the first reading of every window. */
  private static double perfectSum(File f) {
    double s = 0;
    int last = -1;
    for (int i = 0; i < f.windowOf().length; i++) {
      int w = f.windowOf()[i];
      if (w >= 0 && w != last) {
        s += f.factor()[i];
        last = w;
      }
    }
    return s;
  }

  /** The tally of files pooled at one threshold. */
  public static Tally tally(List<File> files, double threshold, Profile p, Detections d) {
    Tally t = Tally.ZERO;
    for (File f : files) {
      t = t.plus(tally(f, threshold, p, d));
    }
    return t;
  }

  /** The best threshold of {@code p} for {@code d}, files pooled. */
  public static Best best(List<File> files, Profile p, Detections d) {
    return d == Detections.ALARM_CHANGES ? bestAlarmChanges(files, p) : best(files, p);
  }

  /**
   * The best threshold when detections are the alarm's changes, among every {@link #THRESHOLD_STEP} up to 1 and
   * never alarming; ties go to the higher threshold. A lower threshold can remove detections as well as add them (two
   * alarms merge into one), so each threshold is tallied on its own.
   */
  static Best bestAlarmChanges(List<File> files, Profile p) {
    Tally never = tally(files, Double.POSITIVE_INFINITY, p, Detections.ALARM_CHANGES);
    Best best = new Best(p, Double.POSITIVE_INFINITY, never);
    int steps = (int) Math.round(1 / THRESHOLD_STEP);
    for (int k = steps; k >= 1; k--) {
      double threshold = k * THRESHOLD_STEP;
      Tally t = tally(files, threshold, p, Detections.ALARM_CHANGES);
      if (t.normalised() > best.tally().normalised()) {
        best = new Best(p, threshold, t);
      }
    }
    return best;
  }

  /**
   * The threshold that maximises the pooled score of {@code p} when every alarming reading is a detection, among
   * every distinct score (detections at score >= it) and never alarming; ties go to the higher threshold (fewer alarms). One pass over the
   * readings in descending score order, keeping each window's earliest detection.
   */
  public static Best best(List<File> files, Profile p) {
    int total = files.stream().mapToInt(f -> f.scores().length).sum();
    double[] score = new double[total];
    int[] window = new int[total];
    double[] factor = new double[total];
    long[] time = new long[total];
    int windows = 0;
    double perfect = 0;
    int r = 0;
    for (File f : files) {
      for (int i = 0; i < f.scores().length; i++, r++) {
        score[r] = Double.isNaN(f.scores()[i]) ? Double.NEGATIVE_INFINITY : f.scores()[i]; // NaN: never a detection
        window[r] = f.windowOf()[i] < 0 ? -1 : windows + f.windowOf()[i];
        factor[r] = f.factor()[i];
        time[r] = f.timesMicros()[i];
      }
      windows += f.windows().size();
      perfect += p.aTp() * perfectSum(f);
    }
    Integer[] order = new Integer[total];
    for (int i = 0; i < total; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));
    long[] earliest = new long[windows];
    double[] earliestFactor = new double[windows];
    Arrays.fill(earliest, Long.MAX_VALUE);
    double nullScore = -p.aFn() * windows;
    double tp = 0;
    double fp = 0;
    int found = 0;
    int fps = 0;
    Best best = new Best(p, Double.POSITIVE_INFINITY, new Tally(nullScore, nullScore, perfect, windows, 0, 0));
    for (int k = 0; k < total; ) {
      double s = score[order[k]];
      if (s == Double.NEGATIVE_INFINITY) {
        break;
      }
      // Every reading with this exact score joins the detections together.
      for (; k < total && score[order[k]] == s; k++) {
        int i = order[k];
        int w = window[i];
        if (w < 0) {
          fp += factor[i];
          fps++;
        } else if (time[i] < earliest[w]) {
          tp += factor[i] - (earliest[w] == Long.MAX_VALUE ? 0 : earliestFactor[w]);
          found += earliest[w] == Long.MAX_VALUE ? 1 : 0;
          earliest[w] = time[i];
          earliestFactor[w] = factor[i];
        }
      }
      Tally t = new Tally(p.aTp() * tp + p.aFp() * fp - p.aFn() * (windows - found), nullScore, perfect, windows, found, fps);
      if (t.normalised() > best.tally().normalised()) {
        best = new Best(p, s, t);
      }
    }
    return best;
  }
}
