package io.vigil.batch;

import io.vigil.common.VigilErrors;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * The step of the regular grid a series is resampled to before it is forecast. Buckets are aligned
 * to the Unix epoch, so they are UTC hours and UTC days whatever the session time zone.
 * {@link #NATIVE} is the devices' own cadence: its step is configured
 * ({@code forecast.native.step}) rather than fixed, and its season is one day of steps.
 */
public enum Resolution {
  NATIVE(null, 0),
  HOURLY(Duration.ofHours(1), 24),
  DAILY(Duration.ofDays(1), 7);

  private final Duration step;
  private final int naturalSeason;

  Resolution(Duration step, int naturalSeason) {
    this.step = step;
    this.naturalSeason = naturalSeason;
  }

  /** The length of one bucket; {@code nativeStep} for {@link #NATIVE}. */
  public Duration step(Duration nativeStep) {
    return step != null ? step : nativeStep;
  }

  /**
   * Buckets per season when the config does not say: a day of hours, a week of days, a day of
   * native steps (at least one).
   */
  public int naturalSeason(Duration nativeStep) {
    if (step != null) {
      return naturalSeason;
    }
    return (int) Math.max(1, Math.min(10_000, Duration.ofDays(1).toMillis() / nativeStep.toMillis()));
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
