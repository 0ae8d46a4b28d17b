package io.vigil.simulator.internal;

import io.vigil.simulator.Dialect;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Everything fixed about one device for a run: type, metrics, cadence and payload style. Drawn from
 * the device's own profile stream, so it depends only on the seed, the device index and the base
 * settings.
 */
public record DeviceProfile(int index, String id, DeviceType type, List<MetricModel> metrics, long intervalMs,
    double jitterFraction, long phaseMs, boolean nested, boolean isoTimestamps, boolean seqIds, String topic, Dialect dialect) {

  private static final double[] INTERVAL_FACTORS = {0.2, 0.5, 1, 1, 2, 6};
  public static final long MIN_INTERVAL_MS = 100;

  public static String deviceId(int index) {
    return String.format("dev-%04d", index + 1);
  }

  public static DeviceProfile draw(long seed, int index, long baseIntervalMs, double maxJitter, String topicLayout) {
    return draw(seed, index, baseIntervalMs, maxJitter, topicLayout, Dialect.VIGIL);
  }

  /**
   * The draws are the same whatever the dialect (it only renames metrics, picks the topic and, for
   * OwnTracks, makes the device a tracker), so a vigil fleet is unchanged by the dialects' existence.
   */
  public static DeviceProfile draw(long seed, int index, long baseIntervalMs, double maxJitter, String topicLayout,
      Dialect dialect) {
    SplittableRandom rng = Seeds.stream(seed, index, Seeds.PROFILE);
    DeviceType[] types = DeviceType.DRAWN;
    DeviceType type = DialectWriters.typeFor(dialect, types[rng.nextInt(types.length)]);
    long interval = Math.max(MIN_INTERVAL_MS, Math.round(baseIntervalMs * INTERVAL_FACTORS[rng.nextInt(INTERVAL_FACTORS.length)]));
    double jitter = maxJitter * (0.5 + 0.5 * rng.nextDouble());
    long phase = (long) (rng.nextDouble() * interval);
    boolean nested = rng.nextBoolean();
    boolean iso = rng.nextBoolean();
    boolean seq = rng.nextBoolean();
    DeviceType t = type;
    List<MetricModel> metrics = type.metricsFor(rng).stream()
        .map(m -> m.named(DialectWriters.metricName(dialect, t, m.name()))).toList();
    String name = deviceId(index);
    return new DeviceProfile(index, DialectWriters.deviceId(dialect, name), type, metrics, interval, jitter, phase, nested, iso,
        seq, DialectWriters.topic(dialect, name, topicLayout), dialect);
  }
}
