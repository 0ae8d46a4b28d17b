package io.vigil.batch.internal;

import io.vigil.schemas.AnomalyEvent;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongFunction;
import java.util.stream.IntStream;

/**
 * Walk-forward scoring of one series, in plain Java: the series is cut into the scoring job's
 * windows ({@code [as_of - score.interval, as_of)}, as_of on multiples of the interval) and each
 * window is scored by {@link SeriesScorer} exactly as an hourly {@code ScoreJob} run as of its
 * as_of would score it: residuals against one-step-ahead forecasts from complete buckets before
 * the reading's own, a robust scale from the residuals of {@code score.history} before the window,
 * the same calibration and detectors. So a reading's score reads only readings before it (those of
 * earlier buckets for its forecast, of earlier windows for its scale), and the result is the same
 * whichever later data the series has.
 *
 * <p>The bucket grid is built once per series (means of the finite readings, short gaps linearly
 * interpolated as the Resampler does); each window sees only its complete buckets, and an
 * interpolated bucket only once the bucket that closes its gap is complete. Windows are
 * independent, so they are scored in parallel.
 */
public final class WalkForward {
  /** Which registered model serves windows ending at as_of; null means seasonal naive. Must only know data before as_of. */
  @FunctionalInterface
  public interface Models extends Serializable {
    SeriesForecasts.Model at(long asOfMicros);
  }

  public static final Models SEASONAL_NAIVE = asOf -> null;

  /**
   * One series' outcome: a score per input reading (0 where none could be computed: missing values,
   * warm-up before the history holds enough residuals), and the events of every window.
   */
  public record Result(double[] scores, List<AnomalyEvent> events, int scored, int windows) {}

  private WalkForward() {}

  /**
   * @param t times in epoch microseconds, ascending (ties in input order)
   * @param v values, NaN for a missing reading
   * @param planAt the scoring plan of the window ending at an as_of (ScoreJob.plan)
   */
  public static Result score(String device, String metric, long[] t, double[] v, LongFunction<ScorePlan> planAt,
      long intervalMicros, int fillMaxGap, Models models) {
    return score(device, metric, t, v, planAt, intervalMicros, fillMaxGap, models, Long.MIN_VALUE);
  }

  /** As above, scoring only the windows that start at or after {@code scoreFromMicros}; earlier readings are history. */
  public static Result score(String device, String metric, long[] t, double[] v, LongFunction<ScorePlan> planAt,
      long intervalMicros, int fillMaxGap, Models models, long scoreFromMicros) {
    int n = t.length;
    int[] finiteIdx = IntStream.range(0, n).filter(i -> Double.isFinite(v[i])).toArray();
    double[] scores = new double[n];
    if (finiteIdx.length == 0) {
      return new Result(scores, List.of(), 0, 0);
    }
    long[] tf = Arrays.stream(finiteIdx).mapToLong(i -> t[i]).toArray();
    double[] vf = Arrays.stream(finiteIdx).mapToDouble(i -> v[i]).toArray();
    ScorePlan first = planAt.apply((Math.floorDiv(tf[0], intervalMicros) + 1) * intervalMicros);
    Grid grid = Grid.of(tf, vf, first.bucketMicros(), fillMaxGap);

    // Window boundaries: [starts[w], starts[w + 1]) index the finite readings of window w.
    List<Integer> startList = new ArrayList<>();
    for (int j = 0; j < tf.length; j++) {
      if (j == 0 || Math.floorDiv(tf[j], intervalMicros) != Math.floorDiv(tf[j - 1], intervalMicros)) {
        startList.add(j);
      }
    }
    int windows = startList.size();
    int[] starts = new int[windows + 1];
    for (int w = 0; w < windows; w++) {
      starts[w] = startList.get(w);
    }
    starts[windows] = tf.length;

    @SuppressWarnings("unchecked")
    List<AnomalyEvent>[] events = new List[windows];
    double[] finiteScores = new double[tf.length];
    Arrays.fill(finiteScores, Double.NaN);
    IntStream.range(0, windows).parallel().forEach(w -> {
      long asOf = (Math.floorDiv(tf[starts[w]], intervalMicros) + 1) * intervalMicros;
      if (asOf - intervalMicros < scoreFromMicros) {
        events[w] = List.of();
        return;
      }
      ScorePlan plan = planAt.apply(asOf);
      int from = ReadingRuns.firstIndexAtOrAfter(tf, plan.historyStartMicros());
      int to = starts[w + 1];
      SeriesScorer.Input in = new SeriesScorer.Input(grid.window(device, metric, plan),
          Arrays.copyOfRange(tf, from, to), Arrays.copyOfRange(vf, from, to));
      SeriesScorer.Result r = SeriesScorer.score(in, plan, models.at(asOf));
      // The window's readings come back in order, one per finite reading in [windowStart, as_of).
      int base = ReadingRuns.firstIndexAtOrAfter(tf, plan.windowStartMicros());
      for (int q = 0; q < r.readings().size(); q++) {
        double s = r.readings().get(q).score();
        finiteScores[base + q] = s;
      }
      events[w] = r.events();
    });
    int scored = 0;
    for (int k = 0; k < finiteIdx.length; k++) {
      scored += Double.isFinite(finiteScores[k]) ? 1 : 0;
      scores[finiteIdx[k]] = Double.isFinite(finiteScores[k]) ? finiteScores[k] : 0;
    }
    List<AnomalyEvent> all = new ArrayList<>();
    for (List<AnomalyEvent> e : events) {
      all.addAll(e);
    }
    return new Result(scores, all, scored, windows);
  }

  /** The series' bucket means over its whole span; {@code closedBy[i]} is the observed bucket that ends an interpolated gap. */
  static final long MAX_BUCKETS = 20_000_000L;

  record Grid(long startIdx, long bucketMicros, double[] y, boolean[] imputed, long[] closedBy) {
    static Grid of(long[] t, double[] v, long b, int fillMaxGap) {
      long lo = Math.floorDiv(t[0], b);
      long hi = Math.floorDiv(t[t.length - 1], b);
      if (hi - lo + 1 > MAX_BUCKETS) {
        throw new IllegalArgumentException("the series spans " + (hi - lo + 1) + " buckets, more than " + MAX_BUCKETS);
      }
      int len = (int) (hi - lo + 1);
      double[] sum = new double[len];
      int[] count = new int[len];
      for (int j = 0; j < t.length; j++) {
        int g = (int) (Math.floorDiv(t[j], b) - lo);
        sum[g] += v[j];
        count[g]++;
      }
      double[] y = new double[len];
      boolean[] imputed = new boolean[len];
      long[] closedBy = new long[len];
      int last = -1;
      for (int g = 0; g < len; g++) {
        y[g] = count[g] == 0 ? Double.NaN : sum[g] / count[g];
        if (count[g] > 0) {
          int missing = last < 0 ? 0 : g - last - 1;
          if (missing >= 1 && missing <= fillMaxGap) {
            for (int k = last + 1; k < g; k++) {
              y[k] = y[last] + (y[g] - y[last]) * (k - last) / (g - last);
              imputed[k] = true;
              closedBy[k] = lo + g;
            }
          }
          last = g;
        }
      }
      return new Grid(lo, b, y, imputed, closedBy);
    }

    /** The plan's grid as known at its as_of: complete buckets only, interpolations only once their gap closed. */
    SeriesHistory window(String device, String metric, ScorePlan plan) {
      long from = plan.contextStartIdx();
      int len = plan.gridBuckets();
      long complete = Math.floorDiv(plan.asOfMicros(), bucketMicros);
      double[] out = new double[len];
      boolean[] imp = new boolean[len];
      Arrays.fill(out, Double.NaN);
      for (int g = 0; g < len; g++) {
        long idx = from + g;
        int k = (int) (idx - startIdx);
        if (idx >= complete || k < 0 || k >= y.length || Double.isNaN(y[k])) {
          continue;
        }
        if (imputed[k] && closedBy[k] >= complete) {
          continue;
        }
        out[g] = y[k];
        imp[g] = imputed[k];
      }
      return new SeriesHistory(device, metric, from, bucketMicros, out, imp);
    }
  }
}
