package io.vigil.batch.internal;

import static io.vigil.batch.internal.ReadingRuns.firstIndexAtOrAfter;
import static io.vigil.batch.internal.ScoreEvents.num;
import static io.vigil.batch.internal.ScoreEvents.round;

import io.vigil.schemas.AnomalyEvent;
import io.vigil.schemas.AnomalyKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Step (4b) of {@link SeriesScorer}: drift, on the median residual per bucket (see the class javadoc there). A
 * detector of its own because a drift is judged per bucket, not per reading, and because this run replays how
 * the runs before it judged drift ({@link #driftChainRuns}) to report a drift once, not again in every window
 * it goes on through; the other detectors only need to know which readings drift ({@link #drift()}).
 */
final class DriftDetector {
  /** Share of {@code driftZ} at which a bucket still keeps a drift episode going: hysteresis, see {@link #driftEpisodes}. */
  static final double DRIFT_STAY = 0.5;

  /**
   * Buckets of one drift: its first drifting bucket, its last bucket that kept it going, its strongest drifting
   * bucket, and whether it was still going at the last bucket (not yet quiet for long enough to end).
   */
  record DriftEpisode(int start, int last, int peak, boolean open) {}

  /** The drift statistic per bucket, whether it drifts, and whether it could be judged at all. */
  record DriftJudgement(double[] stat, boolean[] drifting, boolean[] judged) {}

  private final ScorePlan plan;
  private final long[] t;
  private final int firstWindow;
  private final int targets;
  private final double stayZ;
  private final int quietBuckets;
  /** Per target bucket: the median residual of its readings (NaN without any), and its first reading's time. */
  private final double[] e;
  private final long[] firstTime;
  private final boolean[] shiftInBucket;
  private DriftJudgement judgement;
  private List<DriftEpisode> episodes = List.of();
  /** The last bucket of a drift the runs before this one reported and that was still going; -1 if none. */
  private int reportedLast = -1;
  /** The sign of that drift; 0 if none. */
  private double reportedSign = 0;
  private final boolean[] drift;

  /**
   * Judges the buckets for drift, replaying the runs before this one, and marks the readings in a drift.
   *
   * @param shifted the readings of a level shift (a shift explains a bias until the forecast catches up)
   * @param magnitude the series' typical level before the window (the scales' relative floor)
   */
  DriftDetector(ScorePlan plan, long[] t, Residuals res, boolean[] shifted, double magnitude, int firstWindow) {
    this.plan = plan;
    this.t = t;
    this.firstWindow = firstWindow;
    this.targets = res.targets();
    this.stayZ = plan.driftZ() * DRIFT_STAY;
    this.quietBuckets = Math.max(1, plan.driftQuietBuckets());
    e = new double[targets];
    Arrays.fill(e, Double.NaN);
    firstTime = new long[targets];
    shiftInBucket = new boolean[targets];
    bucketResiduals(res, shifted);
    replayChain(res.r(), magnitude);
    drift = readingsInDrift(res.bucketOf(), inEpisode());
  }

  /** Which readings are in a drift. */
  boolean[] drift() {
    return drift;
  }

  /** Per bucket: the median residual of its readings, its first reading's time, and whether a shift covers any. */
  private void bucketResiduals(Residuals res, boolean[] shifted) {
    int[] bucketOf = res.bucketOf();
    double[] r = res.r();
    int n = t.length;
    int j = 0;
    while (j < n) {
      int k = bucketOf[j];
      int end = j;
      while (end < n && bucketOf[end] == k) {
        end++;
      }
      if (k >= 0 && k < targets) {
        e[k] = RobustScale.median(Arrays.copyOfRange(r, j, end));
        firstTime[k] = t[j];
        for (int q = j; q < end; q++) {
          shiftInBucket[k] |= shifted[q];
        }
      }
      j = end;
    }
  }

  /**
   * Each run judges drift with scales from its history less its first `chain` intervals: exactly what each of the
   * next `chain` runs still sees of it. So this run can replay how the runs before it judged the buckets, bucket
   * for bucket, and follow whether each ended inside a drift already reported: one whose episode was still open
   * at its end, or, once reported, one whose statistic still held the stay level there (a drift entering the
   * history lifts the scale until later runs no longer see it start, only go on). The first drift this run sees
   * reaching its window is then that one, however its own scales (an interval later) split it. Without that, a
   * drift near the threshold, re-judged every hour against a slightly different scale, would start anew in one
   * window after another.
   */
  private void replayChain(double[] r, double magnitude) {
    long runInterval = plan.asOfMicros() - plan.windowStartMicros();
    int chain = driftChainRuns(plan);
    for (int run = chain; run >= 0; run--) {
      long runWindowStart = plan.windowStartMicros() - run * runInterval;
      int upTo = run == 0 ? targets
          : (int) Math.min(targets, Math.floorDiv(runWindowStart + runInterval - 1, plan.bucketMicros())
              - plan.firstTargetIdx() + 1);
      DriftJudgement jd = judgeRun(r, magnitude, runWindowStart, plan.historyStartMicros() + (chain - run) * runInterval,
          upTo);
      List<DriftEpisode> eps = driftEpisodes(jd.drifting(), jd.judged(), jd.stat(), stayZ, quietBuckets);
      if (run == 0) {
        judgement = jd;
        episodes = eps;
        break;
      }
      followReported(jd, eps, upTo);
    }
  }

  /** How the run whose window starts at {@code runWindowStart}, with scales from {@code scaleStart} on, judged the buckets. */
  private DriftJudgement judgeRun(double[] r, double magnitude, long runWindowStart, long scaleStart, int upTo) {
    long b = plan.bucketMicros();
    long firstTarget = plan.firstTargetIdx();
    int runWindowBucket = (int) Math.max(0, Math.floorDiv(runWindowStart, b) - firstTarget);
    int readingsFrom = Math.min(firstIndexAtOrAfter(t, scaleStart), firstWindow);
    int readingsTo = Math.max(readingsFrom, firstIndexAtOrAfter(t, runWindowStart));
    return judgeDrift(e, shiftInBucket, (int) Math.max(0, Math.floorDiv(scaleStart, b) - firstTarget),
        runWindowBucket, RobustScale.of(Arrays.copyOfRange(r, readingsFrom, readingsTo), magnitude, plan.relativeFloor(),
            plan.absoluteFloor()).scale(), plan, Math.max(0, upTo));
  }

  /** Whether an earlier run ended inside a drift already reported: its episode still open, or at the stay level. */
  private void followReported(DriftJudgement jd, List<DriftEpisode> eps, int upTo) {
    DriftEpisode lastEpisode = eps.isEmpty() ? null : eps.get(eps.size() - 1);
    int stayLast = reportedSign == 0 ? -1 : lastAtStayLevel(jd, reportedSign, stayZ, quietBuckets, Math.max(0, upTo));
    if (lastEpisode != null && lastEpisode.open()) {
      reportedLast = lastEpisode.last();
      reportedSign = Math.signum(jd.stat()[lastEpisode.start()]);
    } else if (stayLast >= 0) {
      reportedLast = stayLast;
    } else {
      reportedLast = -1;
      reportedSign = 0;
    }
  }

  /** The buckets in a drift: this run's episodes, and a reported drift for as long as it holds the stay level. */
  private boolean[] inEpisode() {
    double[] driftStat = judgement.stat();
    boolean[] inEpisode = new boolean[targets];
    for (DriftEpisode d : episodes) {
      Arrays.fill(inEpisode, d.start(), d.last() + 1, true);
    }
    // A reported drift this run's scales no longer see start still covers its readings while it holds the stay level.
    for (int k = Math.max(0, reportedLast), quiet = 0; reportedSign != 0 && k < targets && quiet < quietBuckets; k++) {
      if (judgement.judged()[k]) {
        boolean goesOn = Math.signum(driftStat[k]) == reportedSign && Math.abs(driftStat[k]) >= stayZ;
        inEpisode[k] |= goesOn;
        quiet = goesOn ? 0 : quiet + 1;
      }
    }
    return inEpisode;
  }

  private boolean[] readingsInDrift(int[] bucketOf, boolean[] inEpisode) {
    boolean[] inDrift = new boolean[t.length];
    for (int j = 0; j < t.length; j++) {
      inDrift[j] = bucketOf[j] >= 0 && bucketOf[j] < targets && inEpisode[bucketOf[j]];
    }
    return inDrift;
  }

  /**
   * Labels the drifting readings no other detector claimed DRIFT, and adds one event per episode, in the window
   * holding its first drifting bucket (see {@link #driftEpisodes}), unless it goes on with a drift already reported.
   */
  void report(String[] kind, Residuals res, ScoreEvents events, List<AnomalyEvent> out) {
    for (int q = 0; q < t.length; q++) {
      if (drift[q] && kind[q] == null) {
        kind[q] = AnomalyKind.DRIFT.name();
      }
    }
    double[] driftStat = judgement.stat();
    int windowBucket = Math.max(0, (int) (plan.firstWindowBucketIdx() - plan.firstTargetIdx()));
    boolean first = true;
    for (DriftEpisode d : episodes) {
      if (d.last() < windowBucket) {
        continue;
      }
      boolean continuing = first && reportedLast >= 0 && d.start() - reportedLast <= quietBuckets
          && Math.signum(driftStat[d.start()]) == reportedSign;
      first = false;
      if (!continuing) {
        out.add(event(d, res, events));
      }
    }
  }

  private AnomalyEvent event(DriftEpisode d, Residuals res, ScoreEvents events) {
    double[] driftStat = judgement.stat();
    int peak = d.peak();
    double bias = e[peak];
    double forecast = res.forecast()[peak];
    return events.event(AnomalyKind.DRIFT, firstTime[d.start()], forecast + bias, forecast, plan.score(driftStat[peak]),
            res.version()[peak], String.format(Locale.ROOT,
                "Drift on %s/%s: readings have run %s above their forecasts over the last %d buckets (z %.1f)",
                events.device(), events.metric(), num(bias), plan.driftBuckets(), driftStat[peak]))
        .attribute("bias", round(bias)).attribute("drift_z", round(driftStat[peak]))
        .attribute("buckets", plan.driftBuckets()).build();
  }

  /**
   * Runs before this one whose drift judgement it replays: enough to cover the quiet time, at most half the
   * history's runs (each costs the drift scales that many intervals of history).
   */
  static int driftChainRuns(ScorePlan plan) {
    long interval = plan.asOfMicros() - plan.windowStartMicros();
    long history = plan.windowStartMicros() - plan.historyStartMicros();
    if (interval <= 0 || history < 2 * interval) {
      return 0;
    }
    long quiet = (long) Math.max(1, plan.driftQuietBuckets()) * plan.bucketMicros();
    return (int) Math.min((quiet + interval - 1) / interval, history / interval / 2);
  }

  /**
   * The last bucket before {@code upTo} at the stay level with {@code sign}, if fewer than {@code quietBuckets}
   * judged buckets after it fall short of that; else -1.
   */
  static int lastAtStayLevel(DriftJudgement jd, double sign, double stayZ, int quietBuckets, int upTo) {
    int quiet = 0;
    for (int k = Math.min(upTo, jd.stat().length) - 1; k >= 0 && quiet < quietBuckets; k--) {
      if (!jd.judged()[k]) {
        continue;
      }
      if (Math.signum(jd.stat()[k]) == sign && Math.abs(jd.stat()[k]) >= stayZ) {
        return k;
      }
      quiet++;
    }
    return -1;
  }

  /**
   * Judges buckets {@code [0, upTo)} for drift: per bucket, the median of the last {@code driftBuckets} bucket
   * residuals in robust sigmas of the bucket residuals {@code [scaleFrom, scaleTo)}; drifting when significant,
   * shared by {@code driftAgreement} of them, at least {@code driftSigmas} reading sigmas ({@code readingScale}),
   * with no level shift among them.
   */
  static DriftJudgement judgeDrift(double[] e, boolean[] shiftInBucket, int scaleFrom, int scaleTo, double readingScale,
      ScorePlan plan, int upTo) {
    double[] stat = new double[e.length];
    boolean[] drifting = new boolean[e.length];
    boolean[] judged = new boolean[e.length];
    int to = Math.max(0, Math.min(e.length, scaleTo));
    double[] history = Arrays.copyOfRange(e, Math.min(Math.max(0, scaleFrom), to), to);
    RobustScale bucketScale = RobustScale.of(history, 0, 0, plan.absoluteFloor());
    long present = Arrays.stream(history).filter(Double::isFinite).count();
    if (present < plan.driftBuckets() || RobustScale.FLOOR.equals(bucketScale.method())) {
      return new DriftJudgement(stat, drifting, judged);
    }
    double[] wz = new double[plan.driftBuckets()];
    for (int k = plan.driftBuckets() - 1; k < Math.min(upTo, e.length); k++) {
      if (!Double.isFinite(e[k])) {
        continue;
      }
      int m = 0;
      boolean shiftAmong = false;
      for (int q = k - plan.driftBuckets() + 1; q <= k; q++) {
        if (Double.isFinite(e[q])) {
          wz[m++] = bucketScale.z(e[q]);
        }
        shiftAmong |= shiftInBucket[q];
      }
      if (m < plan.driftMinBuckets() || shiftAmong) {
        continue;
      }
      double[] zs = Arrays.copyOf(wz, m);
      double med = RobustScale.median(zs);
      long agree = Arrays.stream(zs).filter(x -> Math.signum(x) == Math.signum(med)).count();
      stat[k] = med * Math.sqrt(m) / 1.2533;
      judged[k] = true;
      drifting[k] = Math.abs(stat[k]) >= plan.driftZ() && agree >= plan.driftAgreement() * m
          && Math.abs(med * bucketScale.scale()) >= plan.driftSigmas() * readingScale;
    }
    return new DriftJudgement(stat, drifting, judged);
  }

  /**
   * The drift episodes among the buckets. A drift lasts hours to days and its statistic wanders: it dips under
   * the threshold for a bucket or two, a level shift in the look-back leaves it unjudged, and each hourly run
   * judges the history against a scale that moved on by an hour. Hysteresis makes that one drift: an episode
   * starts at a drifting bucket and goes on while judged buckets keep its sign at {@code stayZ} or more; it
   * ends only after {@code quietBuckets} judged buckets in a row without that, or at a drifting bucket of the
   * opposite sign (which starts a new one). Unjudged buckets (no readings, too few in the look-back, a level
   * shift there) neither continue nor end it: silence is no evidence that a drift stopped. Scanning the history
   * before the window too, a run sees a drift already going when its window starts as that drift.
   */
  static List<DriftEpisode> driftEpisodes(boolean[] drifting, boolean[] judged, double[] stat, double stayZ, int quietBuckets) {
    List<DriftEpisode> out = new ArrayList<>();
    int start = -1;
    int last = -1;
    int peak = -1;
    int quiet = 0;
    for (int k = 0; k < drifting.length; k++) {
      boolean reversed = start >= 0 && drifting[k] && Math.signum(stat[k]) != Math.signum(stat[start]);
      if (start >= 0 && (quiet >= Math.max(1, quietBuckets) || reversed)) {
        out.add(new DriftEpisode(start, last, peak, false));
        start = -1;
      }
      if (start < 0) {
        if (drifting[k]) {
          start = k;
          last = k;
          peak = k;
          quiet = 0;
        }
        continue;
      }
      if (!judged[k]) {
        continue;
      }
      boolean goesOn = Math.signum(stat[k]) == Math.signum(stat[start]) && Math.abs(stat[k]) >= stayZ;
      quiet = goesOn ? 0 : quiet + 1;
      last = goesOn ? k : last;
      peak = drifting[k] && Math.abs(stat[k]) > Math.abs(stat[peak]) ? k : peak;
    }
    if (start >= 0) {
      out.add(new DriftEpisode(start, last, peak, quiet < Math.max(1, quietBuckets)));
    }
    return out;
  }
}
