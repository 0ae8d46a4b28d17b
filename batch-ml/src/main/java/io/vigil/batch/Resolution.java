package io.vigil.batch;

import io.vigil.common.VigilErrors;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * The step of the regular grid a series is resampled to before it is forecast. Buckets are aligned
 * to the Unix epoch, so they are UTC hours and UTC days whatever the session time zone.
 */
public enum Resolution {
  HOURLY(Duration.ofHours(1), 24),
  DAILY(Duration.ofDays(1), 7);

  private final Duration step;
  private final int naturalSeason;

  Resolution(Duration step, int naturalSeason) {
    this.step = step;
    this.naturalSeason = naturalSeason;
  }

  /** The length of one bucket. */
  public Duration step() {
    return step;
  }

  /** Buckets per season when the config does not say: a day of hours, a week of days. */
  public int naturalSeason() {
    return naturalSeason;
  }

  /** The name used in configuration: {@code hourly}, {@code daily}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Resolution fromConfigName(String key, String name) {
    return Arrays.stream(values()).filter(r -> r.configName().equals(name)).findFirst()
        .orElseThrow(() -> VigilErrors.invalidConfigValue(key, name, "one of " + names()));
  }

  static String[] names() {
    return Arrays.stream(values()).map(Resolution::configName).toArray(String[]::new);
  }
}
