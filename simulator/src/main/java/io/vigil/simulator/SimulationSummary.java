package io.vigil.simulator;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What a run did.
 *
 * @param generated       messages generated and handed to the sink (duplicates count twice)
 * @param delivered       messages the sink confirmed (for MQTT: acknowledged per the QoS)
 * @param failed          messages the sink could not deliver
 * @param messagesByFault messages shaped by each fault kind (a message may count under several)
 * @param labelsByKind    ground-truth labels per fault kind
 * @param elapsed         wall time the run took
 * @param labelsFile      where the labels were written, or null
 */
public record SimulationSummary(Instant windowStart, Instant windowEnd, long generated, long delivered, long failed,
    Map<FaultKind, Long> messagesByFault, Map<FaultKind, Long> labelsByKind, Duration elapsed, Path labelsFile,
    boolean stoppedEarly) {

  public SimulationSummary {
    messagesByFault = Map.copyOf(messagesByFault);
    labelsByKind = Map.copyOf(labelsByKind);
  }

  /** Delivered messages per wall-clock second. */
  public double achievedRate() {
    double s = elapsed.toNanos() / 1e9;
    return s <= 0 ? 0 : delivered / s;
  }

  /** A few lines for the terminal. */
  public String render() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("Simulated %s .. %s%s%n", FaultLabels.format(windowStart), FaultLabels.format(windowEnd),
        stoppedEarly ? " (stopped early: the labels file is incomplete, use only complete runs for scoring)" : ""));
    sb.append(String.format("Messages: %d generated, %d delivered, %d failed in %.1f s (%.1f msg/s)%n", generated,
        delivered, failed, elapsed.toNanos() / 1e9, achievedRate()));
    if (labelsByKind.isEmpty() && messagesByFault.isEmpty()) {
      sb.append("Faults: none injected").append(System.lineSeparator());
    } else {
      sb.append(String.format("%-17s %8s %10s%n", "Fault", "labels", "messages"));
      for (FaultKind k : FaultKind.values()) {
        long l = labelsByKind.getOrDefault(k, 0L);
        long m = messagesByFault.getOrDefault(k, 0L);
        if (l > 0 || m > 0) {
          sb.append(String.format("%-17s %8d %10d%n", k, l, m));
        }
      }
    }
    if (labelsFile != null) {
      sb.append("Labels: ").append(labelsFile.toAbsolutePath()).append(System.lineSeparator());
    }
    return sb.toString();
  }
}
