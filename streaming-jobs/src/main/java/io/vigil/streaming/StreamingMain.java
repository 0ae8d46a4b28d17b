package io.vigil.streaming;

import io.vigil.common.VigilException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point for spark-submit:
 * <pre>
 * spark-submit --class io.vigil.streaming.StreamingMain vigil-streaming-jobs-VERSION-spark.jar \
 *     --config streaming.properties --set kafka.bootstrap.servers=broker:9092
 * </pre>
 * Exit codes: 0 stopped cleanly, 1 a query failed, 2 bad arguments or configuration.
 */
public final class StreamingMain {
  private static final Logger LOG = LoggerFactory.getLogger(StreamingMain.class);
  static final String USAGE = """
      Usage: StreamingMain [--config FILE] [--set KEY=VALUE]... [--help]
        --config FILE      properties file with streaming job settings
        --set KEY=VALUE    override one setting (repeatable; wins over the file)
        --help             print this and every setting with its default
      """;

  private StreamingMain() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Everything main does except exiting, so it can be called (and tested) without ending the JVM. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    StreamingJobConfig config;
    try {
      Arguments parsed = Arguments.parse(args);
      if (parsed.help) {
        out.print(USAGE);
        out.println();
        out.print(StreamingJobConfig.DEFINITION.toMarkdownTable());
        return 0;
      }
      config = StreamingJobConfig.load(parsed.configFile, parsed.overrides);
    } catch (IllegalArgumentException | VigilException e) {
      err.println(e.getMessage());
      err.print(USAGE);
      return 2;
    }
    LOG.info("Starting Vigil streaming job with {}", config);
    SparkSession spark = SparkSessions.forJob("vigil-streaming");
    StreamingJob job = StreamingJob.start(spark, config);
    // SIGTERM (spark-submit kill, a container stop) and Ctrl-C: stop the queries at a batch
    // boundary, then let main return 0. Handling the signal, rather than only a shutdown hook,
    // keeps the JVM from starting its shutdown (and Spark's hooks from stopping the SparkContext
    // under the running batch) until the queries have stopped.
    List<SignalHandle> handles = onStopSignals(() -> {
      LOG.info("Stop signal received: stopping streaming queries (at most {})", config.stopTimeout());
      job.stop();
    });
    // If the JVM shuts down anyway (System.exit elsewhere, a signal we could not handle).
    Thread hook = new Thread(job::stop, "vigil-streaming-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    Thread timer = config.runFor().map(runFor -> stopAfter(job, runFor)).orElse(null);
    try {
      job.awaitTermination();
      LOG.info("Streaming job stopped");
      return 0;
    } catch (StreamingQueryException e) {
      LOG.error("Streaming query failed; all queries stopped. Fix the cause and restart: the job resumes from its checkpoints.", e);
      return 1;
    } finally {
      handles.forEach(SignalHandle::restore);
      if (timer != null) {
        timer.interrupt();
      }
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running already
      }
    }
  }

  /** A replaced signal handler, to put back when the job ends. */
  record SignalHandle(sun.misc.Signal signal, sun.misc.SignalHandler previous) {
    void restore() {
      try {
        sun.misc.Signal.handle(signal, previous);
      } catch (IllegalArgumentException e) {
        // not ours to restore
      }
    }
  }

  /** Runs {@code stop} on its own thread on the first TERM or INT; a second one exits at once. */
  static List<SignalHandle> onStopSignals(Runnable stop) {
    List<SignalHandle> handles = new ArrayList<>();
    java.util.concurrent.atomic.AtomicBoolean requested = new java.util.concurrent.atomic.AtomicBoolean();
    for (String name : List.of("TERM", "INT")) {
      try {
        sun.misc.Signal signal = new sun.misc.Signal(name);
        sun.misc.SignalHandler previous = sun.misc.Signal.handle(signal, sig -> {
          if (requested.compareAndSet(false, true)) {
            Thread t = new Thread(stop, "vigil-streaming-stop");
            t.setDaemon(true);
            t.start();
          } else {
            LOG.warn("Second {} signal: exiting without waiting for the queries", sig.getName());
            System.exit(128 + sig.getNumber());
          }
        });
        handles.add(new SignalHandle(signal, previous));
      } catch (IllegalArgumentException e) {
        LOG.debug("Cannot handle SIG{} here ({}); relying on the shutdown hook", name, e.getMessage());
      }
    }
    return handles;
  }

  /** {@code job.run.for}: stops the job after a while; awaitTermination then returns as after any deliberate stop. */
  private static Thread stopAfter(StreamingJob job, Duration runFor) {
    LOG.info("Running for {} ({}), then stopping", runFor, StreamingJobConfig.RUN_FOR);
    Thread timer = new Thread(() -> {
      try {
        Thread.sleep(runFor.toMillis());
      } catch (InterruptedException e) {
        return; // the job ended first
      }
      LOG.info("{} of {} elapsed: stopping streaming queries", StreamingJobConfig.RUN_FOR, runFor);
      job.stop();
    }, "vigil-streaming-run-for");
    timer.setDaemon(true);
    timer.start();
    return timer;
  }

  /** The few options main understands; plain parsing keeps picocli out of the Spark job jar. */
  static final class Arguments {
    Path configFile;
    final List<String> overrides = new ArrayList<>();
    boolean help;

    static Arguments parse(String[] args) {
      Arguments a = new Arguments();
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        switch (arg) {
          case "--help", "-h" -> a.help = true;
          case "--config" -> a.configFile = Path.of(value(args, ++i, arg));
          case "--set" -> a.overrides.add(value(args, ++i, arg));
          default -> {
            if (arg.startsWith("--config=")) {
              a.configFile = Path.of(arg.substring("--config=".length()));
            } else if (arg.startsWith("--set=")) {
              a.overrides.add(arg.substring("--set=".length()));
            } else {
              throw new IllegalArgumentException("Unknown argument '" + arg + "'.");
            }
          }
        }
      }
      return a;
    }

    private static String value(String[] args, int i, String option) {
      if (i >= args.length) {
        throw new IllegalArgumentException("Option " + option + " needs a value.");
      }
      return args[i];
    }
  }
}
