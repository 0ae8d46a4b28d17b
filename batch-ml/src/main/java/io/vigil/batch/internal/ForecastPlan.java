package io.vigil.batch.internal;

import io.vigil.batch.ForecastJobConfig;
import java.io.Serializable;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * One run's grid, in bucket indexes since the epoch: history is {@code [startIdx, endIdx)}, every
 * bucket of it complete before as_of; forecasts target {@code firstTargetIdx .. firstTargetIdx+H-1}.
 * When as_of falls inside a bucket, that bucket is neither history (it is partial) nor a target
 * (it has begun), so the first target is one step further out.
 */
public record ForecastPlan(
    long asOfMicros,
    long bucketMicros,
    long startIdx,
    long endIdx,
    long firstTargetIdx,
    int horizon,
    int seasonLength,
    int movingAverageWindow,
    int minObservedBuckets,
    int fillMaxGap,
    double intervalCoverage) implements Serializable {

  public static ForecastPlan of(ForecastJobConfig config, Instant asOf) {
    long asOfMicros = ChronoUnit.MICROS.between(Instant.EPOCH, asOf);
    long bucket = config.step().toNanos() / 1_000;
    long end = Math.floorDiv(asOfMicros, bucket);
    long firstTarget = -Math.floorDiv(-asOfMicros, bucket);
    return new ForecastPlan(asOfMicros, bucket, end - config.historyBuckets(), end, firstTarget, config.horizon(),
        config.seasonLength(), config.movingAverageWindow(), config.minHistoryBuckets(), config.fillMaxGap(),
        config.intervalCoverage());
  }

  public int historyBuckets() {
    return (int) (endIdx - startIdx);
  }

  /** Steps from the end of history to the last target. */
  public int stepsToLastTarget() {
    return (int) (firstTargetIdx - endIdx) + horizon;
  }

  public long startMicros() {
    return startIdx * bucketMicros;
  }

  /** Exclusive end of the data used: the end of the last complete bucket, never after as_of. */
  public long endMicros() {
    return endIdx * bucketMicros;
  }
}
