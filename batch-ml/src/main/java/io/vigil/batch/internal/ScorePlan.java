package io.vigil.batch.internal;

import java.io.Serializable;

/**
 * One scoring run, in microseconds since the epoch and bucket indexes. The scored window is
 * {@code [windowStart, asOf)}; residuals of readings in {@code [historyStart, windowStart)} give
 * the robust centre and scale the window is scored with (only data before the window's readings);
 * every bucket's one-step-ahead forecast reads the {@code contextBuckets} buckets before it.
 *
 * @param threshold score at or above which a reading is anomalous
 * @param criticalThreshold score at or above which an event is CRITICAL rather than WARNING
 * @param maxLog10p see {@link ScoreCalibration}
 * @param minHistoryPoints fewest finite history residuals a series needs to be scored
 * @param spikeMaxRun longest run of consecutive anomalous readings still called spikes
 * @param shiftWindowMicros length of each of the level-shift detector's two adjacent windows
 * @param shiftSigmas smallest change of the median, in robust sigmas, called a level shift
 * @param shiftMinReadings fewest readings each of those windows needs
 * @param driftBuckets buckets the drift detector looks back over
 * @param driftMinBuckets fewest present buckets it needs there
 * @param driftZ significance (z of the median bucket residual) a persistent bias needs to be drift
 * @param driftAgreement share of those buckets whose residual has the bias' sign
 * @param driftSigmas smallest bias, in robust sigmas of the reading residuals, called drift (significance alone
 *     would flag biases too small to matter on a series whose bucket means are very steady)
 * @param driftQuietBuckets buckets a drift must have been quiet (judged and not drifting) before drifting again is a
 *     new drift
 * @param gapFactor a silence longer than this many median reading intervals is a gap: no detector window spans it
 * @param relativeFloor, absoluteFloor see {@link RobustScale}
 * @param referenceReadings readings in each reference a reading's score is judged against ({@link TailScore})
 * @param referenceMinReadings fewest values a reference needs before it judges a reading
 * @param movingAverageWindow buckets the moving-average baseline averages ({@link BucketBaseline})
 */
public record ScorePlan(
    long asOfMicros,
    long windowStartMicros,
    long historyStartMicros,
    long bucketMicros,
    int season,
    int contextBuckets,
    double threshold,
    double criticalThreshold,
    double maxLog10p,
    int minHistoryPoints,
    int spikeMaxRun,
    long shiftWindowMicros,
    double shiftSigmas,
    int shiftMinReadings,
    int driftBuckets,
    int driftMinBuckets,
    double driftZ,
    double driftAgreement,
    double driftSigmas,
    int driftQuietBuckets,
    double gapFactor,
    double relativeFloor,
    double absoluteFloor,
    int referenceReadings,
    int referenceMinReadings,
    int movingAverageWindow) implements Serializable {

  /** First bucket whose one-step forecast is needed: the one holding the first history reading. */
  public long firstTargetIdx() {
    return Math.floorDiv(historyStartMicros, bucketMicros);
  }

  /** The bucket of the last possible reading (just before as_of). */
  public long lastTargetIdx() {
    return Math.floorDiv(asOfMicros - 1, bucketMicros);
  }

  /** First bucket of the grid each series is resampled onto. */
  public long contextStartIdx() {
    return firstTargetIdx() - contextBuckets;
  }

  /** Buckets of that grid: context plus targets. */
  public int gridBuckets() {
    return (int) (lastTargetIdx() - contextStartIdx() + 1);
  }

  /** Buckets before this one hold only history readings (used for the bucket-level scale). */
  public long firstWindowBucketIdx() {
    return Math.floorDiv(windowStartMicros, bucketMicros);
  }

  public long contextStartMicros() {
    return contextStartIdx() * bucketMicros;
  }

  /** Score of the drift and level-shift statistics, on the same calibration as readings. */
  public double score(double z) {
    return ScoreCalibration.score(z, maxLog10p);
  }
}
