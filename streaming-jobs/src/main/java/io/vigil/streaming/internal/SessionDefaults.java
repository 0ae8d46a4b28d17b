package io.vigil.streaming.internal;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.RuntimeConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spark settings the job picks only where the submitter has not: a {@code spark-submit --conf}
 * (or a {@code spark.conf().set} before the job starts) wins. The keys the job set itself are
 * recorded in the session, so a later start in the same session (tests, the demo) may replace them.
 */
public final class SessionDefaults {
  private static final Logger LOG = LoggerFactory.getLogger(SessionDefaults.class);
  /** The keys this class set in the session, comma-separated. */
  static final String SET_BY_JOB = "spark.vigil.sessionDefaults.keys";

  private SessionDefaults() {}

  /** Sets each key to its value unless the session holds a value for it that the job did not set. */
  public static void apply(RuntimeConfig conf, Map<String, String> defaults) {
    Set<String> ours = new LinkedHashSet<>(Arrays.asList(conf.get(SET_BY_JOB, "").split(",")));
    ours.remove("");
    for (Map.Entry<String, String> d : defaults.entrySet()) {
      String key = d.getKey();
      if (!conf.contains(key) || ours.contains(key)) {
        conf.set(key, d.getValue());
        ours.add(key);
      } else if (!d.getValue().equals(conf.get(key))) {
        LOG.info("Spark setting {}={} kept as configured (the job's default is {})", key, conf.get(key), d.getValue());
      }
    }
    conf.set(SET_BY_JOB, String.join(",", ours));
  }
}
