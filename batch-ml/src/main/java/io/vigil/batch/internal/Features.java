package io.vigil.batch.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The model's features for one (series, origin t, horizon h), target bucket {@code u = t + h}.
 * Causal by construction: every value read comes from a bucket at or before the origin; the target
 * bucket contributes only its calendar position. Values are normalised ({@link Normaliser}) so one
 * model serves every series.
 *
 * <p>The model learns a correction to a base forecast (the label is the target's normalised value
 * minus the base). The base is the target's seasonal profile (the mean of its phase over the last P
 * seasons) moved by the series' current level offset: the mean, over the last L buckets, of how far
 * each sat from its own profile. The profile averages P seasons of noise where seasonal naive copies
 * one (on white noise its error is about sqrt(1 + 1/P + 1/L + 1/(PL)) sigmas against sqrt(2)); the offset re-anchors it to where the
 * series is now, so a trend, a drift or a level shift that the profile's older seasons lag behind
 * does not bias it (under a linear trend the profile and the offset lag by the same amount and the
 * base is unbiased). An untrained or uninformed model therefore degrades to that base. The features
 * the trees see are differences from the series' own expectation, never levels (see {@link #vector}).
 *
 * <p>The model learns only where the base is formed ({@link #baseFormed}): a season of history
 * before the origin gives the target a profile and the origin a level offset. Before that the base
 * is a fallback (the last season's mean) with other errors; rows from it taught the trees
 * corrections (the daily shape, mostly) that they then added to a formed base, where the shape is
 * already in the profile. On the demo's three days (12 devices, hourly) 7,068 of the 8,259 rows
 * before the backtest were such rows, and the model's backtest relMASE was 3.11 against 0.74 for the
 * base alone; learning only where the base is formed it was 1.33 (too few rows left; on seven days
 * 0.67 as of one hour, 1.03 as of another). Where the base is not formed the model adds nothing; where
 * it is, only the share of the correction that held-out data supports ({@link CorrectionWeight}).
 */
public final class Features {
  private Features() {}

  /** One training row: the feature vector and the label (normalised target minus profile). */
  public record Example(int origin, int horizon, double[] features, double label) {}

  /** The series normalised with {@code norm}, only for buckets {@code <= origin}; later ones are NaN. */
  public static double[] normalised(SeriesHistory s, Normaliser norm, int origin) {
    double[] z = new double[s.length()];
    for (int i = 0; i < z.length; i++) {
      z[i] = i <= origin && s.present(i) ? norm.normalise(s.y()[i]) : Double.NaN;
    }
    return z;
  }

  /**
   * Whether the model can forecast from origin {@code t}: its last L buckets are all present (no
   * long gap in the lag window; short ones were filled) and at least a season lies before it.
   */
  public static boolean servable(SeriesHistory s, FeatureSpec spec, int t) {
    if (t < spec.season() || t - spec.lags() + 1 < 0 || t >= s.length()) {
      return false;
    }
    for (int i = t - spec.lags() + 1; i <= t; i++) {
      if (!s.present(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether (t, h) may be a training row or a scored backtest target: servable at t, the target a
   * real reading, and no missing bucket between origin and target, so no row spans a long gap.
   */
  public static boolean scorable(SeriesHistory s, FeatureSpec spec, int t, int h) {
    int u = t + h;
    if (!servable(s, spec, t) || !s.observed(u)) {
      return false;
    }
    for (int i = t + 1; i < u; i++) {
      if (!s.present(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The feature vector for origin t and horizon h, reading {@code z} and {@code imputed} only at
   * indexes {@code <= t}. {@code z} must be normalised ({@link #normalised}).
   */
  public static double[] vector(FeatureSpec spec, SeriesHistory s, double[] z, int t, int h) {
    int m = spec.season();
    int lagsN = spec.lags();
    int seasons = spec.profileSeasons();
    int u = t + h;
    double[] f = new double[spec.size()];
    int k = 0;
    f[k++] = h;
    long targetMicros = s.bucketStartMicros(u);
    f[k++] = Math.floorMod(Math.floorDiv(targetMicros, 3_600_000_000L), 24L);
    // 1970-01-01 was a Thursday; 0 is Monday.
    f[k++] = Math.floorMod(Math.floorDiv(targetMicros, 86_400_000_000L) + 3, 7L);
    // Every value feature is a difference from the series' own expectation, never a level: a level the
    // training data never reached (after a shift, along a drift) then reads like any other, where trees
    // fed levels would apply whatever they learned at the edge of their range.
    double offset = orElse(levelOffset(z, t, m, seasons, lagsN), 0);
    int imputedInLags = 0;
    for (int lag = 1; lag <= lagsN; lag++) {
      int i = t - lag + 1;
      double own = i < 0 ? Double.NaN : profile(z, i - m, i - m, m, seasons);
      f[k++] = Double.isNaN(at(z, i, t)) || Double.isNaN(own) ? 0 : z[i] - own - offset;
      if (i >= 0 && i <= t && s.imputed()[i]) {
        imputedInLags++;
      }
    }
    int sn1 = samePhaseAtOrBefore(z, u, t, m);
    int sn2 = sn1 < 0 ? -1 : samePhaseAtOrBefore(z, sn1 - m, t, m);
    double profile = profile(z, u, t, m, seasons);
    f[k++] = sn1 < 0 || Double.isNaN(profile) ? 0 : z[sn1] - profile;
    f[k++] = sn2 < 0 || Double.isNaN(profile) ? 0 : z[sn2] - profile;
    double originProfile = profile(z, t, t - 1, m, seasons);
    f[k++] = Double.isNaN(profile) || Double.isNaN(originProfile) ? 0 : profile - originProfile;
    f[k++] = orElse(std(z, t - lagsN + 1, t), 0);
    f[k++] = orElse(std(z, t - m + 1, t), 0);
    // How the level offset moved over the last season: a drift the base does not extrapolate shows here.
    double offsetBefore = t - m < 0 ? Double.NaN : levelOffset(z, t - m, m, seasons, lagsN);
    f[k++] = Double.isNaN(offsetBefore) ? 0 : offset - offsetBefore;
    f[k++] = t >= 0 && s.imputed()[t] ? 1 : 0;
    f[k++] = imputedInLags;
    int missing = 0;
    for (int i = Math.max(0, t - m + 1); i <= t; i++) {
      if (Double.isNaN(z[i])) {
        missing++;
      }
    }
    f[k++] = missing;
    return f;
  }

  /**
   * What the model's output is added to: the target's seasonal profile plus the current level
   * offset ({@link #levelOffset}); the profile alone when no recent bucket has a profile of its own
   * (less than a season of history before them); the last season's mean when the target has none.
   */
  public static double base(FeatureSpec spec, double[] z, int t, int h) {
    double profile = profile(z, t + h, t, spec.season(), spec.profileSeasons());
    if (!Double.isNaN(profile)) {
      double offset = levelOffset(z, t, spec.season(), spec.profileSeasons(), spec.lags());
      return Double.isNaN(offset) ? profile : profile + offset;
    }
    double seasonMean = mean(z, t - spec.season() + 1, t);
    return Double.isNaN(seasonMean) ? 0 : seasonMean;
  }

  /**
   * Whether the base for (t, h) is the profile moved by the level offset, not a fallback: the target's
   * phase has a value in one of the last P seasons at or before t, and some bucket of the last L has
   * a profile of its own. Only there does the model learn or add a correction.
   */
  public static boolean baseFormed(FeatureSpec spec, double[] z, int t, int h) {
    return !Double.isNaN(profile(z, t + h, t, spec.season(), spec.profileSeasons()))
        && !Double.isNaN(levelOffset(z, t, spec.season(), spec.profileSeasons(), spec.lags()));
  }

  /**
   * Training rows of one series: origins every {@code stride} buckets, horizons 1..H, whose target
   * is at or before {@code lastTarget}, which are {@link #scorable} and whose base is {@link #baseFormed}. Normalised with
   * {@code norm}, which the caller fits on the training window only.
   */
  public static List<Example> examples(SeriesHistory s, FeatureSpec spec, Normaliser norm, int lastTarget, int stride) {
    return winsorised(rawExamples(s, spec, norm, lastTarget, stride));
  }

  /** Labels further than this many robust sigmas from the series' median label are clipped to it. */
  static final double LABEL_CLIP_SIGMAS = 5;

  /**
   * The examples with their labels clipped to the series' median label plus or minus
   * {@link #LABEL_CLIP_SIGMAS} robust sigmas (MAD). The history a model learns from holds faults (a level
   * shift leaves a day of huge labels until the seasons catch up, a spike two); squared loss would let
   * those few rows set the trees' corrections for every series, where the clipped rows still say which
   * way the error went.
   */
  static List<Example> winsorised(List<Example> examples) {
    if (examples.size() < 3) {
      return examples;
    }
    double[] labels = examples.stream().mapToDouble(Example::label).toArray();
    double median = Normaliser.median(labels);
    double[] dev = new double[labels.length];
    for (int i = 0; i < labels.length; i++) {
      dev[i] = Math.abs(labels[i] - median);
    }
    double bound = LABEL_CLIP_SIGMAS * 1.4826 * Normaliser.median(dev);
    if (!(bound > 0)) {
      return examples;
    }
    List<Example> out = new ArrayList<>(examples.size());
    for (Example e : examples) {
      double clipped = Math.max(median - bound, Math.min(median + bound, e.label()));
      out.add(clipped == e.label() ? e : new Example(e.origin(), e.horizon(), e.features(), clipped));
    }
    return out;
  }

  private static List<Example> rawExamples(SeriesHistory s, FeatureSpec spec, Normaliser norm, int lastTarget, int stride) {
    List<Example> out = new ArrayList<>();
    double[] z = normalised(s, norm, lastTarget);
    double[] labelsZ = z; // the target u <= lastTarget is inside the normalised part
    for (int t = lastTarget - 1; t >= 0; t -= stride) {
      if (!servable(s, spec, t)) {
        continue;
      }
      for (int h = 1; h <= spec.horizon() && t + h <= lastTarget; h++) {
        if (scorable(s, spec, t, h) && baseFormed(spec, z, t, h)) {
          double label = labelsZ[t + h] - base(spec, z, t, h);
          out.add(new Example(t, h, vector(spec, s, z, t, h), label));
        }
      }
    }
    return out;
  }

  /**
   * Where the series sits against its usual shape at origin t: the mean over the last {@code lags}
   * buckets {@code i <= t} of {@code z[i]} minus the profile of i's phase over the {@code seasons}
   * seasons before i. NaN when no such bucket has both.
   */
  static double levelOffset(double[] z, int t, int m, int seasons, int lags) {
    double sum = 0;
    int n = 0;
    for (int i = t; i > t - lags && i >= 0; i--) {
      if (Double.isNaN(z[i])) {
        continue;
      }
      double p = profile(z, i - m, i - m, m, seasons);
      if (!Double.isNaN(p)) {
        sum += z[i] - p;
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /** The latest index {@code <= t} in the same phase as {@code u} holding a value, or -1. */
  static int samePhaseAtOrBefore(double[] z, int u, int t, int m) {
    int j = u <= t ? u : u - m * (int) Math.ceil((u - t) / (double) m);
    while (j >= 0 && Double.isNaN(z[j])) {
      j -= m;
    }
    return j;
  }

  /** Mean of the same phase as {@code u} over the last {@code seasons} seasons at or before t; NaN if none. */
  static double profile(double[] z, int u, int t, int m, int seasons) {
    int j = u <= t ? u : u - m * (int) Math.ceil((u - t) / (double) m);
    double sum = 0;
    int n = 0;
    for (int k = 0; k < seasons && j >= 0; k++, j -= m) {
      if (!Double.isNaN(z[j])) {
        sum += z[j];
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  private static double at(double[] z, int i, int t) {
    return i < 0 || i > t ? Double.NaN : z[i];
  }

  private static double mean(double[] z, int from, int to) {
    double sum = 0;
    int n = 0;
    for (int i = Math.max(0, from); i <= to; i++) {
      if (!Double.isNaN(z[i])) {
        sum += z[i];
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  private static double std(double[] z, int from, int to) {
    double mean = mean(z, from, to);
    if (Double.isNaN(mean)) {
      return Double.NaN;
    }
    double ss = 0;
    int n = 0;
    for (int i = Math.max(0, from); i <= to; i++) {
      if (!Double.isNaN(z[i])) {
        ss += (z[i] - mean) * (z[i] - mean);
        n++;
      }
    }
    return n < 2 ? 0 : Math.sqrt(ss / n);
  }

  private static double orElse(double v, double fallback) {
    return Double.isNaN(v) ? fallback : v;
  }
}
