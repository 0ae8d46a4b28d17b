package io.vigil.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.schemas.AnomalyEvent;
import io.vigil.schemas.AnomalyKind;
import io.vigil.schemas.AnomalySource;
import io.vigil.schemas.DeviceStatus;
import io.vigil.streaming.DeviceState.Status;
import io.vigil.testsupport.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** The device state machine driven by a fake clock, one 1 s trigger at a time, like the Spark wiring. */
class DeviceWatchTest {
  static final String DEVICE = "dev-1";
  static final long T0 = Instant.parse("2024-05-01T00:00:00Z").toEpochMilli();
  /** Device clock runs 2 s behind the bridge: identities use event time, silence uses arrival time. */
  static final long CLOCK_OFFSET_MS = -2_000;

  /** Test settings: config defaults except a few, built through the config so the keys are exercised. */
  static DeviceWatchSettings settings(String... overrides) {
    List<String> kv = new ArrayList<>(List.of("device.watch.default.interval=60s", "device.watch.gap.factor=3",
        "device.watch.min.gap=5s", "device.watch.inactive.after=10m", "device.watch.min.samples=5",
        "device.watch.interval.window=16", "device.watch.state.expiry=1d", "trigger.interval=1s"));
    kv.addAll(List.of(overrides));
    return StreamingJobConfig.load(null, kv).deviceWatchSettings();
  }

  final ManualClock clock = new ManualClock(T0);
  DeviceWatchSettings settings = settings();
  DeviceWatch watch = new DeviceWatch(settings, clock);
  final List<AnomalyEvent> events = new ArrayList<>();
  DeviceState state;
  long lastReadingArrival;
  /** The stream's read position; null means live (the wall clock). */
  Long readPosition;
  /** Reports sent by {@link #reports}: each shape's report varies with it. */
  int reportNumber;

  void use(DeviceWatchSettings s) {
    settings = s;
    watch = new DeviceWatch(s, clock);
  }

  /** A watch whose query run began at {@code runStartedMs}. */
  void use(DeviceWatchSettings s, long runStartedMs) {
    settings = s;
    watch = new DeviceWatch(s, clock, runStartedMs);
  }

  @Test
  void steadyStreamWithJitterRaisesNothingAndLearnsItsInterval() {
    Random random = new Random(42);
    for (int i = 0; i < 300; i++) {
      advanceInTriggers(10_000 + random.nextInt(3_001) - 1_500); // 10 s +- 1.5 s
      arrive();
    }
    assertThat(events).isEmpty();
    assertThat(watch.expectedInterval(state)).isBetween(Duration.ofMillis(9_000), Duration.ofMillis(11_000));
    assertThat(watch.gapThreshold(state)).isBetween(Duration.ofSeconds(27), Duration.ofSeconds(33));
  }

  @Test
  void oneOutageRaisesExactlyOneGapAndOneGapClosedWithItsLength() {
    steady(20, 10_000);
    long lastEventBeforeSilence = lastReadingArrival + CLOCK_OFFSET_MS;
    advanceInTriggers(300_000); // 5 minutes of silence, a trigger every second

    assertThat(kinds()).containsExactly(AnomalyKind.GAP);
    AnomalyEvent gap = events.get(0);
    assertThat(gap.source()).isEqualTo(AnomalySource.STREAM);
    assertThat(gap.deviceId()).isEqualTo(DEVICE);
    assertThat(gap.start()).isEqualTo(Instant.ofEpochMilli(lastEventBeforeSilence));
    assertThat(gap.detectedAt()).isEqualTo(Instant.ofEpochMilli(lastReadingArrival + 30_000));
    assertThat(gap.expected()).isEqualTo(10.0);
    assertThat(gap.eventId()).isEqualTo(AnomalyEvent.idFor(AnomalyKind.GAP, AnomalySource.STREAM, DEVICE, null, gap.start()));

    arrive();
    assertThat(kinds()).containsExactly(AnomalyKind.GAP, AnomalyKind.GAP_CLOSED);
    AnomalyEvent closed = events.get(1);
    assertThat(closed.value()).isEqualTo(300.0); // seconds since the last reading before the silence
    assertThat(closed.attributes()).containsEntry("gap_ms", "300000");
    assertThat(closed.start()).isEqualTo(gap.start());
    assertThat(closed.end()).isEqualTo(Instant.ofEpochMilli(lastReadingArrival + CLOCK_OFFSET_MS));

    steady(20, 10_000);
    assertThat(events).hasSize(2);
    assertThat(watch.expectedInterval(state)).isEqualTo(Duration.ofSeconds(10)); // the gap was not learned
  }

  @Test
  void shortPauseBelowThresholdIsNotAGap() {
    steady(20, 10_000);
    advanceInTriggers(29_000);
    arrive();
    assertThat(events).isEmpty();
  }

  @Test
  void defaultIntervalAppliesUntilEnoughSamples() {
    arrive();
    advanceInTriggers(1_000);
    arrive(); // one 1 s interval: not yet trusted, so the 60 s default (x3) still applies
    assertThat(watch.gapThreshold(state)).isEqualTo(Duration.ofSeconds(180));
    advanceInTriggers(170_000);
    assertThat(events).isEmpty();
    advanceInTriggers(15_000);
    assertThat(kinds()).containsExactly(AnomalyKind.GAP);
    assertThat(events.get(0).attributes()).containsEntry("interval_source", "default");
  }

  @Test
  void longSilenceBecomesInactiveOnceAndReappears() {
    steady(20, 10_000);
    advanceInTriggers(Duration.ofMinutes(30).toMillis());
    assertThat(kinds()).containsExactly(AnomalyKind.GAP, AnomalyKind.INACTIVE);
    assertThat(state.status()).isEqualTo(Status.INACTIVE);
    assertThat(events.get(1).detectedAt()).isEqualTo(Instant.ofEpochMilli(lastReadingArrival + 600_000));

    arrive();
    assertThat(kinds()).containsExactly(AnomalyKind.GAP, AnomalyKind.INACTIVE, AnomalyKind.GAP_CLOSED,
        AnomalyKind.REAPPEARED);
    assertThat(events.get(3).value()).isEqualTo(1800.0);
    assertThat(state.status()).isEqualTo(Status.ACTIVE);
    assertThat(events.stream().map(AnomalyEvent::eventId).distinct()).hasSize(4);
  }

  @Test
  void silenceNoticedOnlyWhenDataResumesGetsTheSameIdsAsATimelyDetection() {
    steady(20, 10_000);
    DeviceState beforeSilence = state.copy();
    long lastArrival = lastReadingArrival;

    advanceInTriggers(120_000);
    String timelyGapId = events.get(0).eventId();

    // A job that was down during the silence sees the gap only when the next reading arrives.
    DeviceWatch.Outcome late = watch.onReadings(DEVICE, beforeSilence,
        List.of(new DeviceWatch.Reading(clock.millis() + CLOCK_OFFSET_MS, clock.millis())));
    assertThat(late.events()).extracting(AnomalyEvent::kind).containsExactly(AnomalyKind.GAP, AnomalyKind.GAP_CLOSED);
    assertThat(late.events().get(0).eventId()).isEqualTo(timelyGapId);
    assertThat(late.events().get(1).value()).isEqualTo((clock.millis() - lastArrival) / 1000.0);
  }

  @Test
  void stateOfADecommissionedDeviceExpiresAndTheExpiryIsLogged() {
    try (LogCapture log = LogCapture.of(DeviceWatch.class)) {
      steady(10, 10_000);
      clock.advance(Duration.ofHours(2).toMillis());
      DeviceWatch.Outcome outcome = watch.onTimeout(state);
      assertThat(outcome.expired()).isFalse();
      assertThat(outcome.events()).extracting(AnomalyEvent::kind).containsExactly(AnomalyKind.GAP, AnomalyKind.INACTIVE);
      // INACTIVE devices are looked at again when their state is due to expire.
      assertThat(outcome.timeout()).isEqualTo(Duration.ofDays(1).minusHours(2));
      assertThat(log.messages()).isEmpty();

      clock.advance(Duration.ofDays(1).toMillis());
      outcome = watch.onTimeout(outcome.state());
      assertThat(outcome.expired()).isTrue();
      assertThat(outcome.events()).isEmpty();
      assertThat(outcome.timeout()).isNull();
      assertThat(log.messages()).singleElement().asString().contains(DEVICE, "forgetting it");
    }
  }

  @Test
  void redeliveredOldReadingNeitherShortensTheIntervalNorEndsAGap() {
    steady(20, 10_000);
    advanceInTriggers(60_000);
    assertThat(kinds()).containsExactly(AnomalyKind.GAP);
    // An old message redelivered now, with its original (earlier) arrival header.
    DeviceWatch.Outcome outcome = watch.onReadings(DEVICE, state,
        List.of(new DeviceWatch.Reading(lastReadingArrival - 50_000, lastReadingArrival - 50_000)));
    assertThat(outcome.events()).isEmpty();
    assertThat(outcome.state().status()).isEqualTo(Status.GAP);
  }

  @Test
  void slowDeviceIsNeverInactiveBeforeItsGap() {
    use(settings("device.watch.default.interval=1h", "device.watch.state.expiry=7d"));
    arrive();
    advanceInTriggers(Duration.ofMinutes(30).toMillis());
    assertThat(events).isEmpty();
    advanceInTriggers(Duration.ofHours(3).toMillis());
    assertThat(kinds()).containsExactly(AnomalyKind.GAP, AnomalyKind.INACTIVE);
  }

  @Test
  void aBackfillBurstTeachesNoIntervalSoTheLiveCadenceRaisesNoGap() {
    // Three days of 10-minute history delivered within a second, then live readings every 20 s.
    long now = clock.millis();
    List<DeviceWatch.Reading> history = new ArrayList<>();
    for (int i = 432; i > 0; i--) {
      history.add(new DeviceWatch.Reading(now - i * 600_000L, now - i));
    }
    DeviceWatch.Outcome outcome = watch.onReadings(DEVICE, null, history);
    state = outcome.state();
    events.addAll(outcome.events());
    assertThat(watch.expectedInterval(state)).isEqualTo(settings.defaultInterval());
    // History arriving days after its event times is a burst of late data: said once, not per reading.
    assertThat(kinds()).containsExactly(AnomalyKind.LATE_DATA);

    steady(30, 20_000);
    assertThat(kinds()).containsExactly(AnomalyKind.LATE_DATA);
    assertThat(watch.expectedInterval(state)).isEqualTo(Duration.ofSeconds(20));
  }

  @ParameterizedTest(name = "arrival {0} ms, event {1} ms -> {2}")
  @CsvSource({
      "10000, 10000, true", "10000, 6000, true", "10000, 19000, true",
      "4, 600000, false", "30000, 10000, false", "0, 10000, false", "10000, -5000, false"})
  void onlyIntervalsThatMatchTheDeviceScheduleAreLearned(long arrivalDelta, long eventDelta, boolean learned) {
    assertThat(DeviceWatch.onSchedule(arrivalDelta, eventDelta)).isEqualTo(learned);
  }

  // ---- frequency -------------------------------------------------------------------------------

  @Test
  void frequencyChangeIsRaisedOnceEachWaySlowerThenFaster() {
    steady(20, 10_000);
    long changeAt = lastReadingArrival;
    steady(12, 25_000); // 2.5x slower, still under the 30 s gap threshold
    assertThat(kinds()).containsExactly(AnomalyKind.FREQUENCY_CHANGE);
    AnomalyEvent slower = events.get(0);
    assertThat(slower.value()).isEqualTo(25.0);
    assertThat(slower.expected()).isEqualTo(10.0);
    assertThat(slower.attributes()).containsEntry("direction", "slower");
    // Detected once the newest 5 intervals' median moved: after the third slow interval.
    assertThat(slower.detectedAt()).isEqualTo(Instant.ofEpochMilli(changeAt + 3 * 25_000));
    assertThat(slower.start()).isEqualTo(Instant.ofEpochMilli(changeAt + CLOCK_OFFSET_MS));
    // Gaps are judged on the new cadence from then on.
    assertThat(watch.expectedInterval(state)).isEqualTo(Duration.ofSeconds(25));

    steady(12, 5_000); // 5x faster
    assertThat(kinds()).containsExactly(AnomalyKind.FREQUENCY_CHANGE, AnomalyKind.FREQUENCY_CHANGE);
    AnomalyEvent faster = events.get(1);
    assertThat(faster.value()).isEqualTo(5.0);
    assertThat(faster.expected()).isEqualTo(25.0);
    assertThat(faster.attributes()).containsEntry("direction", "faster");
    assertThat(faster.eventId()).isNotEqualTo(slower.eventId());
  }

  @Test
  void jitterAndTheOddMissedReadingAreNoFrequencyChange() {
    Random random = new Random(7);
    for (int i = 0; i < 200; i++) {
      // 10 s +- 20 %, and every 15th reading lost (one 20 s interval).
      advanceInTriggers((i % 15 == 0 ? 20_000 : 10_000) + random.nextInt(4_001) - 2_000);
      arrive();
    }
    assertThat(events).isEmpty();
  }

  // ---- late, out of order, clock skew ----------------------------------------------------------

  @Test
  void aBurstOfLateReadingsRaisesOneLateDataPerBurst() {
    use(settings("device.watch.late.after=5m", "device.watch.burst.min=3", "device.watch.burst.window=1m"));
    steady(10, 10_000);
    for (int i = 0; i < 2; i++) {
      advanceInTriggers(1_000);
      arriveWithEventTime(clock.millis() - 10 * 60_000); // 10 minutes late
    }
    assertThat(events).isEmpty(); // two late readings are not a burst yet
    for (int i = 0; i < 5; i++) {
      advanceInTriggers(1_000);
      arriveWithEventTime(clock.millis() - 10 * 60_000);
    }
    assertThat(kinds()).containsExactly(AnomalyKind.LATE_DATA);
    AnomalyEvent late = events.get(0);
    assertThat(late.value()).isEqualTo(3.0);
    assertThat(late.start()).isEqualTo(Instant.ofEpochMilli(T0 + 9 * 10_000 + 1_000 - 10 * 60_000));

    steady(12, 10_000); // the burst window passes
    for (int i = 0; i < 3; i++) {
      advanceInTriggers(1_000);
      arriveWithEventTime(clock.millis() - 10 * 60_000);
    }
    assertThat(kinds()).containsExactly(AnomalyKind.LATE_DATA, AnomalyKind.LATE_DATA);
    assertThat(events.get(1).eventId()).isNotEqualTo(late.eventId());
    assertThat(kinds()).doesNotContain(AnomalyKind.GAP, AnomalyKind.OUT_OF_ORDER);
  }

  @Test
  void aBurstOfOutOfOrderReadingsRaisesOneOutOfOrder() {
    use(settings("device.watch.burst.min=3", "device.watch.burst.window=1m"));
    steady(10, 10_000);
    // Every other reading stamped 15 s back, behind the one before it (not late: well under 5 minutes).
    for (int i = 0; i < 6; i++) {
      advanceInTriggers(10_000);
      arriveWithEventTime(clock.millis() + (i % 2 == 0 ? CLOCK_OFFSET_MS : -15_000));
    }
    assertThat(kinds()).containsExactly(AnomalyKind.OUT_OF_ORDER);
    assertThat(events.get(0).value()).isEqualTo(3.0);
  }

  @Test
  void aFastClockRaisesOneClockSkewPerEpisodeAndNoOutOfOrderWhenItIsFixed() {
    use(settings("device.watch.clock.skew.after=2m", "device.watch.burst.min=1"));
    steady(10, 10_000);
    for (int i = 0; i < 10; i++) {
      advanceInTriggers(10_000);
      arriveWithEventTime(clock.millis() + 10 * 60_000); // 10 minutes ahead
    }
    assertThat(kinds()).containsExactly(AnomalyKind.CLOCK_SKEW);
    assertThat(events.get(0).value()).isEqualTo(600.0);
    steady(10, 10_000); // clock corrected: event times step back, which is not out-of-order data
    assertThat(kinds()).containsExactly(AnomalyKind.CLOCK_SKEW);
    advanceInTriggers(10_000);
    arriveWithEventTime(clock.millis() + 5 * 60_000);
    assertThat(kinds()).containsExactly(AnomalyKind.CLOCK_SKEW, AnomalyKind.CLOCK_SKEW);
  }

  // ---- registry --------------------------------------------------------------------------------

  @Test
  void aRegisteredDeviceThatNeverReportsIsFlaggedOnceAndReappearsWhenItFinallyDoes() {
    state = DeviceState.registered(DEVICE, 20_000);
    DeviceWatch.Outcome first = watch.onRegistered(state, 0);
    state = first.state();
    assertThat(first.timeout()).isEqualTo(Duration.ofSeconds(60)); // 3 x the registry's 20 s
    advanceInTriggers(59_000);
    assertThat(events).isEmpty();
    advanceInTriggers(120_000);
    assertThat(kinds()).containsExactly(AnomalyKind.NEVER_REPORTED);
    AnomalyEvent never = events.get(0);
    assertThat(never.start()).isEqualTo(Instant.ofEpochMilli(T0));
    assertThat(never.detectedAt()).isEqualTo(Instant.ofEpochMilli(T0 + 60_000));
    assertThat(never.expected()).isEqualTo(20.0);
    assertThat(state.status()).isEqualTo(Status.NEVER_REPORTED);

    arrive();
    assertThat(kinds()).containsExactly(AnomalyKind.NEVER_REPORTED, AnomalyKind.REAPPEARED);
    assertThat(events.get(1).attributes()).containsEntry("first_report", "true");
    assertThat(watch.expectedInterval(state)).isEqualTo(Duration.ofSeconds(20)); // the registry's, until learned
    steady(10, 20_000);
    assertThat(events).hasSize(2);
  }

  @Test
  void aRegisteredDeviceThatReportsInTimeRaisesNothingAndIsJudgedByItsRegistryInterval() {
    state = watch.onRegistered(DeviceState.registered(DEVICE, 5_000), 0).state();
    advanceInTriggers(4_000);
    arrive();
    advanceInTriggers(5_000);
    arrive();
    assertThat(watch.gapThreshold(state)).isEqualTo(Duration.ofSeconds(15)); // not the 60 s default
    advanceInTriggers(16_000);
    assertThat(kinds()).containsExactly(AnomalyKind.GAP);
    assertThat(events.get(0).attributes()).containsEntry("interval_source", "registry");
  }

  @Test
  void aDeviceRunningAtAnotherCadenceThanRegisteredIsAFrequencyChange() {
    state = watch.onRegistered(DeviceState.registered(DEVICE, 30_000), 0).state();
    steady(10, 10_000);
    assertThat(kinds()).containsExactly(AnomalyKind.FREQUENCY_CHANGE);
    assertThat(events.get(0).expected()).isEqualTo(30.0);
    assertThat(events.get(0).attributes()).containsEntry("direction", "faster");
  }

  @Test
  void aNeverReportingRegisteredDeviceExpires() {
    state = watch.onRegistered(DeviceState.registered(DEVICE, 20_000), 0).state();
    clock.advance(Duration.ofMinutes(2).toMillis());
    DeviceWatch.Outcome o = watch.onTimeout(state);
    assertThat(o.events()).extracting(AnomalyEvent::kind).containsExactly(AnomalyKind.NEVER_REPORTED);
    clock.advance(Duration.ofDays(1).toMillis());
    assertThat(watch.onTimeout(o.state()).expired()).isTrue();
  }

  // ---- thresholds ------------------------------------------------------------------------------

  @Test
  void thresholdRaisesOncePerExcursionNotPerReading() {
    use(settings("device.watch.threshold.loud.metric=noise", "device.watch.threshold.loud.above=85",
        "device.watch.threshold.cold.metric=temperature", "device.watch.threshold.cold.below=-10"));
    double[] noise = {70, 80, 86, 90, 95, 84, 70, 88, 60};
    for (double v : noise) {
      advanceInTriggers(10_000);
      arriveWith("noise", v);
    }
    assertThat(kinds()).containsExactly(AnomalyKind.THRESHOLD, AnomalyKind.THRESHOLD);
    AnomalyEvent first = events.get(0);
    assertThat(first.metric()).isEqualTo("noise");
    assertThat(first.value()).isEqualTo(86.0);
    assertThat(first.expected()).isEqualTo(85.0);
    assertThat(first.attributes()).containsEntry("rule", "loud").containsEntry("direction", "above");
    assertThat(events.get(1).value()).isEqualTo(88.0);
    assertThat(first.eventId()).isNotEqualTo(events.get(1).eventId());

    advanceInTriggers(10_000);
    arriveWith("temperature", -12.5);
    assertThat(events).hasSize(3);
    assertThat(events.get(2).attributes()).containsEntry("direction", "below");
    // The excursion is remembered per rule, bounded by the rule count.
    assertThat(state.getExcursions()).containsOnlyKeys("cold");
  }

  // ---- how a device splits a report into messages ---------------------------------------------

  /** One MQTT message of a report: its leading metric and when it arrives after the report starts. */
  record Message(long offsetMs, String metric) {}

  /** How a device splits its reports into messages, the dialect families' shapes. */
  enum Shape {
    /** Vigil's contract, Tasmota, Zigbee2MQTT: one message with every metric; the watch sees its first. */
    ONE_MESSAGE_ALL_METRICS {
      @Override
      List<Message> report(int n) {
        return List.of(new Message(0, "temperature"));
      }
    },
    /** ESPHome, Home Assistant statestream, Shelly Gen2 status: one message per metric, a burst 150 ms apart. */
    ONE_MESSAGE_PER_METRIC {
      @Override
      List<Message> report(int n) {
        return burst(List.of("temperature", "humidity", "power_w", "voltage", "rssi"));
      }
    },
    /** The same in another order every report (Home Assistant publishes entities as their states change). */
    ONE_MESSAGE_PER_METRIC_SHUFFLED {
      @Override
      List<Message> report(int n) {
        List<String> metrics = new ArrayList<>(List.of("temperature", "humidity", "power_w", "voltage", "rssi"));
        java.util.Collections.shuffle(metrics, new Random(n));
        return burst(metrics);
      }
    },
    /**
     * One message per metric at different rates: temperature and humidity every report, the
     * battery every sixth (it leads the very first report), a motion sensor's change between reports
     * every fourth.
     */
    METRICS_AT_DIFFERENT_RATES {
      @Override
      List<Message> report(int n) {
        List<Message> out = new ArrayList<>(burst(n % 6 == 0 ? List.of("battery", "temperature", "humidity")
            : List.of("temperature", "humidity")));
        if (n % 4 == 1) {
          out.add(new Message(4_000, "motion"));
        }
        return out;
      }
    };

    abstract List<Message> report(int n);

    static List<Message> burst(List<String> metrics) {
      List<Message> out = new ArrayList<>();
      for (int i = 0; i < metrics.size(); i++) {
        out.add(new Message(150L * i, metrics.get(i)));
      }
      return out;
    }
  }

  @ParameterizedTest
  @EnumSource(Shape.class)
  void aSteadyCadenceRaisesNothingAndTheReportIntervalIsLearned(Shape shape) {
    reports(shape, 60, 10_000);
    assertThat(events).isEmpty();
    assertThat(watch.expectedInterval(state)).isBetween(Duration.ofMillis(9_500), Duration.ofMillis(10_500));
  }

  @ParameterizedTest
  @EnumSource(Shape.class)
  void aCadenceChangeIsFlaggedOnce(Shape shape) {
    reports(shape, 30, 10_000);
    reports(shape, 20, 25_000); // 2.5x slower, still under the 30 s gap threshold
    assertThat(kinds()).containsExactly(AnomalyKind.FREQUENCY_CHANGE);
    assertThat(events.get(0).attributes()).containsEntry("direction", "slower");
    assertThat(events.get(0).value()).isBetween(24.5, 25.5);
    assertThat(events.get(0).expected()).isBetween(9.5, 10.5);
  }

  @ParameterizedTest
  @EnumSource(Shape.class)
  void aSilenceIsAGapThenInactiveAndItsLengthIsNeverLearned(Shape shape) {
    reports(shape, 30, 10_000);
    long lastArrival = lastReadingArrival;
    advanceInTriggers(Duration.ofMinutes(15).toMillis());
    assertThat(kinds()).containsExactly(AnomalyKind.GAP, AnomalyKind.INACTIVE);
    assertThat(events.get(0).detectedAt()).isBetween(Instant.ofEpochMilli(lastArrival + 30_000),
        Instant.ofEpochMilli(lastArrival + 31_000)); // at the first 1 s trigger past the 30 s threshold

    reports(shape, 30, 10_000);
    assertThat(kinds()).containsExactly(AnomalyKind.GAP, AnomalyKind.INACTIVE, AnomalyKind.GAP_CLOSED,
        AnomalyKind.REAPPEARED);
    assertThat(watch.expectedInterval(state)).isBetween(Duration.ofMillis(9_500), Duration.ofMillis(10_500));
  }

  @Test
  void theMetricSeenMostPacesAndMetricsOfOneBurstNeverSwapOverALostMessage() {
    reports(Shape.METRICS_AT_DIFFERENT_RATES, 3, 10_000);
    assertThat(state.getPacingMetric()).isEqualTo("temperature"); // the battery led the first report only

    reports(Shape.ONE_MESSAGE_PER_METRIC, 20, 10_000);
    long intervals = state.getIntervalsSeen();
    // The next report loses its temperature message: humidity is now seen as often, never twice as often.
    report(Shape.ONE_MESSAGE_PER_METRIC.report(0).subList(1, 5), 10_000);
    reports(Shape.ONE_MESSAGE_PER_METRIC, 1, 10_000);
    assertThat(state.getPacingMetric()).isEqualTo("temperature");
    assertThat(state.getIntervalsSeen()).isEqualTo(intervals + 1); // the 20 s without a temperature, one interval
    assertThat(events).isEmpty();
  }

  /** {@code count} reports {@code intervalMs} apart, each split into messages as the shape says. */
  void reports(Shape shape, int count, long intervalMs) {
    for (int i = 0; i < count; i++) {
      report(shape.report(reportNumber++), intervalMs);
    }
  }

  /** One report's messages, then time on to the next report, {@code intervalMs} after this one began. */
  void report(List<Message> messages, long intervalMs) {
    long start = clock.millis();
    for (Message m : messages) {
      advanceInTriggers(start + m.offsetMs() - clock.millis());
      arriveWith(m.metric(), 1.0);
    }
    advanceInTriggers(start + intervalMs - clock.millis());
  }

  // ---- read position: backlog versus a silent fleet --------------------------------------------

  @Test
  void aQueryThatWasDownAndCatchesUpRaisesNoFalseGap() {
    // After the restart each 1 s batch reads 5 s of the backlog (and the device keeps sending).
    catchUpAfterDowntime(false, 1_000, 5_000);
    assertThat(events).isEmpty();
  }

  /**
   * A device reporting every 10 s; the query stops for 10 minutes while it keeps sending, then
   * restarts (a new run of the query when {@code newRun}) and works off the backlog in batches that
   * each take {@code batchMs} and read {@code readPerBatchMs} of it, while the device keeps sending.
   */
  void catchUpAfterDowntime(boolean newRun, long batchMs, long readPerBatchMs) {
    steady(20, 10_000);
    long position = lastReadingArrival; // the stream had read everything when the query stopped
    clock.advance(Duration.ofMinutes(10).toMillis());
    if (newRun) {
      watch = new DeviceWatch(settings, clock, clock.millis());
    }
    long nextReading = lastReadingArrival + 10_000;
    while (position < clock.millis()) {
      clock.advance(batchMs);
      long readUpTo = Math.min(position + readPerBatchMs, clock.millis());
      List<DeviceWatch.Reading> batch = new ArrayList<>();
      for (; nextReading <= readUpTo; nextReading += 10_000) {
        batch.add(new DeviceWatch.Reading(nextReading + CLOCK_OFFSET_MS, nextReading));
      }
      // Spark calls a device once per batch: with its data, or (no data) on its due timeout.
      if (!batch.isEmpty()) {
        collect(watch.onReadings(DEVICE, state, batch, position));
      } else if (clock.millis() >= state.getWakeAtMs()) {
        collect(watch.onTimeout(state, position));
      }
      position = readUpTo;
    }
  }

  @Test
  void whileTheStreamLagsASilentDeviceIsJudgedByTheReadPositionNotTheWallClock() {
    long lag = 120_000; // the query reads what arrived 2 minutes ago, other devices keep it moving
    long lastArrival = 0;
    for (int i = 0; i < 200; i++) {
      clock.advance(1_000);
      long position = clock.millis() - lag;
      boolean sends = i < 100 && i % 10 == 0; // then silent
      if (sends) {
        lastArrival = position;
        collect(watch.onReadings(DEVICE, state, List.of(new DeviceWatch.Reading(position, position)), position - 1_000));
      } else if (state != null && clock.millis() >= state.getWakeAtMs()) {
        collect(watch.onTimeout(state, position - 1_000));
      }
      if (i == 90 + 29) {
        assertThat(events).isEmpty(); // 149 s of wall time since the device's last arrival, but only 29 s read
      }
    }
    assertThat(kinds()).containsExactly(AnomalyKind.GAP);
    long readAtDetection = Instant.parse(events.get(0).attributes().get("read_position")).toEpochMilli();
    assertThat(readAtDetection - lastArrival).isBetween(30_000L, 32_000L);
    assertThat(events.get(0).detectedAt().toEpochMilli() - lastArrival).isBetween(lag + 30_000, lag + 32_000);
  }

  @Test
  void aSilentFleetIsFlaggedByTheWallClockWithinTheThresholdPlusTwoTriggers() {
    steady(20, 10_000);
    long silentFrom = lastReadingArrival;
    readPosition = lastReadingArrival; // nothing arrives anywhere: the read position stands still
    for (int i = 0; i < 120 && events.isEmpty(); i++) {
      clock.advance(1_000);
      if (clock.millis() >= state.getWakeAtMs()) {
        collect(watch.onTimeout(state, readPosition));
      }
    }
    assertThat(kinds()).containsExactly(AnomalyKind.GAP);
    assertThat(events.get(0).detectedAt().toEpochMilli() - silentFrom).isBetween(30_000L, 32_000L);
  }

  @Test
  void aRestartIntoASilentFleetFlagsItOnlyAfterSeeingTheStreamStandStill() {
    steady(20, 10_000);
    readPosition = lastReadingArrival;
    clock.advance(Duration.ofMinutes(5).toMillis()); // down 5 minutes; nothing arrived meanwhile
    clock.advance(1_000);
    collect(watch.onTimeout(state, readPosition));
    assertThat(events).isEmpty(); // first look after the restart: cannot tell backlog from silence yet
    for (int i = 0; i < 5 && events.isEmpty(); i++) {
      clock.advance(1_000);
      if (clock.millis() >= state.getWakeAtMs()) {
        collect(watch.onTimeout(state, readPosition));
      }
    }
    assertThat(kinds()).containsExactly(AnomalyKind.GAP);
  }

  /**
   * A busy machine: every batch takes 20 s although the trigger is 1 s, so every look comes long
   * after its due time. Within one run of the query that is still evidence that the stream stands
   * still (the watch knows when its run began); a watch that judged by lateness alone would never
   * flag a silent fleet (the read position stops at its last arrival, so the silence stops growing).
   * This is what kept a dead device from going INACTIVE in {@code vigil demo --dialects mixed}.
   */
  @Test
  void slowBatchesInOneRunStillFlagASilentFleetByTheWallClock() {
    use(settings("device.watch.inactive.after=2m"), T0);
    steady(20, 10_000);
    long silentFrom = lastReadingArrival;
    readPosition = lastReadingArrival;
    slowBatches(20_000, Duration.ofMinutes(4).toMillis());

    assertThat(kinds()).containsExactly(AnomalyKind.GAP, AnomalyKind.INACTIVE);
    assertThat(events.get(0).detectedAt().toEpochMilli() - silentFrom).isBetween(30_000L, 30_000L + 2 * 20_000L);
    assertThat(events.get(1).detectedAt().toEpochMilli() - silentFrom).isBetween(120_000L, 120_000L + 2 * 20_000L);
  }

  @Test
  void withoutItsRunStartTheWatchJudgesSlowLooksAsLateAndWaits() {
    steady(20, 10_000);
    readPosition = lastReadingArrival;
    slowBatches(20_000, Duration.ofMinutes(4).toMillis());
    assertThat(events).isEmpty(); // the behaviour the run start fixes: lateness alone never trusts the evidence
  }

  @Test
  void aRestartIntoASilentFleetWithSlowBatchesWaitsForEvidenceOfTheNewRun() {
    use(settings(), T0);
    steady(20, 10_000);
    long silentFrom = lastReadingArrival;
    readPosition = lastReadingArrival;
    clock.advance(Duration.ofMinutes(5).toMillis()); // down 5 minutes; nothing arrived meanwhile
    watch = new DeviceWatch(settings, clock, clock.millis()); // the new run
    clock.advance(20_000);
    collect(watch.onTimeout(state, readPosition));
    assertThat(events).as("the restored watermark is no evidence of this run").isEmpty();
    slowBatches(20_000, 40_000);
    assertThat(kinds()).containsExactly(AnomalyKind.GAP);
    assertThat(events.get(0).value()).isGreaterThan((clock.millis() - 40_000 - silentFrom) / 1000.0);
  }

  @Test
  void aRestartCatchingUpABacklogInSlowBatchesRaisesNoFalseGap() {
    use(settings(), T0);
    // Each batch takes 20 s and reads 60 s of the backlog.
    catchUpAfterDowntime(true, 20_000, 60_000);
    assertThat(events).isEmpty();
  }

  /** Batches every {@code batchMs} (each as long as that) for {@code forMs}, the device's timeout fired when due. */
  void slowBatches(long batchMs, long forMs) {
    long end = clock.millis() + forMs;
    while (clock.millis() < end) {
      clock.advance(batchMs);
      if (clock.millis() >= state.getWakeAtMs()) {
        collect(watch.onTimeout(state, readPosition));
      }
    }
  }

  /**
   * Worst case for the goal (the threshold plus two triggers from the last reading to the event on
   * Kafka): the watch must decide within one trigger of the threshold when the whole stream stands
   * still, leaving the other for the deciding batch's own run and write. While other devices keep
   * the stream moving, silence is judged by the read position, which Spark's watermark reports a
   * batch late: one trigger more.
   */
  @ParameterizedTest(name = "rest of the stream moving: {0}, decided within {1} triggers of the threshold")
  @CsvSource({"false, 1", "true, 2"})
  void aDeviceFallingSilentIsFlaggedSoonAfterItsThresholdAlthoughTheWatermarkTrailsItsBatch(boolean moving, int triggers) {
    use(settings("trigger.interval=5s", "device.watch.default.interval=1s", "device.watch.min.gap=10s"));
    long trigger = 5_000;
    long start = clock.millis();
    long lastArrival = 0;
    long watermark = 0; // Spark's: the newest arrival read by the batches before this one
    for (int batch = 0; batch < 30; batch++) {
      long batchStart = clock.millis();
      clock.advance(trigger);
      List<DeviceWatch.Reading> readings = new ArrayList<>();
      // One a second for a minute, then silence; the last one arrives just after a batch began, the
      // worst case: it waits a whole trigger to be read.
      for (long t = batchStart + 100; t <= clock.millis() && t <= start + 60_100; t += 1_000) {
        readings.add(new DeviceWatch.Reading(t, t));
        lastArrival = t;
      }
      if (!readings.isEmpty()) {
        collect(watch.onReadings(DEVICE, state, readings, watermark));
      } else if (clock.millis() >= state.getWakeAtMs()) {
        collect(watch.onTimeout(state, watermark));
      }
      watermark = moving ? clock.millis() - 500 : Math.max(watermark, lastArrival);
    }
    assertThat(kinds()).containsExactly(AnomalyKind.GAP);
    long latency = events.get(0).detectedAt().toEpochMilli() - lastArrival;
    assertThat(latency).isBetween(10_000L, 10_000L + triggers * trigger);
  }

  // ---- device status (last wills, Sparkplug births and deaths) ----------------------------------

  @Test
  void offlineRaisesInactiveAtOnceAndTheNextReadingRaisesReappearedAlone() {
    steady(20, 10_000);
    long lastEvent = lastReadingArrival + CLOCK_OFFSET_MS;
    advanceInTriggers(3_000);
    status(DeviceStatus.State.OFFLINE);

    assertThat(kinds()).containsExactly(AnomalyKind.INACTIVE);
    AnomalyEvent inactive = events.get(0);
    assertThat(inactive.detectedAt()).isEqualTo(clock.instant()); // not a silence threshold later
    assertThat(inactive.start()).isEqualTo(Instant.ofEpochMilli(lastEvent));
    assertThat(inactive.eventId()).isEqualTo(
        AnomalyEvent.idFor(AnomalyKind.INACTIVE, AnomalySource.STREAM, DEVICE, null, inactive.start()));
    assertThat(inactive.attributes()).containsEntry("cause", "device_status");
    assertThat(state.status()).isEqualTo(Status.OFFLINE);

    advanceInTriggers(Duration.ofMinutes(30).toMillis()); // the silence thresholds pass: nothing more to say
    assertThat(kinds()).containsExactly(AnomalyKind.INACTIVE);

    arrive();
    assertThat(kinds()).containsExactly(AnomalyKind.INACTIVE, AnomalyKind.REAPPEARED); // no GAP was raised, none closed
    assertThat(events.get(1).start()).isEqualTo(inactive.start());
    assertThat(state.status()).isEqualTo(Status.ACTIVE);
    steady(10, 10_000);
    assertThat(events).hasSize(2);
  }

  @Test
  void onlineAfterOfflineRaisesReappearedAndRepeatedStatusesRaiseNothingMore() {
    steady(20, 10_000);
    advanceInTriggers(2_000);
    status(DeviceStatus.State.OFFLINE);
    status(DeviceStatus.State.OFFLINE); // a retained last will delivered again
    advanceInTriggers(60_000);
    status(DeviceStatus.State.ONLINE);
    status(DeviceStatus.State.ONLINE);
    assertThat(kinds()).containsExactly(AnomalyKind.INACTIVE, AnomalyKind.REAPPEARED);
    assertThat(events.get(1).value()).isEqualTo(62.0);
  }

  @Test
  void aReplayedBatchWithAStatusRaisesTheSameEventIds() {
    steady(20, 10_000);
    DeviceState before = state.copy();
    long now = clock.millis();
    List<DeviceWatch.Reading> batch = List.of(DeviceWatch.Reading.status(DeviceStatus.State.OFFLINE, now - 500, now));
    List<String> first = watch.onReadings(DEVICE, before.copy(), batch, now).events().stream().map(AnomalyEvent::eventId).toList();
    clock.advance(5_000); // the replay runs later, from the state checkpointed before the batch
    List<String> replay = watch.onReadings(DEVICE, before.copy(), batch, now).events().stream().map(AnomalyEvent::eventId).toList();
    assertThat(first).hasSize(1).isEqualTo(replay);
  }

  @Test
  void offlineDuringAGapRaisesTheInactiveASilenceWouldHaveAndReturnClosesBoth() {
    steady(20, 10_000);
    advanceInTriggers(60_000);
    assertThat(kinds()).containsExactly(AnomalyKind.GAP);
    status(DeviceStatus.State.OFFLINE);
    assertThat(kinds()).containsExactly(AnomalyKind.GAP, AnomalyKind.INACTIVE);
    assertThat(events.get(1).start()).isEqualTo(events.get(0).start()); // same identity as a timely INACTIVE
    advanceInTriggers(Duration.ofMinutes(30).toMillis());
    arrive();
    assertThat(kinds()).containsExactly(AnomalyKind.GAP, AnomalyKind.INACTIVE, AnomalyKind.GAP_CLOSED, AnomalyKind.REAPPEARED);
  }

  @Test
  void aLastWillOlderThanTheNewestReadingChangesNothing() {
    steady(20, 10_000);
    long stale = lastReadingArrival - 5_000; // published before the device came back, delivered late
    collect(watch.onReadings(DEVICE, state, List.of(DeviceWatch.Reading.status(DeviceStatus.State.OFFLINE, stale, stale)),
        clock.millis()));
    assertThat(events).isEmpty();
    assertThat(state.status()).isEqualTo(Status.ACTIVE);
  }

  @Test
  void offlineFromADeviceNeverSeenKeepsNoStateAndOnlineStartsWatchingIt() {
    DeviceWatch.Outcome outcome = watch.onReadings(DEVICE, null,
        List.of(DeviceWatch.Reading.status(DeviceStatus.State.OFFLINE, clock.millis(), clock.millis())), clock.millis());
    assertThat(outcome.expired()).isTrue();
    assertThat(outcome.events()).isEmpty();
    status(DeviceStatus.State.ONLINE);
    assertThat(state.status()).isEqualTo(Status.ACTIVE);
    assertThat(events).isEmpty();
  }

  @Test
  void aDeviceThatOnlyEverSaidItIsOnlineIsWatchedByItsStatusNotItsSilence() {
    // A Sparkplug B edge node: a birth, then nothing of its own while its devices report, then its death.
    status(DeviceStatus.State.ONLINE);
    advanceInTriggers(Duration.ofHours(1).toMillis());
    assertThat(events).isEmpty();
    status(DeviceStatus.State.OFFLINE);
    assertThat(kinds()).containsExactly(AnomalyKind.INACTIVE);
    status(DeviceStatus.State.ONLINE);
    assertThat(kinds()).containsExactly(AnomalyKind.INACTIVE, AnomalyKind.REAPPEARED);
    // Once it sends readings, its silence counts like any device's.
    steady(20, 10_000);
    advanceInTriggers(60_000);
    assertThat(kinds()).containsExactly(AnomalyKind.INACTIVE, AnomalyKind.REAPPEARED, AnomalyKind.GAP);
  }

  void status(DeviceStatus.State value) {
    long now = clock.millis();
    collect(watch.onReadings(DEVICE, state, List.of(DeviceWatch.Reading.status(value, now + CLOCK_OFFSET_MS, now)),
        readPositionOr(now)));
  }

  // ---- driving the watch like the Spark wiring does ----------------------------------------

  void steady(int n, long intervalMs) {
    for (int i = 0; i < n; i++) {
      if (state != null && state.hasReported()) {
        advanceInTriggers(intervalMs);
      }
      arrive();
    }
  }

  void arrive() {
    arriveWithEventTime(clock.millis() + CLOCK_OFFSET_MS);
  }

  void arriveWithEventTime(long eventMs) {
    long now = clock.millis();
    collect(watch.onReadings(DEVICE, state, List.of(new DeviceWatch.Reading(eventMs, now)), readPositionOr(now)));
    lastReadingArrival = now;
  }

  void arriveWith(String metric, double value) {
    long now = clock.millis();
    collect(watch.onReadings(DEVICE, state, List.of(new DeviceWatch.Reading(now + CLOCK_OFFSET_MS, now, metric, value, true)),
        readPositionOr(now)));
    lastReadingArrival = now;
  }

  private long readPositionOr(long now) {
    return readPosition == null ? now : readPosition;
  }

  void collect(DeviceWatch.Outcome outcome) {
    events.addAll(outcome.events());
    state = outcome.state();
  }

  /** Moves time on in 1 s triggers, calling the watch whenever the device's timeout is due (as Spark does). */
  void advanceInTriggers(long ms) {
    long end = clock.millis() + ms;
    while (clock.millis() < end) {
      clock.advance(Math.min(1_000, end - clock.millis()));
      if (state != null && clock.millis() >= state.getWakeAtMs()) {
        collect(watch.onTimeout(state, readPositionOr(clock.millis())));
      }
    }
  }

  List<AnomalyKind> kinds() {
    return events.stream().map(AnomalyEvent::kind).toList();
  }
}
