package io.vigil.batch.internal;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * One series on its regular grid: {@code y[i]} is the bucket {@code startIdx + i} (bucket indexes
 * since the epoch, {@code bucketMicros} long), {@code NaN} when missing. {@code imputed[i]} marks
 * values filled across a short gap. No Spark or Delta needed, so walk-forward scoring and tests can
 * build histories by hand.
 */
public record SeriesHistory(String deviceId, String metric, long startIdx, long bucketMicros, double[] y,
    boolean[] imputed) implements Serializable {

  public int length() {
    return y.length;
  }

  /** Whether bucket {@code i} holds a value (observed or imputed). */
  public boolean present(int i) {
    return i >= 0 && i < y.length && !Double.isNaN(y[i]);
  }

  /** Whether bucket {@code i} holds a real reading: present and not imputed. */
  public boolean observed(int i) {
    return present(i) && !imputed[i];
  }

  /** The first {@code n} buckets: the history as it was known at bucket {@code n - 1}. */
  public SeriesHistory prefix(int n) {
    return new SeriesHistory(deviceId, metric, startIdx, bucketMicros, Arrays.copyOf(y, n), Arrays.copyOf(imputed, n));
  }

  /** Start of bucket {@code i} in microseconds since the epoch. */
  public long bucketStartMicros(int i) {
    return (startIdx + i) * bucketMicros;
  }

  /**
   * A row of (device_id, metric, points: array of struct(idx, value, imputed)) spread onto the
   * grid {@code [startIdx, startIdx + n)}; points outside it are ignored.
   */
  public static SeriesHistory fromPoints(Row row, long startIdx, int n, long bucketMicros) {
    double[] y = new double[n];
    boolean[] imputed = new boolean[n];
    Arrays.fill(y, Double.NaN);
    List<Row> points = row.getList(2);
    for (Row p : points) {
      long i = p.getLong(0) - startIdx;
      if (i >= 0 && i < n) {
        y[(int) i] = p.getDouble(1);
        imputed[(int) i] = p.getBoolean(2);
      }
    }
    return new SeriesHistory(row.getString(0), row.getString(1), startIdx, bucketMicros, y, imputed);
  }
}
