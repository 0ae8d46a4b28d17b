package io.vigil.batch.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FeaturesTest {
  private static final int M = 24;
  private static final long HOUR_MICROS = 3_600_000_000L;
  // 2026-11-16T00:00Z, a Monday.
  private static final long START_IDX = Instant.parse("2026-11-16T00:00:00Z").getEpochSecond() / 3600;
  private static final FeatureSpec SPEC = new FeatureSpec(M, 6, 4, 12);

  private static SeriesHistory series(int n, long seed) {
    Random r = new Random(seed);
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = 20 + 5 * Math.sin(2 * Math.PI * (i % M) / M) + r.nextGaussian();
    }
    return new SeriesHistory("d1", "temp", START_IDX, HOUR_MICROS, y, new boolean[n]);
  }

  /** The same history up to and including bucket t; everything after it replaced by something else. */
  private static SeriesHistory differentFuture(SeriesHistory s, int t) {
    double[] y = s.y().clone();
    boolean[] imputed = s.imputed().clone();
    for (int i = t + 1; i < y.length; i++) {
      y[i] = i % 3 == 0 ? Double.NaN : 1e6 * (i % 2 == 0 ? 1 : -1);
      imputed[i] = i % 5 == 0;
    }
    return new SeriesHistory(s.deviceId(), s.metric(), s.startIdx(), s.bucketMicros(), y, imputed);
  }

  @Test
  void featuresOfAnOriginDoNotChangeWhenTheFutureDoes() {
    SeriesHistory s = series(14 * M, 1);
    Normaliser norm = Normaliser.fit(s, 7 * M);
    for (int t : new int[] {M + 5, 3 * M, 5 * M + 17, 10 * M}) {
      SeriesHistory other = differentFuture(s, t);
      double[] z = Features.normalised(s, norm, s.length() - 1); // even with the future normalised in
      double[] zOther = Features.normalised(other, norm, other.length() - 1);
      for (int h = 1; h <= SPEC.horizon(); h++) {
        assertThat(Features.vector(SPEC, other, zOther, t, h)).as("t=%d h=%d", t, h)
            .containsExactly(Features.vector(SPEC, s, z, t, h));
        assertThat(Features.base(SPEC, zOther, t, h)).isEqualTo(Features.base(SPEC, z, t, h));
      }
    }
  }

  @Test
  void trainingExamplesUpToACutoffDoNotChangeWhenLaterDataDoes() {
    SeriesHistory s = series(14 * M, 2);
    int lastTarget = 9 * M;
    SeriesHistory other = differentFuture(s, lastTarget);

    List<Features.Example> a = Features.examples(s, SPEC, Normaliser.fit(s, lastTarget + 1), lastTarget, 1);
    List<Features.Example> b = Features.examples(other, SPEC, Normaliser.fit(other, lastTarget + 1), lastTarget, 1);

    assertThat(a).isNotEmpty().hasSameSizeAs(b);
    for (int i = 0; i < a.size(); i++) {
      assertThat(b.get(i).features()).containsExactly(a.get(i).features());
      assertThat(b.get(i).label()).isEqualTo(a.get(i).label());
      assertThat(a.get(i).origin() + a.get(i).horizon()).isLessThanOrEqualTo(lastTarget);
    }
  }

  @Test
  void modelForecastsFromAnOriginIgnoreEverythingAfterIt() {
    SeriesHistory s = series(14 * M, 3);
    // A predictor that depends on every feature, so any leak would show.
    ModelForecaster model = new ModelForecaster(SPEC, f -> Arrays.stream(f).sum() * 1e-3);
    int t = 11 * M + 7;

    double[] a = model.forecastFrom(s, t, SPEC.horizon()).values();
    double[] b = model.forecastFrom(differentFuture(s, t), t, SPEC.horizon()).values();
    double[] c = model.forecast(s.prefix(t + 1), SPEC.horizon()).values();

    assertThat(b).containsExactly(a);
    assertThat(c).containsExactly(a);
  }

  @Test
  void calendarFeaturesDescribeTheTargetBucket() {
    SeriesHistory s = series(3 * M, 4);
    double[] z = Features.normalised(s, Normaliser.fit(s, s.length()), s.length() - 1);
    int t = 2 * M - 1; // Tuesday 23:00, so h=1 is Wednesday 00:00 and h=3 is Wednesday 02:00

    double[] f1 = Features.vector(SPEC, s, z, t, 1);
    double[] f3 = Features.vector(SPEC, s, z, t, 3);

    List<String> names = SPEC.names();
    assertThat(names).hasSize(SPEC.size());
    assertThat(f1[names.indexOf("horizon")]).isEqualTo(1);
    assertThat(f1[names.indexOf("target_hour_of_day")]).isEqualTo(0);
    assertThat(f1[names.indexOf("target_day_of_week")]).isEqualTo(2);
    assertThat(f3[names.indexOf("target_hour_of_day")]).isEqualTo(2);
    // One season of history before the lags: each lag's own profile is the bucket a season before it.
    double offset = 0;
    for (int i = t - 5; i <= t; i++) {
      offset += (z[i] - z[i - M]) / 6;
    }
    assertThat(f1[names.indexOf("lag_1_vs_base")]).isCloseTo(z[t] - z[t - M] - offset, within(1e-12));
    assertThat(f1[names.indexOf("lag_2_vs_base")]).isCloseTo(z[t - 1] - z[t - 1 - M] - offset, within(1e-12));
    // Same hour one and two days before the target, both at or before the origin, against their mean (the profile).
    double profile = (z[t + 1 - M] + z[t + 1 - 2 * M]) / 2;
    assertThat(f1[names.indexOf("seasonal_lag_1_vs_profile")]).isCloseTo(z[t + 1 - M] - profile, within(1e-12));
    assertThat(f1[names.indexOf("seasonal_lag_2_vs_profile")]).isCloseTo(z[t + 1 - 2 * M] - profile, within(1e-12));
    assertThat(Features.base(SPEC, z, t, 1)).isCloseTo(profile + offset, within(1e-12));
  }

  @Test
  void theBaseFollowsALinearTrendThatTheSeasonalProfileLagsBehind() {
    // A daily cycle on a steep trend, no noise: the profile of the last seasons lags by (P+1)/2 seasons of
    // trend, seasonal naive by one; the level offset puts the base back on the trend.
    int n = 10 * M;
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = 5 * Math.sin(2 * Math.PI * (i % M) / M) + 0.5 * i;
    }
    SeriesHistory s = new SeriesHistory("d1", "temp", START_IDX, HOUR_MICROS, y, new boolean[n]);
    Normaliser norm = Normaliser.fit(s, n);
    double[] z = Features.normalised(s, norm, n - 1);
    int t = n - 1 - M;
    for (int h = 1; h <= SPEC.horizon(); h++) {
      assertThat(norm.denormalise(Features.base(SPEC, z, t, h))).isCloseTo(y[t + h], within(1e-9));
      double profileOnly = norm.denormalise(Features.profile(z, t + h, t, M, SPEC.profileSeasons()));
      assertThat(y[t + h] - profileOnly).isCloseTo(0.5 * M * (SPEC.profileSeasons() + 1) / 2.0, within(1e-9));
    }
  }

  @Test
  void labelsFarFromTheSeriesUsualErrorsAreClipped() {
    List<Features.Example> examples = new java.util.ArrayList<>();
    Random r = new Random(3);
    for (int i = 0; i < 200; i++) {
      examples.add(new Features.Example(i, 1, new double[] {i}, r.nextGaussian()));
    }
    examples.add(new Features.Example(200, 1, new double[] {200}, 40)); // a level shift's day, say

    List<Features.Example> clipped = Features.winsorised(examples);

    assertThat(clipped.get(200).label()).isBetween(3.0, 7.0);
    assertThat(clipped.subList(0, 200)).extracting(Features.Example::label)
        .containsExactlyElementsOf(examples.subList(0, 200).stream().map(Features.Example::label).toList());
  }

  @Test
  void noExampleSpansALongGapAndImputedBucketsAreNeverTargets() {
    SeriesHistory s = series(10 * M, 5);
    int gapFrom = 5 * M;
    int gapTo = 5 * M + 8; // nine missing buckets: a long gap the resampler left alone
    for (int i = gapFrom; i <= gapTo; i++) {
      s.y()[i] = Double.NaN;
    }
    int imputedAt = 7 * M + 3; // a short gap the resampler filled
    s.imputed()[imputedAt] = true;

    List<Features.Example> examples = Features.examples(s, SPEC, Normaliser.fit(s, s.length()), s.length() - 1, 1);

    assertThat(examples).isNotEmpty().allSatisfy(e -> {
      int firstRead = e.origin() - SPEC.lags() + 1;
      int target = e.origin() + e.horizon();
      assertThat(target < gapFrom || firstRead > gapTo)
          .as("origin %d h %d spans the gap %d..%d", e.origin(), e.horizon(), gapFrom, gapTo).isTrue();
      assertThat(target).isNotEqualTo(imputedAt);
    });
    // Origins right after the gap are usable once their lag window is clear of it.
    assertThat(examples).anySatisfy(e -> assertThat(e.origin()).isEqualTo(gapTo + SPEC.lags()));
    assertThat(examples).noneSatisfy(e -> assertThat(e.origin()).isEqualTo(gapTo + SPEC.lags() - 1));
    // The imputed bucket may still be read as a lag, and is flagged when it is.
    int originImputed = imputedAt;
    assertThat(Features.servable(s, SPEC, originImputed)).isTrue();
    double[] z = Features.normalised(s, Normaliser.fit(s, s.length()), s.length() - 1);
    assertThat(Features.vector(SPEC, s, z, originImputed, 1)[SPEC.names().indexOf("origin_imputed")]).isEqualTo(1);
  }

  @Test
  void theModelDoesNotServeASeriesWhoseLastBucketsAreMissing() {
    SeriesHistory s = series(6 * M, 6);
    s.y()[s.length() - 2] = Double.NaN;
    ModelForecaster model = new ModelForecaster(SPEC, f -> 0);

    assertThat(model.forecast(s, 3)).isNull();
    assertThat(model.forecast(s.prefix(s.length() - 2), 3)).isNotNull();
  }

  @Test
  void normalisationIsRobustAndFittedOnTheGivenWindowOnly() {
    double[] y = new double[100];
    for (int i = 0; i < 100; i++) {
      y[i] = 10 + (i % 2 == 0 ? 1 : -1);
    }
    y[10] = 1e6; // one outlier barely moves the median and MAD
    SeriesHistory s = new SeriesHistory("d", "m", 0, HOUR_MICROS, y, new boolean[100]);

    Normaliser n = Normaliser.fit(s, 50);
    y[60] = -1e9;
    Normaliser same = Normaliser.fit(s, 50);

    assertThat(n.center()).isBetween(9.0, 11.0);
    assertThat(n.scale()).isBetween(1.0, 2.0);
    assertThat(same).isEqualTo(n);
  }

  /** {@link #series} whose first {@code missing} buckets are missing: a device that joined later. */
  private static SeriesHistory startingAt(int n, int missing, long seed) {
    SeriesHistory s = series(n, seed);
    double[] y = s.y().clone();
    Arrays.fill(y, 0, missing, Double.NaN);
    return new SeriesHistory(s.deviceId(), s.metric(), s.startIdx(), s.bucketMicros(), y, s.imputed());
  }

  @Test
  void theModelLearnsOnlyWhereTheBaseIsFormedASeasonAfterTheSeriesBegins() {
    int first = 2 * M + 5;
    SeriesHistory s = startingAt(6 * M, first, 7);
    int lastTarget = s.length() - 1;
    double[] z = Features.normalised(s, Normaliser.fit(s, lastTarget + 1), lastTarget);

    List<Features.Example> examples = Features.examples(s, SPEC, Normaliser.fit(s, lastTarget + 1), lastTarget, 1);

    assertThat(examples).isNotEmpty().allSatisfy(e -> {
      assertThat(Features.baseFormed(SPEC, z, e.origin(), e.horizon())).isTrue();
      // A season of the series' own history lies before the target's phase and the origin's lags.
      assertThat(e.origin() + e.horizon() - M).isGreaterThanOrEqualTo(first);
      assertThat(e.origin() - M).isGreaterThanOrEqualTo(first);
    });
    // Servable (the lags are there) but not formed: the first day of the series teaches nothing.
    assertThat(Features.servable(s, SPEC, first + SPEC.lags())).isTrue();
    assertThat(Features.baseFormed(SPEC, z, first + SPEC.lags(), 1)).isFalse();
  }

  @Test
  void whereTheBaseIsNotFormedTheModelAddsNoCorrection() {
    int first = 2 * M + 5;
    SeriesHistory s = startingAt(6 * M, first, 8);
    ModelForecaster corrected = new ModelForecaster(SPEC, f -> 100);
    ModelForecaster baseOnly = new ModelForecaster(SPEC, f -> 0);

    // Less than a season of the series' own history: the forecast is the fallback base alone.
    int young = first + M / 2;
    assertThat(corrected.forecastFrom(s, young, SPEC.horizon()).values())
        .containsExactly(baseOnly.forecastFrom(s, young, SPEC.horizon()).values());
    // Two seasons in: the correction applies to every step.
    int grown = first + 2 * M;
    double[] a = corrected.forecastFrom(s, grown, SPEC.horizon()).values();
    double[] b = baseOnly.forecastFrom(s, grown, SPEC.horizon()).values();
    for (int h = 0; h < a.length; h++) {
      assertThat(a[h]).isGreaterThan(b[h]);
    }
  }

  @Test
  void theCorrectionWeightScalesWhatTheModelAddsToItsBase() {
    SeriesHistory s = series(6 * M, 3);
    int t = 4 * M;
    ModelForecaster corrected = new ModelForecaster(SPEC, f -> 2);
    double[] base = new ModelForecaster(SPEC, f -> 0).forecastFrom(s, t, SPEC.horizon()).values();
    double[] none = corrected.withCorrectionWeight(0).forecastFrom(s, t, SPEC.horizon()).values();
    double[] quarter = corrected.withCorrectionWeight(0.25).forecastFrom(s, t, SPEC.horizon()).values();
    double[] full = corrected.forecastFrom(s, t, SPEC.horizon()).values();
    double scale = Normaliser.fit(s.prefix(t + 1), t + 1).scale();

    assertThat(none).containsExactly(base);
    for (int h = 0; h < base.length; h++) {
      assertThat(quarter[h] - base[h]).isCloseTo(0.5 * scale, within(1e-9));
      assertThat(full[h] - base[h]).isCloseTo(2 * scale, within(1e-9));
    }
  }
}
