package io.vigil.simulator;

import io.vigil.testsupport.ManualClock;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulatorTest {

  /** Records each message with the wall time it was handed over. */
  static final class RecordingSink implements MessageSink {
    final ManualClock clock;
    final List<SimulatedMessage> messages = new ArrayList<>();
    final List<Long> sentAt = new ArrayList<>();
    boolean flushed;

    RecordingSink(ManualClock clock) {
      this.clock = clock;
    }

    @Override
    public void send(SimulatedMessage m) {
      messages.add(m);
      sentAt.add(clock.millis());
    }

    @Override
    public void flush() {
      flushed = true;
    }

    @Override
    public long delivered() {
      return messages.size();
    }

    @Override
    public long failed() {
      return 0;
    }

    @Override
    public void close() {}
  }

  @TempDir
  Path dir;

  private SimulationSummary run(Map<String, String> settings, ManualClock clock, RecordingSink sink, Path labels) {
    SimulatorConfig cfg = new SimulatorConfig(settings);
    FleetGenerator g = new FleetGenerator(cfg, clock);
    return new Simulator(cfg, clock, ms -> clock.advance(ms)).run(g, sink, labels);
  }

  @Test
  void realTimeSendsEachMessageWhenItsTimeComes() {
    ManualClock clock = new ManualClock(Fleets.NOW);
    RecordingSink sink = new RecordingSink(clock);
    SimulationSummary s = run(Fleets.settings(SimulatorConfig.HISTORY, "0s", SimulatorConfig.DURATION, "10m",
        SimulatorConfig.FAULTS, "default,late=0.05"), clock, sink, dir.resolve("labels.csv"));
    assertThat(sink.messages).isNotEmpty();
    for (int i = 0; i < sink.messages.size(); i++) {
      long due = sink.messages.get(i).publishTime().toEpochMilli();
      // Never early, and (with the default 1000/s cap far above this fleet's rate) at most a few ms late.
      assertThat(sink.sentAt.get(i)).isBetween(due, due + 5);
    }
    assertThat(s.generated()).isEqualTo(sink.messages.size());
    assertThat(s.delivered()).isEqualTo(sink.messages.size());
    assertThat(sink.flushed).isTrue();
    assertThat(s.elapsed()).isBetween(Duration.ofMinutes(9), Duration.ofMinutes(10));
    assertThat(s.stoppedEarly()).isFalse();
  }

  @Test
  void speedupCompressesWallTime() {
    ManualClock clock = new ManualClock(Fleets.NOW);
    RecordingSink sink = new RecordingSink(clock);
    SimulationSummary s = run(Fleets.settings(SimulatorConfig.HISTORY, "0s", SimulatorConfig.DURATION, "10m",
        SimulatorConfig.SPEEDUP, "60"), clock, sink, null);
    assertThat(s.elapsed()).isLessThanOrEqualTo(Duration.ofSeconds(10)).isGreaterThan(Duration.ofSeconds(9));
  }

  @Test
  void historyGoesOutAsFastAsTheRateAllows() throws Exception {
    ManualClock clock = new ManualClock(Fleets.NOW);
    RecordingSink sink = new RecordingSink(clock);
    Path labels = dir.resolve("out/labels.csv");
    SimulationSummary s = run(Fleets.settings(SimulatorConfig.HISTORY, "2h", SimulatorConfig.DURATION, "0s",
        SimulatorConfig.RATE, "200", SimulatorConfig.FAULTS, "default,spike=0.01"), clock, sink, labels);
    int n = sink.messages.size();
    assertThat(sink.messages).allMatch(m -> m.eventTime().isBefore(Fleets.NOW));
    // n messages at 200/s: the last goes out (n-1)/200 s after the start.
    assertThat(sink.sentAt.get(n - 1) - Fleets.NOW.toEpochMilli()).isBetween((n - 1) * 5L - 1, (n - 1) * 5L + 1);
    assertThat(s.achievedRate()).isBetween(195.0, 205.0);
    // The file holds exactly the labels a bare generator produces for the same settings.
    Fleets.Run expected = Fleets.run(SimulatorConfig.HISTORY, "2h", SimulatorConfig.DURATION, "0s",
        SimulatorConfig.FAULTS, "default,spike=0.01");
    assertThat(FaultLabels.read(labels)).isNotEmpty().isEqualTo(expected.labels());
    assertThat(s.labelsByKind().get(FaultKind.SPIKE)).isEqualTo(s.messagesByFault().get(FaultKind.SPIKE)).isPositive();
    assertThat(s.render()).contains("SPIKE", "msg/s", labels.toAbsolutePath().toString());
    assertThat(Files.readString(labels)).startsWith(FaultLabels.HEADER);
  }

  @Test
  void stopEndsTheRunButStillFlushes() {
    ManualClock clock = new ManualClock(Fleets.NOW);
    RecordingSink sink = new RecordingSink(clock);
    SimulatorConfig cfg = new SimulatorConfig(Fleets.settings(SimulatorConfig.HISTORY, "0s", SimulatorConfig.DURATION, "10m"));
    FleetGenerator g = new FleetGenerator(cfg, clock);
    Simulator[] sim = new Simulator[1];
    sim[0] = new Simulator(cfg, clock, ms -> {
      clock.advance(ms);
      if (clock.millis() > Fleets.NOW.toEpochMilli() + 60_000) {
        sim[0].stop();
      }
    });
    SimulationSummary s = sim[0].run(g, sink, null);
    assertThat(s.stoppedEarly()).isTrue();
    assertThat(sink.flushed).isTrue();
    assertThat(sink.messages).isNotEmpty().allMatch(m -> m.publishTime().isBefore(Fleets.NOW.plusSeconds(61)));
  }
}
