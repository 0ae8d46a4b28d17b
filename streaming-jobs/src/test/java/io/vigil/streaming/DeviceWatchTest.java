package io.vigil.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.schemas.AnomalyEvent;
import io.vigil.schemas.AnomalyKind;
import io.vigil.schemas.AnomalySource;
import io.vigil.streaming.DeviceState.Status;
import io.vigil.testsupport.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DeviceWatchTest {
  private static final String DEVICE = "dev-1";
  private static final long T0 = Instant.parse("2024-05-01T00:00:00Z").toEpochMilli();
  /** Device clock runs 2 s behind the bridge: identities use event time, silence uses arrival time. */
  private static final long CLOCK_OFFSET_MS = -2_000;

  private final ManualClock clock = new ManualClock(T0);
  private final DeviceWatchSettings settings = new DeviceWatchSettings(Duration.ofSeconds(60), 3.0,
      Duration.ofSeconds(5), Duration.ofMinutes(10), 5, 16, Duration.ofDays(1));
  private final DeviceWatch watch = new DeviceWatch(settings, clock);
  private final List<AnomalyEvent> events = new ArrayList<>();
  private DeviceState state;
  private long lastReadingArrival;

  @Test
  void steadyStreamWithJitterRaisesNothingAndLearnsItsInterval() {
    Random random = new Random(42);
    for (int i = 0; i < 200; i++) {
      advanceInTriggers(10_000 + random.nextInt(3_001) - 1_500); // 10 s +- 1.5 s
      arrive();
    }
    assertThat(events).isEmpty();
    assertThat(watch.expectedInterval(state)).isBetween(Duration.ofMillis(9_000), Duration.ofMillis(11_000));
    assertThat(watch.gapThreshold(state)).isBetween(Duration.ofSeconds(27), Duration.ofSeconds(33));
  }

  @Test
  void oneOutageRaisesExactlyOneGapAndOneGapClosed() {
    steady(20, 10_000);
    long lastEventBeforeSilence = lastReadingArrival + CLOCK_OFFSET_MS;
    advanceInTriggers(300_000); // 5 minutes of silence, a timeout check every second

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
    state = null;
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
    DeviceState beforeSilence = copy(state);
    long lastArrival = lastReadingArrival;

    advanceInTriggers(120_000);
    String timelyGapId = events.get(0).eventId();

    // A job that was down during the silence sees the gap only when the next reading arrives.
    events.clear();
    DeviceWatch.Outcome late = watch.onReadings(DEVICE, beforeSilence,
        List.of(new DeviceWatch.Reading(clock.millis() + CLOCK_OFFSET_MS, clock.millis())));
    assertThat(late.events()).extracting(AnomalyEvent::kind).containsExactly(AnomalyKind.GAP, AnomalyKind.GAP_CLOSED);
    assertThat(late.events().get(0).eventId()).isEqualTo(timelyGapId);
    assertThat(late.events().get(1).value()).isEqualTo((clock.millis() - lastArrival) / 1000.0);
  }

  @Test
  void stateOfADeviceSilentBeyondExpiryIsDropped() {
    steady(10, 10_000);
    clock.advance(Duration.ofHours(2).toMillis());
    DeviceWatch.Outcome outcome = watch.onTimeout(state);
    assertThat(outcome.expired()).isFalse();
    assertThat(outcome.events()).extracting(AnomalyEvent::kind).containsExactly(AnomalyKind.GAP, AnomalyKind.INACTIVE);
    assertThat(outcome.nextCheck()).isEqualTo(Instant.ofEpochMilli(lastReadingArrival + Duration.ofDays(1).toMillis()));

    clock.advance(Duration.ofDays(1).toMillis());
    outcome = watch.onTimeout(outcome.state());
    assertThat(outcome.expired()).isTrue();
    assertThat(outcome.events()).isEmpty();
    assertThat(outcome.nextCheck()).isNull();
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
    DeviceWatchSettings slow = new DeviceWatchSettings(Duration.ofHours(1), 3.0, Duration.ofSeconds(5),
        Duration.ofMinutes(10), 5, 16, Duration.ofDays(7));
    DeviceWatch w = new DeviceWatch(slow, clock);
    DeviceState s = w.onReadings(DEVICE, null, List.of(new DeviceWatch.Reading(clock.millis(), clock.millis()))).state();
    clock.advance(Duration.ofMinutes(30).toMillis());
    assertThat(w.onTimeout(s).events()).isEmpty();
    clock.advance(Duration.ofHours(3).toMillis());
    assertThat(w.onTimeout(s).events()).extracting(AnomalyEvent::kind)
        .containsExactly(AnomalyKind.GAP, AnomalyKind.INACTIVE);
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

    steady(30, 20_000);
    assertThat(events).isEmpty();
    assertThat(watch.expectedInterval(state)).isEqualTo(Duration.ofSeconds(20));
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "arrival {0} ms, event {1} ms -> {2}")
  @org.junit.jupiter.params.provider.CsvSource({
      "10000, 10000, true", "10000, 6000, true", "10000, 19000, true",
      "4, 600000, false", "30000, 10000, false", "0, 10000, false", "10000, -5000, false"})
  void onlyIntervalsThatMatchTheDeviceScheduleAreLearned(long arrivalDelta, long eventDelta, boolean learned) {
    assertThat(DeviceWatch.onSchedule(arrivalDelta, eventDelta)).isEqualTo(learned);
  }

  // ---- driving the watch like the Spark wiring does ----------------------------------------

  private void steady(int n, long intervalMs) {
    for (int i = 0; i < n; i++) {
      if (state != null) {
        advanceInTriggers(intervalMs);
      }
      arrive();
    }
  }

  private void arrive() {
    long now = clock.millis();
    DeviceWatch.Outcome outcome = watch.onReadings(DEVICE, state, List.of(new DeviceWatch.Reading(now + CLOCK_OFFSET_MS, now)));
    state = outcome.state();
    events.addAll(outcome.events());
    lastReadingArrival = now;
  }

  /** Moves time on in 1 s triggers, checking the device at every trigger once its check is due. */
  private void advanceInTriggers(long ms) {
    long end = clock.millis() + ms;
    while (clock.millis() < end) {
      clock.advance(Math.min(1_000, end - clock.millis()));
      if (state != null) {
        // Call even when not due, as a stricter test than Spark (which calls only once due).
        DeviceWatch.Outcome outcome = watch.onTimeout(state);
        events.addAll(outcome.events());
        state = outcome.state();
      }
    }
  }

  private List<AnomalyKind> kinds() {
    return events.stream().map(AnomalyEvent::kind).toList();
  }

  private static DeviceState copy(DeviceState s) {
    DeviceState c = new DeviceState();
    c.setDeviceId(s.getDeviceId());
    c.setStatus(s.getStatus());
    c.setFirstSeenMs(s.getFirstSeenMs());
    c.setLastArrivalMs(s.getLastArrivalMs());
    c.setLastEventMs(s.getLastEventMs());
    c.setSilenceStartEventMs(s.getSilenceStartEventMs());
    c.setSilenceStartArrivalMs(s.getSilenceStartArrivalMs());
    c.setRecentIntervalsMs(s.getRecentIntervalsMs().clone());
    c.setNextIntervalSlot(s.getNextIntervalSlot());
    c.setIntervalsSeen(s.getIntervalsSeen());
    return c;
  }
}
