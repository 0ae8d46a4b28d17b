package io.vigil.simulator.internal;

import java.util.SplittableRandom;

/**
 * Independent random streams derived from the run seed. Each device gets its own streams keyed by
 * its index, so adding a device or turning a fault kind on leaves every other stream untouched.
 */
public final class Seeds {
  /** Stream purposes within one device. */
  public static final long PROFILE = 1, VALUES = 2, SCHEDULE = 3, PLAN = 4, POINT_FAULTS = 5;
  /** The dialect a device speaks in a mixed fleet, and the dialect's own extra fields (battery, link quality...). */
  public static final long DIALECT = 6, DIALECT_EXTRAS = 7;

  private Seeds() {}

  public static SplittableRandom stream(long seed, int deviceIndex, long purpose) {
    long s = mix(seed ^ mix(0x9E3779B97F4A7C15L * (deviceIndex + 1L)));
    return new SplittableRandom(mix(s + purpose * 0xBF58476D1CE4E5B9L));
  }

  /** The SplitMix64 finaliser: spreads nearby inputs over the whole 64-bit range. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
