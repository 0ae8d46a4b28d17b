package io.vigil.streaming;

import io.vigil.common.VigilException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts and vacuums the streaming job's Delta tables, once, then exits; scheduled daily
 * (conf/crontab, conf/airflow/vigil_dag.py) with the job's own config file, so it maintains exactly
 * the tables the job writes:
 * <pre>
 * spark-submit --class io.vigil.streaming.MaintenanceMain vigil-streaming-jobs-VERSION-spark.jar \
 *     --config streaming.properties --as-of 2026-11-22T00:00:00Z
 * </pre>
 * Exit codes: 0 every table maintained, 1 a table failed (the others were still maintained),
 * 2 bad arguments or configuration.
 */
public final class MaintenanceMain {
  private static final Logger LOG = LoggerFactory.getLogger(MaintenanceMain.class);
  static final String USAGE = """
      Usage: MaintenanceMain [--config FILE] [--set KEY=VALUE]... [--as-of INSTANT] [--help]
        --config FILE      the streaming job's properties file (tables.root, tables.*.path, maintenance.*)
        --set KEY=VALUE    override one setting (repeatable; wins over the file)
        --as-of INSTANT    logical time of the run, e.g. 2026-11-22T00:00:00Z (default now; never later than now):
                           partitions dated on or after its UTC date minus maintenance.recent.window are skipped
        --help             print this and every setting with its default
      """;
  /**
   * Delta writes a VACUUM START/END commit with the number of deleted files only when this is on;
   * the commits carry no data, so they cannot conflict with the running job.
   */
  static final String VACUUM_LOGGING = "spark.databricks.delta.vacuum.logging.enabled";
  /**
   * VACUUM lists a table's files in this many tasks, 10,000 by default: on a local master that is
   * minutes of task overhead per table (measured: 70 s for a table of a dozen files on local[2]).
   */
  static final String LISTING_PARALLELISM = "spark.sql.sources.parallelPartitionDiscovery.parallelism";

  private MaintenanceMain() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err, Clock.systemUTC()));
  }

  /** What the command line asks for. */
  record Invocation(StreamingJobConfig config, Instant asOf, boolean help) {}

  /** Parses and validates the arguments and the config without touching Spark. */
  static Invocation parse(String[] args) {
    List<String> rest = new ArrayList<>();
    Instant asOf = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value = null;
      if (arg.equals("--as-of")) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("Option --as-of needs a value.");
        }
        value = args[++i];
      } else if (arg.startsWith("--as-of=")) {
        value = arg.substring("--as-of=".length());
      } else {
        rest.add(arg);
        continue;
      }
      try {
        asOf = Instant.parse(value);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("--as-of '" + value + "' is not an instant like 2026-11-22T00:00:00Z.");
      }
    }
    StreamingMain.Arguments parsed = StreamingMain.Arguments.parse(rest.toArray(String[]::new));
    if (parsed.help) {
      return new Invocation(null, asOf, true);
    }
    return new Invocation(StreamingJobConfig.load(parsed.configFile, parsed.overrides), asOf, false);
  }

  /** Everything main does except exiting; the clock bounds {@code --as-of} and dates the recent window. */
  public static int run(String[] args, PrintStream out, PrintStream err, Clock clock) {
    Invocation invocation;
    try {
      invocation = parse(args);
    } catch (IllegalArgumentException | VigilException e) {
      err.println(e.getMessage());
      err.print(USAGE);
      return 2;
    }
    if (invocation.help()) {
      out.print(USAGE);
      out.println();
      out.print(StreamingJobConfig.DEFINITION.toMarkdownTable());
      return 0;
    }
    StreamingJobConfig config = invocation.config();
    List<TableMaintenance.Table> tables = TableMaintenance.tables(config);
    TableMaintenance.Settings settings = TableMaintenance.Settings.of(config);
    LocalDate firstRecent = TableMaintenance.firstRecentDate(invocation.asOf(), clock, settings.recentWindow());
    LOG.info("Maintaining {} (compacting partitions before {}, vacuum {}, retention {})",
        tables.stream().map(TableMaintenance.Table::name).toList(), firstRecent, settings.vacuum() ? "on" : "off",
        io.vigil.common.internal.Durations.format(settings.vacuumRetention()));
    SparkSession spark = SparkSessions.forJob("vigil-maintenance");
    prepare(spark);
    List<TableMaintenance.Outcome> outcomes = TableMaintenance.run(spark, tables, settings, firstRecent);
    outcomes.forEach(o -> out.println(o.summaryLine()));
    long failed = outcomes.stream().filter(o -> !o.ok()).count();
    if (failed > 0) {
      LOG.error("{} of {} tables failed; see the lines above", failed, outcomes.size());
      return 1;
    }
    return 0;
  }

  /** Session settings for maintenance, each only where the user (spark-submit --conf) has not set it. */
  static void prepare(SparkSession spark) {
    if (!spark.conf().contains(VACUUM_LOGGING)) {
      spark.conf().set(VACUUM_LOGGING, "true");
    }
    if (spark.sparkContext().isLocal() && !spark.conf().contains(LISTING_PARALLELISM)) {
      spark.conf().set(LISTING_PARALLELISM, Integer.toString(spark.sparkContext().defaultParallelism()));
    }
  }
}
