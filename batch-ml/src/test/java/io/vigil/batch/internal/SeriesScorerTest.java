package io.vigil.batch.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.schemas.AnomalyEvent;
import io.vigil.schemas.AnomalyKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.LongToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Hand-made series, five-minute readings on an hourly grid, scored against seasonal naive (no model). */
class SeriesScorerTest {
  private static final long HOUR = 3_600_000_000L;
  private static final long MINUTE = 60_000_000L;
  private static final long STEP = 5 * MINUTE;
  private static final long AS_OF = Instant.parse("2026-11-22T12:00:00Z").getEpochSecond() * 1_000_000L;

  static ScorePlan plan(long asOf) {
    return plan(asOf, 48);
  }

  /** The hourly window ending at {@code asOf}, scaled by the {@code historyHours} before it; 12 quiet buckets end a drift. */
  static ScorePlan plan(long asOf, int historyHours) {
    return new ScorePlan(asOf, asOf - HOUR, asOf - HOUR - historyHours * HOUR, HOUR, 24, 72, 0.5, 0.9, 10, 30, 2, 20 * MINUTE,
        3.0, 4, 6, 4, 4.0, 0.75, 1.0, 12, 5.0, 1e-3, 1e-9, 3000, 300, 24);
  }

  /** Readings from the plan's context start to as_of (exclusive) and the hourly grid of their means. */
  static SeriesScorer.Input input(ScorePlan p, LongToDoubleFunction value) {
    return input(p, STEP, value);
  }

  /** As {@link #input(ScorePlan, LongToDoubleFunction)}, with a reading every {@code step} microseconds. */
  static SeriesScorer.Input input(ScorePlan p, long step, LongToDoubleFunction value) {
    List<long[]> ts = new ArrayList<>();
    int buckets = p.gridBuckets();
    double[] sum = new double[buckets];
    int[] count = new int[buckets];
    List<Long> times = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    for (long t = p.contextStartMicros(); t < p.asOfMicros(); t += step) {
      double v = value.applyAsDouble(t);
      if (Double.isNaN(v)) {
        continue; // a gap
      }
      int g = (int) (t / HOUR - p.contextStartIdx());
      if (t < Math.floorDiv(p.asOfMicros(), HOUR) * HOUR) {
        sum[g] += v;
        count[g]++;
      }
      if (t >= p.historyStartMicros()) {
        times.add(t);
        values.add(v);
      }
    }
    double[] y = new double[buckets];
    for (int g = 0; g < buckets; g++) {
      y[g] = count[g] == 0 ? Double.NaN : sum[g] / count[g];
    }
    SeriesHistory grid = new SeriesHistory("dev-1", "temp", p.contextStartIdx(), HOUR, y, new boolean[buckets]);
    return new SeriesScorer.Input(grid, times.stream().mapToLong(Long::longValue).toArray(),
        values.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** A daily cycle plus Gaussian noise, reproducible per timestamp. */
  static double seasonal(long t) {
    double hours = (double) t / HOUR;
    return 20 + 5 * Math.sin(2 * Math.PI * hours / 24) + new Random(t).nextGaussian() * 0.5;
  }

  @Test
  void anInjectedSpikeRanksAboveEveryNormalReadingAndIsTheOnlyEvent() {
    ScorePlan p = plan(AS_OF);
    long spikeAt = AS_OF - 30 * 60_000_000L;
    SeriesScorer.Result r = SeriesScorer.score(input(p, t -> seasonal(t) + (t == spikeAt ? 8 : 0)), p, null);

    List<SeriesScorer.ScoredReading> ranked = r.readings().stream()
        .sorted(Comparator.comparingDouble(SeriesScorer.ScoredReading::score).reversed()).toList();
    System.out.printf("Spike score %.3f (z %.1f); best normal reading %.3f (z %.1f)%n", ranked.get(0).score(), ranked.get(0).z(),
        ranked.get(1).score(), ranked.get(1).z());
    assertThat(r.readings()).hasSize(12);
    assertThat(ranked.get(0).timeMicros()).isEqualTo(spikeAt);
    assertThat(ranked.get(0).score()).isGreaterThan(ranked.get(1).score()).isGreaterThanOrEqualTo(0.5);
    assertThat(ranked.get(1).score()).isLessThan(0.5);
    assertThat(ranked.get(0).forecastModel()).isEqualTo(SeriesScorer.SEASONAL_NAIVE);
    assertThat(r.events()).singleElement().satisfies(e -> {
      assertThat(e.kind()).isEqualTo(AnomalyKind.SPIKE);
      assertThat(e.start()).isEqualTo(ScoreEvents.instant(spikeAt));
      assertThat(e.detectedAt()).isEqualTo(ScoreEvents.instant(AS_OF));
      assertThat(e.eventId()).isEqualTo(AnomalyEvent.idFor(AnomalyKind.SPIKE, e.source(), "dev-1", "temp", e.start()));
    });
  }

  @Test
  void aStepInTheWindowIsOneLevelShiftNotSpikes() {
    ScorePlan p = plan(AS_OF);
    long onset = AS_OF - 40 * 60_000_000L;
    SeriesScorer.Result r = SeriesScorer.score(input(p, t -> seasonal(t) + (t >= onset ? 6 : 0)), p, null);

    assertThat(r.events()).extracting(AnomalyEvent::kind).containsExactly(AnomalyKind.LEVEL_SHIFT);
    AnomalyEvent e = r.events().get(0);
    assertThat(e.start()).isEqualTo(ScoreEvents.instant(onset));
    assertThat(e.value() - e.expected()).isBetween(4.0, 8.0);
  }

  /**
   * Reporting intervals from seconds to minutes; from 300 s on, 20 minutes hold fewer than the 4 readings a
   * window needs and the series' own interval sets the windows.
   */
  @ParameterizedTest(name = "a reading every {0} s")
  @ValueSource(longs = {10, 30, 120, 300, 600, 720})
  void aStepIsOneLevelShiftStartingAtItsOnsetWhateverTheReportingInterval(long seconds) {
    long step = seconds * 1_000_000L;
    ScorePlan p = plan(AS_OF);
    // A step of 3 is six noise sigmas, about four of the residuals' (noise and the cycle's slope within an hour).
    long onset = AS_OF - 35 * MINUTE;
    LongToDoubleFunction stepped = t -> seasonal(t) + (t >= onset ? 3 : 0);
    SeriesScorer.Result r = SeriesScorer.score(input(p, step, stepped), p, null);
    // The next hourly run: a slowly reporting series has had too few readings since the onset to tell before it.
    ScorePlan next = plan(AS_OF + HOUR);
    SeriesScorer.Result r2 = SeriesScorer.score(input(next, step, stepped), next, null);
    List<AnomalyEvent> events = new ArrayList<>(r.events());
    events.addAll(r2.events());

    System.out.printf("Step every %d s: events %s%n", seconds, events.stream().map(e -> e.kind() + "@" + e.start()).toList());
    assertThat(events).noneMatch(e -> e.kind() == AnomalyKind.SPIKE);
    assertThat(events).filteredOn(e -> e.kind() == AnomalyKind.LEVEL_SHIFT).singleElement().satisfies(e -> {
      assertThat(e.start()).isBetween(ScoreEvents.instant(onset - step), ScoreEvents.instant(onset + step));
      assertThat(e.value() - e.expected()).isBetween(2.0, 4.0);
    });
    // From the onset on, the readings are the shift's.
    assertThat(r2.readings()).filteredOn(x -> x.timeMicros() >= onset + step && x.timeMicros() <= onset + 20 * MINUTE)
        .allMatch(SeriesScorer.ScoredReading::levelShift);
    assertThat(r.readings()).filteredOn(x -> x.timeMicros() >= onset + step && x.timeMicros() <= onset + 20 * MINUTE)
        .allMatch(x -> x.levelShift() || seconds >= 600);
  }

  @ParameterizedTest(name = "a reading every {0} s")
  @ValueSource(longs = {10, 30, 120, 300, 600, 720})
  void aSteadySeasonalSeriesHasNoLevelShiftOverADayWhateverTheReportingInterval(long seconds) {
    long step = seconds * 1_000_000L;
    int flagged = 0;
    int readings = 0;
    List<AnomalyEvent> shifts = new ArrayList<>();
    // Every hour of a day: the cycle is steepest at some of them and moves the level the most there.
    for (long asOf = AS_OF - 23 * HOUR; asOf <= AS_OF; asOf += HOUR) {
      ScorePlan p = plan(asOf);
      SeriesScorer.Result r = SeriesScorer.score(input(p, step, SeriesScorerTest::seasonal), p, null);
      shifts.addAll(r.events().stream().filter(e -> e.kind() == AnomalyKind.LEVEL_SHIFT).toList());
      flagged += (int) r.readings().stream().filter(SeriesScorer.ScoredReading::levelShift).count();
      readings += r.readings().size();
    }
    System.out.printf("Steady series every %d s: %d of %d readings flagged as shifted%n", seconds, flagged, readings);
    assertThat(readings).isGreaterThanOrEqualTo(24 * 3600 / (int) seconds - 24);
    assertThat(shifts).isEmpty();
    assertThat(flagged).isZero();
  }

  @Test
  void theOnsetIsWhereAStepFitsTheReadingsBest() {
    double[] v = {1, 1.2, 0.9, 1.1, 5, 5.2, 4.8, 1.0, 5.1, 5};
    // The step is at index 4; index 7 is one low reading after it, not the step.
    assertThat(LevelShiftDetector.onset(v, 0, 9, 1.0, 5.0)).isEqualTo(4);
    assertThat(ReadingRuns.firstIndexAfter(new long[] {0, 10, 20, 30}, 10, 3)).isEqualTo(2);
    assertThat(ReadingRuns.firstIndexAfter(new long[] {0, 10, 20, 30}, -5, 3)).isZero();
  }

  @Test
  void aSlowDriftIsReportedOnceAcrossConsecutiveWindows() {
    long driftStart = AS_OF - 14 * HOUR;
    LongToDoubleFunction drifting = t -> seasonal(t) + (t >= driftStart ? 0.4 * (t - driftStart) / HOUR : 0);
    List<AnomalyEvent> events = new ArrayList<>();
    boolean lastWindowDrifting = false;
    for (long asOf = AS_OF - 10 * HOUR; asOf <= AS_OF; asOf += HOUR) {
      ScorePlan p = plan(asOf);
      SeriesScorer.Result r = SeriesScorer.score(input(p, drifting), p, null);
      events.addAll(r.events());
      lastWindowDrifting = r.readings().stream().allMatch(SeriesScorer.ScoredReading::drift);
    }
    System.out.println("Drift run events: " + events.stream().map(e -> e.kind() + "@" + e.start()).toList());
    assertThat(events).filteredOn(e -> e.kind() == AnomalyKind.DRIFT).hasSize(1);
    assertThat(events).filteredOn(e -> e.kind() == AnomalyKind.SPIKE).isEmpty();
    assertThat(lastWindowDrifting).isTrue();
  }

  /** The DRIFT events of hourly windows ending from {@code firstAsOf} to {@code lastAsOf}, and each window's result. */
  private static List<AnomalyEvent> hourlyEvents(long firstAsOf, long lastAsOf, LongToDoubleFunction series,
      List<SeriesScorer.Result> results) {
    return hourlyEvents(firstAsOf, lastAsOf, 48, series, results);
  }

  private static List<AnomalyEvent> hourlyEvents(long firstAsOf, long lastAsOf, int historyHours, LongToDoubleFunction series,
      List<SeriesScorer.Result> results) {
    List<AnomalyEvent> events = new ArrayList<>();
    for (long asOf = firstAsOf; asOf <= lastAsOf; asOf += HOUR) {
      ScorePlan p = plan(asOf, historyHours);
      SeriesScorer.Result r = SeriesScorer.score(input(p, series), p, null);
      events.addAll(r.events());
      results.add(r);
    }
    return events;
  }

  private static LongToDoubleFunction driftFrom(long start, double perHour) {
    return t -> seasonal(t) + (t >= start ? perHour * (t - start) / HOUR : 0);
  }

  @Test
  void aDriftGoingOnForTwoDaysIsOneEventAtItsOnset() {
    long driftStart = AS_OF - 48 * HOUR;
    List<SeriesScorer.Result> results = new ArrayList<>();
    List<AnomalyEvent> events = hourlyEvents(driftStart + HOUR, AS_OF, driftFrom(driftStart, 0.4), results);

    System.out.println("Two-day drift events: " + events.stream().map(e -> e.kind() + "@" + e.start()).toList());
    assertThat(events).filteredOn(e -> e.kind() == AnomalyKind.DRIFT).singleElement().satisfies(e ->
        assertThat(e.start()).isBetween(ScoreEvents.instant(driftStart), ScoreEvents.instant(driftStart + 12 * HOUR)));
    assertThat(events).noneMatch(e -> e.kind() != AnomalyKind.DRIFT);
  }

  /**
   * Slow drifts whose statistic hovers about the threshold for hours, against a scale each hourly run takes from
   * a history one hour later than the run before. Every re-crossing used to be a new event (two to five at 0.06,
   * 0.08, 0.13 and 0.16 per hour). At 0.06 the drift's own bias, entering the history, lifts the scale until later
   * runs see no bucket pass the start test, only the stay level hold: they must still know it was reported.
   */
  @ParameterizedTest(name = "{0} per hour")
  @ValueSource(doubles = {0.05, 0.06, 0.08, 0.1, 0.13, 0.16, 0.2})
  void aDriftHoveringAtTheThresholdIsOneEvent(double perHour) {
    long driftStart = AS_OF - 60 * HOUR;
    List<SeriesScorer.Result> results = new ArrayList<>();
    List<AnomalyEvent> events = hourlyEvents(driftStart + HOUR, AS_OF, driftFrom(driftStart, perHour), results);

    System.out.println("Hovering drift " + perHour + ": " + events.stream().map(e -> e.kind() + "@" + e.start()).toList());
    assertThat(events).filteredOn(e -> e.kind() == AnomalyKind.DRIFT).singleElement().satisfies(e ->
        assertThat(e.start()).isBetween(ScoreEvents.instant(driftStart), ScoreEvents.instant(driftStart + 24 * HOUR)));
  }

  @Test
  void aDriftAlreadyGoingWhenAWindowStartsIsNoNewEventThere() {
    long driftStart = AS_OF - 14 * HOUR;
    List<SeriesScorer.Result> results = new ArrayList<>();
    List<AnomalyEvent> events = hourlyEvents(driftStart + HOUR, AS_OF, driftFrom(driftStart, 0.4), results);

    int reported = -1;
    for (int w = 0; w < results.size(); w++) {
      reported = reported < 0 && results.get(w).events().stream().anyMatch(e -> e.kind() == AnomalyKind.DRIFT) ? w : reported;
    }
    assertThat(reported).isBetween(0, results.size() - 2);
    // The next window starts inside the drift (its first bucket drifts, as the last one before it did) and says nothing new.
    SeriesScorer.Result next = results.get(reported + 1);
    assertThat(next.readings().get(0).drift()).isTrue();
    assertThat(results.get(reported).readings().get(results.get(reported).readings().size() - 1).drift()).isTrue();
    assertThat(next.events()).isEmpty();
    assertThat(events).filteredOn(e -> e.kind() == AnomalyKind.DRIFT).hasSize(1);
  }

  @Test
  void aSecondDriftAfterAQuietSpellIsASecondEvent() {
    // Drift for six hours, then hold the level: seasonal naive sees a bias for a day after (it compares with the
    // day before), then the series is quiet for 40 hours, far more than the 12 quiet buckets, before drifting
    // again. Four days of history, so the windows of the second drift still see the first one.
    long first = AS_OF - 80 * HOUR;
    long held = first + 6 * HOUR;
    long second = AS_OF - 10 * HOUR;
    LongToDoubleFunction twice = t -> seasonal(t) + 0.5 * (Math.min(t, held) - Math.min(t, first)) / HOUR
        + (t >= second ? 0.5 * (t - second) / HOUR : 0);
    List<SeriesScorer.Result> results = new ArrayList<>();
    List<AnomalyEvent> events = hourlyEvents(first + HOUR, AS_OF, 96, twice, results);

    System.out.println("Two drifts: " + events.stream().map(e -> e.kind() + "@" + e.start()).toList());
    List<AnomalyEvent> drifts = events.stream().filter(e -> e.kind() == AnomalyKind.DRIFT).toList();
    assertThat(drifts).hasSize(2);
    assertThat(drifts.get(0).start()).isBetween(ScoreEvents.instant(first), ScoreEvents.instant(held));
    assertThat(drifts.get(1).start()).isBetween(ScoreEvents.instant(second), ScoreEvents.instant(AS_OF));
  }

  @Test
  void driftEpisodesBridgeShortDipsAndUnjudgedBucketsButNotAQuietSpell() {
    double z = 4.0;
    double stay = z * DriftDetector.DRIFT_STAY;
    // Drifting, a two-bucket dip under the threshold (one still at the stay level, one not), drifting again.
    double[] dip = {5, 6, 3, 1, 6, 7};
    assertThat(DriftDetector.driftEpisodes(flags(dip, z), judged(dip.length), dip, stay, 3))
        .containsExactly(new DriftDetector.DriftEpisode(0, 5, 5, true));
    // With one quiet bucket allowed, the bucket under the stay level ends it: every re-crossing is an event.
    assertThat(DriftDetector.driftEpisodes(flags(dip, z), judged(dip.length), dip, stay, 1)).hasSize(2);
    // Three quiet judged buckets end a drift; drifting after them is a new one.
    double[] twice = {5, 6, 0, 1, -1, 5};
    assertThat(DriftDetector.driftEpisodes(flags(twice, z), judged(twice.length), twice, stay, 3))
        .containsExactly(new DriftDetector.DriftEpisode(0, 1, 1, false), new DriftDetector.DriftEpisode(5, 5, 5, true));
    // Buckets the detector could not judge (no readings, a shift in the look-back) neither continue nor end it.
    boolean[] blank = judged(twice.length);
    blank[2] = blank[3] = blank[4] = false;
    assertThat(DriftDetector.driftEpisodes(flags(twice, z), blank, twice, stay, 3))
        .containsExactly(new DriftDetector.DriftEpisode(0, 5, 1, true));
    // A drift reversing its sign is a new drift at once.
    double[] reversing = {5, 6, -5, -6};
    assertThat(DriftDetector.driftEpisodes(flags(reversing, z), judged(reversing.length), reversing, stay, 3))
        .containsExactly(new DriftDetector.DriftEpisode(0, 1, 1, false), new DriftDetector.DriftEpisode(2, 3, 3, true));
  }

  private static boolean[] flags(double[] stat, double z) {
    boolean[] f = new boolean[stat.length];
    for (int i = 0; i < stat.length; i++) {
      f[i] = Math.abs(stat[i]) >= z;
    }
    return f;
  }

  private static boolean[] judged(int n) {
    boolean[] j = new boolean[n];
    java.util.Arrays.fill(j, true);
    return j;
  }

  /** Twelve hours a day the series sits 6 (twelve noise sigmas) higher: every day, so the forecast expects it. */
  static double dailyStep(long t) {
    long hourOfDay = Math.floorMod(Math.floorDiv(t, HOUR), 24L);
    return seasonal(t) + (hourOfDay >= 8 && hourOfDay < 20 ? 6 : 0);
  }

  @Test
  void aDailyStepTheForecastExpectsIsNoLevelShiftButAnUnexpectedOneIs() {
    long stepAt = Math.floorDiv(AS_OF, 24 * HOUR) * 24 * HOUR + 8 * HOUR;
    ScorePlan p = plan(stepAt + HOUR);
    SeriesScorer.Result expected = SeriesScorer.score(input(p, SeriesScorerTest::dailyStep), p, null);

    System.out.println("Expected daily step: " + expected.events().stream().map(e -> e.kind() + "@" + e.start()).toList());
    assertThat(expected.events()).isEmpty();
    assertThat(expected.readings()).noneMatch(SeriesScorer.ScoredReading::levelShift);

    // The same step on a day it never happened before is a shift.
    LongToDoubleFunction firstTime = t -> t >= stepAt - 24 * HOUR * 3 && t < stepAt ? seasonal(t) : dailyStep(t);
    SeriesScorer.Result unexpected = SeriesScorer.score(input(p, firstTime), p, null);
    assertThat(unexpected.events()).extracting(AnomalyEvent::kind).containsExactly(AnomalyKind.LEVEL_SHIFT);
    assertThat(unexpected.events().get(0).start()).isEqualTo(ScoreEvents.instant(stepAt));
  }

  @Test
  void aCleanNoisySeasonalSeriesRaisesNothingOverTwoDaysOfHourlyWindows() {
    List<AnomalyEvent> events = new ArrayList<>();
    int anomalous = 0;
    int scored = 0;
    for (long asOf = AS_OF - 48 * HOUR; asOf <= AS_OF; asOf += HOUR) {
      ScorePlan p = plan(asOf);
      SeriesScorer.Result r = SeriesScorer.score(input(p, SeriesScorerTest::seasonal), p, null);
      events.addAll(r.events());
      anomalous += (int) r.readings().stream().filter(SeriesScorer.ScoredReading::anomalous).count();
      scored += r.readings().size();
    }
    System.out.printf("Clean series: %d of %d readings anomalous, events %s%n", anomalous, scored,
        events.stream().map(e -> e.kind() + "@" + e.start()).toList());
    assertThat(events).isEmpty();
  }

  @Test
  void aSpikeInsideADriftIsStillASpike() {
    long driftStart = AS_OF - 14 * HOUR;
    long spikeAt = AS_OF - 20 * 60_000_000L;
    ScorePlan p = plan(AS_OF);
    SeriesScorer.Result r = SeriesScorer.score(input(p, t -> seasonal(t) + (t >= driftStart ? 0.4 * (t - driftStart) / HOUR : 0)
        + (t == spikeAt ? -25 : 0)), p, null);

    assertThat(r.readings()).allMatch(SeriesScorer.ScoredReading::drift);
    assertThat(r.events()).singleElement().satisfies(e -> {
      assertThat(e.kind()).isEqualTo(AnomalyKind.SPIKE);
      assertThat(e.start()).isEqualTo(ScoreEvents.instant(spikeAt));
    });
  }

  @Test
  void aConstantSeriesHasFiniteScoresAndItsFirstChangeScoresOne() {
    ScorePlan p = plan(AS_OF);
    long change = AS_OF - 10 * 60_000_000L;
    SeriesScorer.Result r = SeriesScorer.score(input(p, t -> t == change ? 5.5 : 5.0), p, null);

    assertThat(r.readings()).allSatisfy(s -> {
      assertThat(s.z()).isFinite();
      assertThat(s.score()).isBetween(0.0, 1.0);
    });
    assertThat(r.readings()).filteredOn(SeriesScorer.ScoredReading::anomalous)
        .extracting(SeriesScorer.ScoredReading::timeMicros).containsExactly(change);
  }

  @Test
  void scoresUseOnlyDataBeforeEachReadingsBucketAndTheHistoryBeforeTheWindow() {
    ScorePlan p = plan(AS_OF);
    SeriesScorer.Input clean = input(p, SeriesScorerTest::seasonal);
    SeriesScorer.Result base = SeriesScorer.score(clean, p, null);
    // Disturb the last reading of the window: no earlier reading's forecast, z or score may move.
    double[] v = clean.values().clone();
    v[v.length - 1] += 1_000;
    SeriesScorer.Result disturbed = SeriesScorer.score(new SeriesScorer.Input(clean.grid(), clean.timesMicros(), v), p, null);

    int n = base.readings().size();
    for (int i = 0; i < n - 1; i++) {
      assertThat(disturbed.readings().get(i).score()).isEqualTo(base.readings().get(i).score());
      assertThat(disturbed.readings().get(i).forecast()).isEqualTo(base.readings().get(i).forecast());
    }
    assertThat(disturbed.readings().get(n - 1).center()).isEqualTo(base.readings().get(n - 1).center());
    assertThat(disturbed.readings().get(n - 1).scale()).isEqualTo(base.readings().get(n - 1).scale());
    assertThat(disturbed.readings().get(n - 1).score()).isEqualTo(1.0);
  }

  @Test
  void aSeriesWithTooLittleHistoryIsWrittenUnscoredAndRaisesNothing() {
    ScorePlan p = plan(AS_OF);
    SeriesScorer.Result r = SeriesScorer.score(input(p, t -> t >= AS_OF - 2 * HOUR ? seasonal(t) : Double.NaN), p, null);

    assertThat(r.readings()).hasSize(12).allSatisfy(s -> {
      assertThat(s.status()).isEqualTo(SeriesScorer.INSUFFICIENT_HISTORY);
      assertThat(s.score()).isNaN();
    });
    assertThat(r.events()).isEmpty();
  }

  @Test
  void noDetectorWindowSpansAGap() {
    ScorePlan p = plan(AS_OF);
    long gapStart = AS_OF - 50 * 60_000_000L;
    long gapEnd = AS_OF - 20 * 60_000_000L;
    // Silent for half an hour, then back one sigma higher: the shift detector must not compare across the silence.
    SeriesScorer.Result r = SeriesScorer.score(input(p, t -> t >= gapStart && t < gapEnd ? Double.NaN
        : seasonal(t) + (t >= gapEnd ? 2 : 0)), p, null);

    assertThat(r.readings()).noneMatch(SeriesScorer.ScoredReading::levelShift);
    assertThat(ReadingRuns.gaps(new long[] {0, 10, 20, 30, 200}, 5)).containsExactly(false, false, false, false, true);
  }

  /**
   * Series a forecast predicts exactly, so the residuals' MAD is 0 and the scale sits at its floor: what flat or
   * quantised sensors send. STAIRCASE changes only on the hour (a daily cycle held for each hour, as a device
   * reporting a setpoint does); SHORT_STAIRCASE has only two days of data, too few seasons to correct the shift
   * detector for the cycle.
   */
  enum NoiseFree {
    FLAT(t -> 5.0),
    SINE(t -> 20 + 3 * Math.sin(2 * Math.PI * t / HOUR / 24)),
    STAIRCASE(t -> 20 + 3 * Math.sin(2 * Math.PI * Math.floorDiv(t, HOUR) / 24)),
    SHORT_STAIRCASE(t -> t < AS_OF - 49 * HOUR ? Double.NaN : STAIRCASE.value.applyAsDouble(t));

    final LongToDoubleFunction value;

    NoiseFree(LongToDoubleFunction value) {
      this.value = value;
    }
  }

  private static final long TEN_MINUTES = 10 * MINUTE;

  @ParameterizedTest
  @EnumSource(NoiseFree.class)
  void aSpikeOnANoiseFreeSeriesIsExactlyOneSpikeEvent(NoiseFree series) {
    ScorePlan p = plan(AS_OF);
    long spikeAt = AS_OF - 30 * MINUTE;
    SeriesScorer.Result r = SeriesScorer.score(input(p, TEN_MINUTES,
        t -> series.value.applyAsDouble(t) + (t == spikeAt ? 3 : 0)), p, null);

    assertThat(r.events()).singleElement().satisfies(e -> {
      assertThat(e.kind()).isEqualTo(AnomalyKind.SPIKE);
      assertThat(e.start()).isEqualTo(ScoreEvents.instant(spikeAt));
    });
    assertThat(r.readings()).noneMatch(SeriesScorer.ScoredReading::levelShift);
  }

  @ParameterizedTest
  @EnumSource(NoiseFree.class)
  void aStepOnANoiseFreeSeriesIsOneLevelShiftAtItsOnsetAndNoSpikes(NoiseFree series) {
    ScorePlan p = plan(AS_OF);
    long onset = AS_OF - 40 * MINUTE;
    SeriesScorer.Result r = SeriesScorer.score(input(p, TEN_MINUTES,
        t -> series.value.applyAsDouble(t) + (t >= onset ? 3 : 0)), p, null);

    assertThat(r.events()).singleElement().satisfies(e -> {
      assertThat(e.kind()).isEqualTo(AnomalyKind.LEVEL_SHIFT);
      assertThat(e.start()).isEqualTo(ScoreEvents.instant(onset));
      assertThat(e.value() - e.expected()).isBetween(2.0, 4.0);
    });
    assertThat(r.readings()).noneMatch(SeriesScorer.ScoredReading::spike);
  }

  @ParameterizedTest
  @EnumSource(NoiseFree.class)
  void aNoiseFreeSeriesWithNoFaultRaisesNothingOverADayOfHourlyWindows(NoiseFree series) {
    List<AnomalyEvent> events = new ArrayList<>();
    int flagged = 0;
    for (long asOf = AS_OF - 23 * HOUR; asOf <= AS_OF; asOf += HOUR) {
      ScorePlan p = plan(asOf);
      SeriesScorer.Result r = SeriesScorer.score(input(p, TEN_MINUTES, series.value), p, null);
      events.addAll(r.events());
      flagged += (int) r.readings().stream().filter(x -> x.anomalous() || x.levelShift() || x.drift()).count();
    }

    assertThat(events).isEmpty();
    assertThat(flagged).isZero();
  }
}
