package io.vigil.batch.internal;

import static io.vigil.batch.internal.ReadingRuns.anyFlag;
import static io.vigil.batch.internal.ReadingRuns.continues;
import static io.vigil.batch.internal.ReadingRuns.neighbourMedian;
import static io.vigil.batch.internal.ReadingRuns.runEnd;
import static io.vigil.batch.internal.ScoreEvents.instant;
import static io.vigil.batch.internal.ScoreEvents.num;
import static io.vigil.batch.internal.ScoreEvents.round;

import io.vigil.schemas.AnomalyEvent;
import io.vigil.schemas.AnomalyKind;
import java.util.List;
import java.util.Locale;

/**
 * Spikes and forecast deviations of {@link SeriesScorer}: what the runs of readings over the threshold are when
 * they are not (all) a level shift's or a drift's. It runs after those detectors because it needs their flags: a
 * spike inside a drift is still a spike, one at a level shift's onset is the shift.
 *
 * <p>Spikes are anomalous readings that also stand out from the median z of their neighbours. In a short run
 * that is enough; inside a longer run only where the series drifts (the drift lifts every reading over
 * the threshold) and away from a level shift, whose onset also stands out from the neighbours on its far
 * side. A long run with no drift is one deviation, not many spikes: a forecast that is off for a whole
 * bucket (seasonal naive copying a spike-inflated mean, say) makes each of its readings stand out.
 */
final class SpikeDetector {
  private final ScorePlan plan;
  private final long[] t;
  private final double[] v;
  private final Residuals res;
  private final Residuals.Scores scores;
  private final RobustScale scale;
  private final boolean[] gapBefore;
  private final boolean[] shifted;
  private final boolean[] drift;
  private final int neighbours;
  private final int firstWindow;
  private final double spikeZ;
  private final boolean[] spike;

  /**
   * @param shifted the readings of a level shift
   * @param drift the readings in a drift
   * @param neighbours how many readings either side a spike must stand out from
   * @param firstWindow the first reading of the scoring window (the readings before it are history)
   */
  SpikeDetector(ScorePlan plan, long[] t, double[] v, Residuals res, Residuals.Scores scores, RobustScale scale,
      boolean[] gapBefore, boolean[] shifted, boolean[] drift, int neighbours, int firstWindow) {
    this.plan = plan;
    this.t = t;
    this.v = v;
    this.res = res;
    this.scores = scores;
    this.scale = scale;
    this.gapBefore = gapBefore;
    this.shifted = shifted;
    this.drift = drift;
    this.neighbours = neighbours;
    this.firstWindow = firstWindow;
    this.spikeZ = Residuals.thresholdZ(plan);
    this.spike = new boolean[t.length];
  }

  /**
   * Goes through the runs of readings over the threshold: labels their spikes SPIKE and the rest of a run no
   * other detector explains FORECAST_DEVIATION, adds their events (those starting in the window), and returns
   * which readings are spikes.
   */
  boolean[] detect(String[] kind, ScoreEvents events, List<AnomalyEvent> out) {
    boolean[] over = scores.over();
    int j = 0;
    while (j < t.length) {
      if (!over[j]) {
        j++;
        continue;
      }
      int end = runEnd(over, gapBefore, j);
      judgeRun(j, end, kind, events, out);
      j = end;
    }
    return spike;
  }

  /** The run of readings over the threshold {@code [j, end)}: its spikes, then what is left of it. */
  private void judgeRun(int j, int end, String[] kind, ScoreEvents events, List<AnomalyEvent> out) {
    boolean shortRun = end - j <= plan.spikeMaxRun();
    double[] z = scores.z();
    for (int q = j; q < end; q++) {
      boolean standsOut = Math.abs(z[q] - neighbourMedian(z, gapBefore, q, neighbours)) >= spikeZ;
      spike[q] = standsOut && !shifted[q] && (shortRun || (drift[q] && !anyFlag(shifted, gapBefore, q, neighbours)));
    }
    boolean covered = false;
    int peak = -1;
    for (int q = j; q < end; q++) {
      covered |= shifted[q] || drift[q];
      if (spike[q]) {
        kind[q] = AnomalyKind.SPIKE.name();
        if (q >= firstWindow) {
          out.add(spikeEvent(q, events));
        }
      } else {
        peak = peak < 0 || Math.abs(z[q]) > Math.abs(z[peak]) ? q : peak;
      }
    }
    // What is left of the run is a level shift's or drift's (their events report it) or a deviation.
    if (peak >= 0 && !covered && !shortRun) {
      for (int q = j; q < end; q++) {
        kind[q] = spike[q] ? kind[q] : AnomalyKind.FORECAST_DEVIATION.name();
      }
      if (j >= firstWindow && !continues(scores.over(), gapBefore, j)) {
        out.add(deviationEvent(j, end, peak, events));
      }
    }
  }

  private AnomalyEvent spikeEvent(int q, ScoreEvents events) {
    int k = res.bucketOf()[q];
    double[] z = scores.z();
    double forecast = res.forecast()[k];
    return events.event(AnomalyKind.SPIKE, t[q], v[q], forecast, scores.s()[q], res.version()[k],
            String.format(Locale.ROOT, "Spike on %s/%s: %s against a forecast of %s (robust z %.1f)", events.device(),
                events.metric(), num(v[q]), num(forecast), z[q]))
        .attribute("z", round(z[q])).attribute("residual", round(res.r()[q])).attribute("forecast_model", res.method()[k])
        .attribute("scale", round(scale.scale())).build();
  }

  /** The event of the deviation run {@code [j, end)}, with its peak reading. */
  private AnomalyEvent deviationEvent(int j, int end, int peak, ScoreEvents events) {
    int k = res.bucketOf()[peak];
    double[] z = scores.z();
    double forecast = res.forecast()[k];
    return events.event(AnomalyKind.FORECAST_DEVIATION, t[j], v[peak], forecast, ScoreEvents.max(scores.s(), j, end),
            res.version()[k], String.format(Locale.ROOT,
                "%s/%s stayed away from its forecast for %d readings (peak %s against %s, robust z %.1f)",
                events.device(), events.metric(), end - j, num(v[peak]), num(forecast), z[peak]))
        .attribute("readings", end - j).attribute("peak_z", round(z[peak])).attribute("forecast_model", res.method()[k])
        .end(end < t.length ? instant(t[end - 1]) : null).build();
  }
}
