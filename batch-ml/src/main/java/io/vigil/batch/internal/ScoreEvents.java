package io.vigil.batch.internal;

import io.vigil.schemas.AnomalyEvent;
import io.vigil.schemas.AnomalyKind;
import io.vigil.schemas.AnomalySource;
import io.vigil.schemas.Severity;
import java.time.Instant;
import java.util.Locale;

/**
 * Builds the anomaly events of one series' scoring run. Every detector's event shares the same frame (source,
 * series, severity from the score, detection time, the scoring window); here once, so the detectors only add
 * what is theirs (message, attributes) and events from different detectors stay alike.
 */
final class ScoreEvents {
  private final String device;
  private final String metric;
  private final ScorePlan plan;
  private final Instant detectedAt;

  ScoreEvents(String device, String metric, ScorePlan plan) {
    this.device = device;
    this.metric = metric;
    this.plan = plan;
    this.detectedAt = instant(plan.asOfMicros());
  }

  String device() {
    return device;
  }

  String metric() {
    return metric;
  }

  ScorePlan plan() {
    return plan;
  }

  /** An event of {@code kind} starting at {@code startMicros}; the score is clamped to [0, 1] and sets the severity. */
  AnomalyEvent.Builder event(AnomalyKind kind, long startMicros, double value, double expected, double score,
      String modelVersion, String message) {
    double sc = Double.isFinite(score) ? Math.max(0, Math.min(1, score)) : 0;
    return AnomalyEvent.builder(kind, AnomalySource.BATCH, device, metric, instant(startMicros))
        .severity(sc >= plan.criticalThreshold() ? Severity.CRITICAL : Severity.WARNING)
        .detectedAt(detectedAt)
        .value(Double.isFinite(value) ? value : null)
        .expected(Double.isFinite(expected) ? expected : null)
        .score(sc)
        .modelVersion(modelVersion)
        .message(message)
        .attribute("window_start", instant(plan.windowStartMicros()))
        .attribute("window_end", instant(plan.asOfMicros()));
  }

  /** The largest finite score in {@code s[from, to)}, 0 when there is none. */
  static double max(double[] s, int from, int to) {
    double m = 0;
    for (int i = from; i < to; i++) {
      m = Double.isFinite(s[i]) ? Math.max(m, s[i]) : m;
    }
    return m;
  }

  static Instant instant(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }

  /** A number for a message: four significant digits, "n/a" when not finite. */
  static String num(double x) {
    return Double.isFinite(x) ? String.format(Locale.ROOT, "%.4g", x) : "n/a";
  }

  /** A number for an attribute: four significant digits. */
  static String round(double x) {
    return String.format(Locale.ROOT, "%.4g", x);
  }
}
