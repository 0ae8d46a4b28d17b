package io.vigil.simulator;

import io.vigil.simulator.internal.Pacer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives a {@link FleetGenerator} into a {@link MessageSink}: each message waits until the simulated
 * clock reaches its publish time (history is due at once) and the rate cap allows it, then the sink
 * is flushed and the labels are written.
 *
 * <pre>{@code
 * // History backfill: the last 7 days, as fast as 5000 msg/s.
 * SimulatorConfig cfg = new SimulatorConfig(Map.of("simulator.history", "7d", "simulator.duration", "0s",
 *     "simulator.rate", "5000", "mqtt.url", "tcp://127.0.0.1:1883"));
 * SimulationSummary s = new Simulator(cfg, Clock.systemUTC()).run(cfg.mqttUrl());   // writes cfg.labels()
 *
 * // Real time with your own sink and labels path: 50 devices for 3 minutes.
 * SimulatorConfig live = new SimulatorConfig(Map.of("simulator.devices", "50", "simulator.duration", "3m"));
 * FleetGenerator gen = new FleetGenerator(live, Clock.systemUTC());
 * try (MessageSink sink = MessageSinks.mqtt(live, "tcp://127.0.0.1:1883")) {
 *   new Simulator(live, Clock.systemUTC()).run(gen, sink, Path.of("labels.csv"));
 * }
 * }</pre>
 */
public final class Simulator {
  private static final Logger LOG = LoggerFactory.getLogger(Simulator.class);

  /** How the runner waits; tests pass one that advances a fake clock. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(long millis) throws InterruptedException;
  }

  private final SimulatorConfig config;
  private final Clock clock;
  private final Sleeper sleeper;
  private volatile boolean stopRequested;

  public Simulator(SimulatorConfig config, Clock clock) {
    this(config, clock, Thread::sleep);
  }

  public Simulator(SimulatorConfig config, Clock clock, Sleeper sleeper) {
    this.config = config;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /** Asks a running {@link #run} to stop after the current message; it still flushes and writes labels. */
  public void stop() {
    stopRequested = true;
  }

  /**
   * Runs to the end of the generator's window (or until {@link #stop()} or interruption), flushes the
   * sink and writes the labels to the configured file ({@code labelsFile} null: not written).
   * Labels are exact for a complete run; after an early stop, faults still open are not labelled.
   */
  public SimulationSummary run(FleetGenerator generator, MessageSink sink, Path labelsFile) {
    if (config.speedup() != 1.0 && config.dialects().stream().anyMatch(d -> !d.carriesTime())) {
      LOG.warn("{}={} with dialects that carry no timestamp ({}): their consumers stamp arrival time, so their labels "
          + "will not match the lake's times; use 1 for those", SimulatorConfig.SPEEDUP, config.speedup(),
          config.dialects().stream().filter(d -> !d.carriesTime()).map(Dialect::id).toList());
    }
    long wallStart = clock.millis();
    Pacer pacer = new Pacer(wallStart, generator.anchor().toEpochMilli(), config.speedup(), config.rate());
    Map<FaultKind, Long> byFault = new EnumMap<>(FaultKind.class);
    long generated = 0;
    long nextProgress = wallStart + 10_000;
    boolean early = false;
    while (generator.hasNext()) {
      if (stopRequested || Thread.currentThread().isInterrupted()) {
        early = true;
        break;
      }
      SimulatedMessage m = generator.next();
      double sendAt = pacer.sendAtMs(m.publishTime().toEpochMilli());
      long now = clock.millis();
      try {
        while (now < sendAt && !stopRequested) {
          sleeper.sleep(Math.max(1, (long) Math.ceil(sendAt - now)));
          now = clock.millis();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        early = true;
        break;
      }
      if (stopRequested) {
        early = true;
        break;
      }
      sink.send(m);
      pacer.sent(sendAt, now);
      generated++;
      for (FaultKind k : m.faults()) {
        byFault.merge(k, 1L, Long::sum);
      }
      if (now >= nextProgress) {
        LOG.info("{} messages sent, simulated time {}", generated, m.publishTime());
        nextProgress = now + 10_000;
      }
    }
    sink.flush();
    var labels = generator.labels();
    if (labelsFile != null) {
      FaultLabels.write(labelsFile, labels);
    }
    Map<FaultKind, Long> byKind = new EnumMap<>(FaultKind.class);
    labels.forEach(l -> byKind.merge(l.kind(), 1L, Long::sum));
    return new SimulationSummary(generator.windowStart(), generator.windowEnd(), generated, sink.delivered(), sink.failed(),
        byFault, byKind, Duration.ofMillis(clock.millis() - wallStart), labelsFile, early);
  }

  /** Runs with the configured output (mqtt needs {@code mqttUrl}) and labels file. */
  public SimulationSummary run(String mqttUrl) {
    MessageSink sink = switch (config.output()) {
      case MQTT -> MessageSinks.mqtt(config, mqttUrl);
      case JSONL -> MessageSinks.jsonl(config.outputFile());
      case COUNT -> MessageSinks.counting();
    };
    SimulationSummary s;
    try {
      // Anchored after connecting, so real-time messages are not already overdue when publishing starts.
      FleetGenerator generator = new FleetGenerator(config, clock);
      s = run(generator, sink, config.labels());
    } finally {
      // close() turns still-unacknowledged messages into failures, so the final counts are read after it.
      sink.close();
    }
    return new SimulationSummary(s.windowStart(), s.windowEnd(), s.generated(), sink.delivered(), sink.failed(),
        s.messagesByFault(), s.labelsByKind(), s.elapsed(), s.labelsFile(), s.stoppedEarly());
  }
}
