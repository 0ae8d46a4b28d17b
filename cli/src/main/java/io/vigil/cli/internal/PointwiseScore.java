package io.vigil.cli.internal;

/**
 * SKAB's outlier evaluation: every reading is a binary prediction (score >= threshold) of its
 * {@code anomaly} label; counts pool over files by {@link #plus}. F1 is 0 when nothing was found,
 * precision NaN when nothing was predicted, FAR (false alarm rate) = FP / (FP + TN), MAR (missed alarm
 * rate) = FN / (FN + TP).
 */
public record PointwiseScore(long tp, long fp, long fn, long tn) {
  public static final PointwiseScore ZERO = new PointwiseScore(0, 0, 0, 0);

  /** The rows {@code from} onwards of one file: {@code scores[i] >= threshold} against {@code anomaly[i]}. */
  public static PointwiseScore of(double[] scores, boolean[] anomaly, int from, double threshold) {
    if (scores.length != anomaly.length) {
      throw new IllegalArgumentException(scores.length + " scores for " + anomaly.length + " labels");
    }
    long tp = 0;
    long fp = 0;
    long fn = 0;
    long tn = 0;
    for (int i = Math.max(0, from); i < scores.length; i++) {
      boolean predicted = scores[i] >= threshold;
      if (predicted && anomaly[i]) {
        tp++;
      } else if (predicted) {
        fp++;
      } else if (anomaly[i]) {
        fn++;
      } else {
        tn++;
      }
    }
    return new PointwiseScore(tp, fp, fn, tn);
  }

  public PointwiseScore plus(PointwiseScore o) {
    return new PointwiseScore(tp + o.tp, fp + o.fp, fn + o.fn, tn + o.tn);
  }

  public long rows() {
    return tp + fp + fn + tn;
  }

  public double precision() {
    return tp + fp == 0 ? Double.NaN : (double) tp / (tp + fp);
  }

  public double recall() {
    return tp + fn == 0 ? Double.NaN : (double) tp / (tp + fn);
  }

  public double f1() {
    return tp == 0 ? (tp + fp + fn == 0 ? Double.NaN : 0) : 2.0 * tp / (2.0 * tp + fp + fn);
  }

  /** False alarm rate: the share of normal readings predicted anomalous. */
  public double far() {
    return fp + tn == 0 ? Double.NaN : (double) fp / (fp + tn);
  }

  /** Missed alarm rate: the share of anomalous readings not predicted. */
  public double mar() {
    return fn + tp == 0 ? Double.NaN : (double) fn / (fn + tp);
  }
}
