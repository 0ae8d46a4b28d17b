package io.vigil.simulator.internal;

import java.util.List;
import java.util.SplittableRandom;

/** The kinds of device in a fleet and the shape of their metrics. */
public enum DeviceType {
  ENVIRONMENT(List.of(
      new Shape("temperature", 21.0, 3.0, 0.5, 0.3, 0.2, -40, 85, 2),
      new Shape("humidity", 45.0, 8.0, 2.0, 1.0, 1.0, 0, 100, 1))),
  NOISE(List.of(
      new Shape("noise_db", 55.0, 10.0, 4.0, 0.5, 2.0, 20, 130, 1))),
  POWER(List.of(
      new Shape("power_w", 1200.0, 400.0, 150.0, 20.0, 30.0, 0, 100_000, 1),
      new Shape("voltage", 230.0, 2.0, 0.5, 0.05, 0.8, 0, 500, 2))),
  VIBRATION(List.of(
      new Shape("vibration_rms", 2.5, 0.8, 0.3, 0.05, 0.15, 0, 100, 3))),
  /**
   * A phone or tracker reporting its position (OwnTracks). Never drawn at random: a device is a tracker
   * because its dialect is owntracks.
   */
  TRACKER(List.of(
      new Shape("lat", 52.37, 0.02, 0.005, 0.0, 0.001, -90, 90, 6),
      new Shape("lon", 4.89, 0.03, 0.005, 0.0, 0.001, -180, 180, 6),
      new Shape("acc", 12.0, 4.0, 1.0, 0.0, 3.0, 1, 500, 0),
      new Shape("batt", 70.0, 20.0, 5.0, 0.0, 2.0, 0, 100, 0),
      new Shape("vel", 25.0, 20.0, 5.0, 0.0, 8.0, 0, 130, 0)));

  /** The types a device is drawn from. Fixed, so adding a type never changes the fleet a seed gives. */
  static final DeviceType[] DRAWN = {ENVIRONMENT, NOISE, POWER, VIBRATION};

  /** Typical values for a metric; each device varies them a little. */
  record Shape(String name, double base, double daily, double weekly, double trendPerDay, double noise, double min,
      double max, int decimals) {}

  private final List<Shape> shapes;

  DeviceType(List<Shape> shapes) {
    this.shapes = shapes;
  }

  /** This type's metrics for one device: levels within +-10%, amplitudes 0.7-1.3x, own phases and trend. */
  List<MetricModel> metricsFor(SplittableRandom rng) {
    return shapes.stream().map(s -> {
      double base = s.base() * (0.9 + 0.2 * rng.nextDouble());
      double daily = s.daily() * (0.7 + 0.6 * rng.nextDouble());
      // Phases within +-1.5 hours of the type's typical day (peak mid-afternoon, trough before dawn).
      double dailyPhase = Math.PI / 2 - 2 * Math.PI * (15.0 / 24) + (rng.nextDouble() - 0.5) * 2 * Math.PI / 8;
      double weekly = s.weekly() * (0.7 + 0.6 * rng.nextDouble());
      double weeklyPhase = rng.nextDouble() * 2 * Math.PI;
      double trend = s.trendPerDay() * (2 * rng.nextDouble() - 1);
      double noise = s.noise() * (0.7 + 0.6 * rng.nextDouble());
      return new MetricModel(s.name(), base, daily, dailyPhase, weekly, weeklyPhase, trend, noise, s.min(), s.max(), s.decimals());
    }).toList();
  }
}
