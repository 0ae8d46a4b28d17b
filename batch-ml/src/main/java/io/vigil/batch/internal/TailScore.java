package io.vigil.batch.internal;

import java.util.Arrays;

/**
 * The calibrated anomaly score of each reading: how unusual it is for <em>this</em> series, judged against
 * the series' own recent normal readings rather than a fixed Gaussian.
 *
 * <p>Three surprises are scored per reading, each against a reference of the last {@code referenceReadings}
 * values of its kind from readings that were not kept out (below):
 * <ul>
 *   <li><b>change</b>: the reading less the median of the {@value #LOCAL_READINGS} readings before it. High
 *       where the series jumps (a spike, the onset and the end of a fault), low once a new level holds;
 *   <li><b>point</b>: the reading's residual against its bucket's forecast where the series has one (the
 *       season taken out), else its raw value;
 *   <li><b>level</b>: the trimmed mean of the last {@value #SHORT_READINGS} such values. A quantised sensor crosses
 *       one step all the time; a mean that sits a step away is rare, and stays high while a fault lasts.
 * </ul>
 * Each becomes a two-sided tail probability: the larger of the share of the reference at least as far from
 * its median (within the range the series has shown, its own history says how rare a value is) and a
 * Gaussian tail on a scale that follows the reference's tail (the largest of the normal-consistent MAD and
 * the 90th and 99th percentiles of the absolute deviations over their Gaussian values), which extrapolates
 * beyond that range. On Gaussian residuals that is the robust-z score it always was; on a heavy-tailed,
 * bursty or quantised series everyday excursions stop scoring as rare events. The reading's score is the
 * highest of the three, through {@link ScoreCalibration}.
 *
 * <p>Episodes: anomalous readings less than {@value #REFRACTORY} readings apart are one episode. Its first
 * {@value #ONSET_READINGS} readings score in full; later ones are capped halfway between the threshold and 1,
 * so a fault stays anomalous while it lasts but its onset outranks it, and a user (or a benchmark choosing
 * its threshold) who wants one alarm per fault sets the threshold above the cap.
 *
 * <p>Adapting: an anomalous run is kept out of the references, so a fault is judged against the normal
 * before it for as long as it lasts, up to a fifth of the reference. After that the new level enters the
 * references and becomes the series' normal, so a changed series stops alarming.
 *
 * <p>Learning: a reference judges nothing until it holds {@code minReference} values. With fewer, its tail
 * quantiles are not known yet and the scale rests on the MAD alone, so a series' everyday excursions (a rig
 * settling, a heavy-tailed load) look rare: with 30 values, most of SKAB's false alarms came from its files'
 * first minutes, where the rig settles.
 *
 * <p>Causal: a reading's score reads only readings before it.
 */
public final class TailScore {
  /** Readings before a reading whose median is its change baseline. */
  static final int LOCAL_READINGS = 5;
  /** Readings whose mean is the level surprise. */
  static final int SHORT_READINGS = 10;
  /** Readings at the start of an episode that score in full; later ones are capped at {@link #RUN_CAP}. */
  static final int ONSET_READINGS = 10;
  /** Readings without an anomalous one that end an episode: an anomaly within them continues it. */
  static final int REFRACTORY = 60;
  /** Where an episode's later readings are capped: this share of the way from the threshold to 1. */
  static final double RUN_CAP = 0.5;
  /** Share of the reference an anomalous run is kept out of it for, at most. */
  static final double EXCLUSION = 0.2;
  /** Reference quantiles and their values on Gaussian data: the scale follows the reference's tail. */
  private static final double[] TAIL_QUANTILES = {0.9, 0.99};
  private static final double[] GAUSSIAN_ABS_QUANTILES = {1.6449, 2.5758};
  /** Fewest reference values for a tail quantile to count (about ten beyond it). */
  private static final int[] TAIL_MIN_VALUES = {100, 1000};

  /** Per reading: the score in [0, 1] (NaN when none can be computed yet) and the signed z that gave it. */
  public record Scores(double[] score, double[] z) {}

  private TailScore() {}

  /**
   * @param t reading times, ascending
   * @param v values (finite)
   * @param bucketResidual each reading's residual against its bucket's forecast, NaN where there is none
   * @param gapBefore a gap precedes the reading: the change baseline does not reach across it
   * @param from the first reading to score; those before it only precede it
   * @param referenceReadings readings in each reference
   * @param minReference fewest reference values before a reading is scored (its learning period)
   * @param magnitude the series' typical level, for the scales' relative floor
   */
  public static Scores of(long[] t, double[] v, double[] bucketResidual, boolean[] gapBefore, int from, ScorePlan plan,
      int referenceReadings, int minReference, double magnitude) {
    int n = v.length;
    double[] score = new double[n];
    double[] z = new double[n];
    Arrays.fill(score, Double.NaN);
    Arrays.fill(z, Double.NaN);
    Reference change = new Reference(referenceReadings, magnitude, plan);
    Reference level = new Reference(referenceReadings, magnitude, plan);
    Reference point = new Reference(referenceReadings, magnitude, plan);
    int runAge = -1;
    int lastAnomalous = -1;
    int episodeStart = -1;
    int exclusion = (int) (referenceReadings * EXCLUSION);
    double cap = plan.threshold() + (1 - plan.threshold()) * RUN_CAP;
    int lastLevelKind = -1;
    double[] levelValue = new double[n];
    for (int j = Math.max(0, from); j < n; j++) {
      double c = changeResidual(v, gapBefore, j);
      boolean bucketLevel = Double.isFinite(bucketResidual[j]);
      levelValue[j] = bucketLevel ? bucketResidual[j] : v[j];
      double l = shortMean(levelValue, gapBefore, Math.max(0, from), j);
      int kind = bucketLevel ? 1 : 0;
      if (kind != lastLevelKind) {
        // The level reference holds one kind of value: raw values and residuals do not mix.
        level.clear();
        point.clear();
        lastLevelKind = kind;
      }
      double zp = point.z(levelValue[j], minReference);
      double sp = point.score(levelValue[j], zp, plan.maxLog10p());
      double zc = change.z(c, minReference);
      double zl = level.z(l, minReference);
      double sc = change.score(c, zc, plan.maxLog10p());
      double sl = level.score(l, zl, plan.maxLog10p());
      double raw = max(max(sc, sl), sp);
      boolean anomalous = raw >= plan.threshold();
      runAge = anomalous ? runAge + 1 : -1;
      boolean inEpisode = lastAnomalous >= 0 && j - lastAnomalous <= REFRACTORY;
      episodeStart = anomalous && !inEpisode ? j : episodeStart;
      double s = anomalous && j - episodeStart >= ONSET_READINGS ? Math.min(raw, cap) : raw;
      lastAnomalous = anomalous ? j : lastAnomalous;
      score[j] = s;
      z[j] = Double.isNaN(s) ? Double.NaN : strongest(sc, zc, sl, zl, sp, zp);
      boolean keepOut = anomalous && runAge < exclusion;
      if (!keepOut) {
        change.add(c);
        level.add(l);
        point.add(levelValue[j]);
      }
    }
    return new Scores(score, z);
  }

  /**
   * The trimmed mean of up to {@link #SHORT_READINGS} level values ending at {@code j} since the last gap: a fifth of
   * them dropped at either end. A quantised sensor crosses one step all the time, but a mean that sits a step away is
   * rare; the trim keeps a spike or two out of it, so a spike does not lift the level of the readings after it. Only
   * values from {@code first} on exist.
   */
  static double shortMean(double[] level, boolean[] gapBefore, int first, int j) {
    int from = j;
    while (from > first && j - from + 1 < SHORT_READINGS && !gapBefore[from]) {
      from--;
    }
    double[] window = Arrays.copyOfRange(level, from, j + 1);
    Arrays.sort(window);
    int trim = window.length / 5;
    double sum = 0;
    for (int i = trim; i < window.length - trim; i++) {
      sum += window[i];
    }
    return sum / (window.length - 2 * trim);
  }

  /** The reading less the median of up to {@link #LOCAL_READINGS} readings before it since the last gap. */
  static double changeResidual(double[] v, boolean[] gapBefore, int j) {
    int from = j;
    while (from > 0 && j - from < LOCAL_READINGS && !gapBefore[from]) {
      from--;
    }
    if (from == j) {
      return Double.NaN;
    }
    return v[j] - RobustScale.median(Arrays.copyOfRange(v, from, j));
  }

  private static double max(double a, double b) {
    if (Double.isNaN(a)) {
      return b;
    }
    return Double.isNaN(b) ? a : Math.max(a, b);
  }

  /** The z of the surprise that scored highest. */
  private static double strongest(double sc, double zc, double sl, double zl, double sp, double zp) {
    double best = Double.NEGATIVE_INFINITY;
    double z = Double.NaN;
    double[][] pairs = {{sc, zc}, {sl, zl}, {sp, zp}};
    for (double[] p : pairs) {
      if (!Double.isNaN(p[0]) && p[0] > best) {
        best = p[0];
        z = p[1];
      }
    }
    return z;
  }

  /**
   * The last values a surprise was judged against, and their centre and tail scale. The statistics are
   * refreshed every few additions (a twentieth of the capacity), so scoring stays linear in the readings.
   */
  static final class Reference {
    private final double[] ring;
    private final double magnitude;
    private final ScorePlan plan;
    private int size;
    private int next;
    private int sinceRefresh;
    private double center = Double.NaN;
    private double scale = Double.NaN;
    private double[] sortedDev = new double[0];

    Reference(int capacity, double magnitude, ScorePlan plan) {
      this.ring = new double[capacity];
      this.magnitude = magnitude;
      this.plan = plan;
    }

    void clear() {
      size = 0;
      next = 0;
      sinceRefresh = 0;
      center = Double.NaN;
      scale = Double.NaN;
    }

    void add(double x) {
      if (!Double.isFinite(x)) {
        return;
      }
      ring[next] = x;
      next = (next + 1) % ring.length;
      size = Math.min(size + 1, ring.length);
      sinceRefresh++;
    }

    /** The signed z of {@code x} against the reference; NaN while it holds fewer than {@code minValues}. */
    double z(double x, int minValues) {
      if (!Double.isFinite(x) || size < minValues) {
        return Double.NaN;
      }
      if (Double.isNaN(scale) || sinceRefresh >= Math.max(1, Math.min(size, ring.length) / 20)) {
        refresh();
      }
      return (x - center) / scale;
    }

    /**
     * The score of {@code x} (its z given): the larger of its Gaussian tail probability on the tail scale and the
     * share of reference values at least as far from the centre. Within the range the series has shown, the
     * empirical share rules, so a quantised or bursty series' everyday values never look rare; beyond it the
     * Gaussian tail of the tail scale extrapolates.
     */
    double score(double x, double z, double maxLog10p) {
      if (Double.isNaN(z)) {
        return Double.NaN;
      }
      double log10p = ScoreCalibration.log10TwoSidedP(z);
      int atLeast = sortedDev.length - lowerBound(sortedDev, Math.abs(x - center));
      if (atLeast > 0) {
        log10p = Math.max(log10p, Math.log10((double) atLeast / sortedDev.length));
      }
      return Math.max(0, Math.min(1, -log10p / maxLog10p));
    }

    private static int lowerBound(double[] sorted, double x) {
      int lo = 0;
      int hi = sorted.length;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (sorted[mid] < x) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo;
    }

    private void refresh() {
      double[] values = Arrays.copyOf(ring, size);
      RobustScale robust = RobustScale.of(values, magnitude, plan.relativeFloor(), plan.absoluteFloor());
      center = robust.center();
      double s = robust.scale();
      double[] dev = new double[size];
      for (int i = 0; i < size; i++) {
        dev[i] = Math.abs(values[i] - center);
      }
      Arrays.sort(dev);
      sortedDev = dev;
      for (int q = 0; q < TAIL_QUANTILES.length; q++) {
        if (size >= TAIL_MIN_VALUES[q]) {
          s = Math.max(s, dev[(int) Math.floor(TAIL_QUANTILES[q] * (size - 1))] / GAUSSIAN_ABS_QUANTILES[q]);
        }
      }
      scale = s;
      sinceRefresh = 0;
    }
  }
}
