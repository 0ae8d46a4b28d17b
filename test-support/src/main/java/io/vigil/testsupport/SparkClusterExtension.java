package io.vigil.testsupport;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Spark standalone cluster on loopback: a Master and {@code n} Workers, each its own JVM run from
 * the Maven-resolved Spark jars (spark-dist/target/spark-jars, no Spark distribution), started before
 * all tests of the class and stopped, with every executor they launched, after them:
 *
 * <pre>{@code @RegisterExtension static final SparkClusterExtension cluster = new SparkClusterExtension(2, 1, "768m");}</pre>
 *
 * <p>{@link #submit} runs an application through Spark's own {@code SparkSubmit} class in a child JVM
 * in client deploy mode: the driver runs in that JVM, the executors on the workers. Every application
 * writes a Spark event log to {@link #eventLogDir()}; {@link SparkEventLog} reads it, and
 * {@link #successfulTasksPerWorker} tells which worker's executors ran its tasks.
 *
 * <p>The Spark jars are found through {@code -Dvigil.spark.libDir}, {@code $VIGIL_SPARK_JARS}, or
 * spark-dist/target/spark-jars under the working directory or a parent; depend on
 * {@code vigil-spark-dist} (type pom, test scope) so the reactor builds them first. The JVM options
 * (the Java 17 --add-opens set) come from spark-dist/target/jvm.options, i.e. from the root pom.
 */
public final class SparkClusterExtension implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SparkClusterExtension.class);
  public static final String JARS_PROPERTY = "vigil.spark.libDir";
  public static final String JARS_ENV = "VIGIL_SPARK_JARS";
  static final String JARS_RELATIVE = "spark-dist/target/spark-jars";
  static final String SCALA_BINARY_VERSION = "2.12";
  private static final String HOST = "127.0.0.1";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration STOP_GRACE = Duration.ofSeconds(15);
  private static final int START_ATTEMPTS = 3;
  /** The heap of a driver started by {@link #submit}: enough for a Delta streaming job's driver. */
  public static final String DRIVER_HEAP = "1g";

  /** One worker: its RPC and web UI ports, work directory (executor stdout/stderr) and log. */
  public record Worker(int index, int port, int webUiPort, Path workDir, Path log) {
    public String hostPort() {
      return HOST + ":" + port;
    }

    public String webUiUrl() {
      return "http://" + HOST + ":" + webUiPort;
    }
  }

  private final int workerCount;
  private final int workerCores;
  private final String workerMemory;
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private Path dir;
  private Path sparkJars;
  private List<String> jvmOptions;
  private int masterPort;
  private int masterWebUiPort;
  private ChildJvm master;
  private final List<ChildJvm> workerJvms = new ArrayList<>();
  private final List<Worker> workers = new ArrayList<>();
  private final List<ChildJvm> submissions = new ArrayList<>();

  /** Two workers with one core and 768 MiB for executors each. */
  public SparkClusterExtension() {
    this(2, 1, "768m");
  }

  /**
   * @param workerMemory memory each worker offers to executors (Spark size, e.g. "768m"); an
   *     application's spark.executor.memory must fit in it, or it never gets an executor
   */
  public SparkClusterExtension(int workers, int coresPerWorker, String workerMemory) {
    if (workers < 1 || coresPerWorker < 1) {
      throw new IllegalArgumentException("need at least one worker with one core, got " + workers + " x " + coresPerWorker);
    }
    this.workerCount = workers;
    this.workerCores = coresPerWorker;
    this.workerMemory = workerMemory;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  /** Starts the Master and the Workers and waits until every worker is registered and ALIVE. */
  public synchronized void start() {
    if (master != null) {
      throw new IllegalStateException("the cluster is already running at " + masterUrl());
    }
    sparkJars = locateSparkJars();
    jvmOptions = readJvmOptions(sparkJars.getParent().resolve("jvm.options"));
    ServerCleanup.register(this);
    // A free port can be taken between our probe and Spark's bind; Spark then exits (no port
    // retries, see sparkDaemon) and we try again on fresh ports.
    RuntimeException failure = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      try {
        startOnce();
        log.info("Spark standalone cluster ready at {} (web UI {}) with {} workers", masterUrl(), masterWebUiUrl(),
            workers.size());
        return;
      } catch (RuntimeException e) {
        failure = failure == null ? e : failure;
        if (failure != e) {
          failure.addSuppressed(e);
        }
        log.warn("Spark cluster start attempt {} failed: {}", attempt, e.getMessage());
        stopProcesses();
        TempDirs.deleteRecursively(dir); // its logs are in the exception's message
        dir = null;
      }
    }
    ServerCleanup.unregister(this);
    throw failure;
  }

  private void startOnce() {
    dir = TempDirs.create("vigil-spark-");
    Path sparkHome = createSparkHome(dir.resolve("spark-home"));
    List<Integer> ports = FreePorts.next(2 + 2 * workerCount);
    masterPort = ports.get(0);
    masterWebUiPort = ports.get(1);
    Map<String, String> env = daemonEnv(sparkHome);
    master = ChildJvm.start("Spark Master", sparkDaemon("org.apache.spark.deploy.master.Master",
        "--host", HOST, "--port", Integer.toString(masterPort), "--webui-port", Integer.toString(masterWebUiPort)),
        env, dir, dir.resolve("logs/master.log"));
    workers.clear();
    workerJvms.clear();
    for (int i = 0; i < workerCount; i++) {
      Worker w = new Worker(i, ports.get(2 + 2 * i), ports.get(3 + 2 * i), dir.resolve("work/worker-" + i),
          dir.resolve("logs/worker-" + i + ".log"));
      try {
        Files.createDirectories(w.workDir());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      workers.add(w);
      workerJvms.add(ChildJvm.start("Spark Worker " + i, sparkDaemon("org.apache.spark.deploy.worker.Worker",
          "--host", HOST, "--port", Integer.toString(w.port()), "--webui-port", Integer.toString(w.webUiPort()),
          "--cores", Integer.toString(workerCores), "--memory", workerMemory, "--work-dir", w.workDir().toString(),
          masterUrl()), env, dir, w.log()));
    }
    try {
      await("Spark master with " + workerCount + " ALIVE workers").atMost(START_TIMEOUT)
          .pollInterval(Duration.ofMillis(250)).pollInSameThread()
          .failFast("a Spark daemon exited during startup", () -> !allDaemonsAlive())
          .until(() -> aliveWorkers() == workerCount);
    } catch (ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
      throw new IllegalStateException("The Spark standalone cluster did not start: " + e.getMessage() + "\n" + daemonLogTails(), e);
    }
  }

  /** SPARK_HOME for the daemons: a Worker builds executor classpaths from $SPARK_HOME/jars. */
  private Path createSparkHome(Path home) {
    try {
      Files.createDirectories(home.resolve("conf"));
      Files.createSymbolicLink(home.resolve("jars"), sparkJars);
      return home;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a SPARK_HOME at " + home, e);
    }
  }

  private Map<String, String> daemonEnv(Path sparkHome) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("SPARK_HOME", sparkHome.toString());
    // Without it the Worker looks for a source build's assembly and fails ("Cannot find any build directories").
    env.put("SPARK_SCALA_VERSION", SCALA_BINARY_VERSION);
    // Executors inherit the Worker's environment: they bind and advertise loopback too.
    env.put("SPARK_LOCAL_IP", HOST);
    env.put("SPARK_LOCAL_DIRS", dir.resolve("local").toString());
    env.put("SPARK_CONF_DIR", sparkHome.resolve("conf").toString());
    return env;
  }

  private List<String> sparkDaemon(String mainClass, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBinary());
    cmd.add("-Xmx256m");
    cmd.addAll(jvmOptions);
    cmd.add("-Dspark.port.maxRetries=0"); // a taken port fails the start instead of moving the daemon elsewhere
    cmd.add("-cp");
    cmd.add(sparkJars + "/*");
    cmd.add(mainClass);
    cmd.addAll(Arrays.asList(args));
    return cmd;
  }

  private boolean allDaemonsAlive() {
    return master.isAlive() && workerJvms.stream().allMatch(ChildJvm::isAlive);
  }

  private int aliveWorkers() {
    try {
      JsonNode state = masterState();
      return (int) StreamSupport.stream(state.path("workers").spliterator(), false)
          .filter(w -> "ALIVE".equals(w.path("state").asText())).count();
    } catch (UncheckedIOException e) {
      return -1; // the web UI is not up yet
    }
  }

  public String masterUrl() {
    return "spark://" + HOST + ":" + masterPort;
  }

  public String masterWebUiUrl() {
    return "http://" + HOST + ":" + masterWebUiPort;
  }

  public List<Worker> workers() {
    return List.copyOf(workers);
  }

  /** Where every submitted application writes its Spark event log (spark.eventLog.dir). */
  public Path eventLogDir() {
    return started().resolve("events");
  }

  /** The Spark jars the daemons and drivers run from. */
  public Path sparkJars() {
    return sparkJars;
  }

  /**
   * The master's state from its web UI ({@code /json/}): workers (id, host, port, webuiaddress,
   * state), activeapps and completedapps (id, name, state, cores), aliveworkers.
   */
  public JsonNode masterState() {
    return getJson(masterWebUiUrl() + "/json/");
  }

  /** A worker's state from its web UI: executors and finishedexecutors (appid, id, memory). */
  public JsonNode workerState(Worker worker) {
    return getJson(worker.webUiUrl() + "/json/");
  }

  private JsonNode getJson(String url) {
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
          .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new UncheckedIOException(new IOException("GET " + url + " answered " + response.statusCode()));
      }
      return json.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + url + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while reading " + url, e);
    }
  }

  /**
   * The command that runs {@code org.apache.spark.deploy.SparkSubmit} against this cluster in client
   * deploy mode, with the add-opens set, a {@value #DRIVER_HEAP} driver heap, the driver on loopback,
   * no driver UI and the event log on; {@code args} follow (more {@code --conf}s override these), from
   * {@code --class} on: {@code --class Main app.jar appArgs...}.
   */
  public List<String> submitCommand(List<String> args) {
    Path events = eventLogDir();
    try {
      Files.createDirectories(events);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBinary());
    cmd.add("-Xmx" + DRIVER_HEAP);
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", sparkJars + "/*", "org.apache.spark.deploy.SparkSubmit",
        "--master", masterUrl(), "--deploy-mode", "client",
        "--conf", "spark.driver.host=" + HOST, "--conf", "spark.driver.bindAddress=" + HOST,
        "--conf", "spark.ui.enabled=false",
        "--conf", "spark.eventLog.enabled=true", "--conf", "spark.eventLog.dir=" + events.toUri()));
    cmd.addAll(args);
    return cmd;
  }

  /**
   * Runs {@link #submitCommand} in a child JVM, output to {@code log}, and waits for it to exit.
   * Returns its exit code; fails (after killing its process tree) when it runs longer than
   * {@code timeout}.
   */
  public int submit(Path log, Duration timeout, List<String> args) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("SPARK_LOCAL_IP", HOST);
    ChildJvm driver = ChildJvm.start("spark-submit", submitCommand(args), env, started(), log);
    synchronized (this) {
      submissions.add(driver);
    }
    try {
      if (!driver.process().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        driver.stopTree(Duration.ofSeconds(10));
        throw new AssertionError("spark-submit did not finish within " + timeout.toSeconds() + " s; its log (" + log
            + ") ends:\n" + driver.logTail(80));
      }
      return driver.process().exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      driver.stopTree(Duration.ofSeconds(10));
      throw new IllegalStateException("Interrupted while waiting for spark-submit", e);
    }
  }

  /**
   * Successful tasks of one application per worker, from its event log: each executor is matched to
   * the worker whose web UI its log URLs point at (all workers share one host, so the host cannot
   * tell them apart). Tasks on an executor no worker serves (the driver in local mode) are counted
   * under {@code Optional.empty()}.
   */
  public Map<Optional<Worker>, Long> successfulTasksPerWorker(SparkEventLog app) {
    Map<Optional<Worker>, Long> out = new LinkedHashMap<>();
    app.successfulTasksByExecutor().forEach((executorId, tasks) -> {
      Optional<Worker> worker = Optional.ofNullable(app.executorLogPorts().get(executorId))
          .flatMap(port -> workers.stream().filter(w -> w.webUiPort() == port).findFirst());
      out.merge(worker, tasks, Long::sum);
    });
    return out;
  }

  /** Every process this fixture started that is still running, executors included. */
  public List<ProcessHandle> liveProcesses() {
    List<ChildJvm> all = new ArrayList<>();
    synchronized (this) {
      if (master != null) {
        all.add(master);
      }
      all.addAll(workerJvms);
      all.addAll(submissions);
    }
    return all.stream().flatMap(j -> j.tree().stream()).filter(ProcessHandle::isAlive).collect(Collectors.toList());
  }

  /** Stops drivers, Workers (with their executors) and the Master, then deletes the directory. */
  @Override
  public synchronized void close() {
    try {
      stopProcesses();
    } finally {
      ServerCleanup.unregister(this);
      TempDirs.deleteRecursively(dir);
    }
  }

  private synchronized void stopProcesses() {
    List<ChildJvm> order = new ArrayList<>(submissions);
    order.addAll(workerJvms);
    if (master != null) {
      order.add(master);
    }
    for (ChildJvm jvm : order) {
      List<ProcessHandle> left = jvm.stopTree(STOP_GRACE);
      if (!left.isEmpty()) {
        log.error("{}: processes {} survived SIGKILL", jvm, left.stream().map(ProcessHandle::pid).toList());
      }
    }
    submissions.clear();
    workerJvms.clear();
    master = null;
  }

  private Path started() {
    if (dir == null || master == null) {
      throw new IllegalStateException("SparkClusterExtension is not started: register it as a static @RegisterExtension field");
    }
    return dir;
  }

  private String daemonLogTails() {
    StringBuilder sb = new StringBuilder();
    List<ChildJvm> daemons = new ArrayList<>(workerJvms);
    daemons.add(0, master);
    for (ChildJvm d : daemons) {
      sb.append("--- ").append(d).append(d.isAlive() ? "" : ", exited " + d.process().exitValue()).append(":\n")
          .append(d.logTail(25)).append('\n');
    }
    return sb.toString();
  }

  static Path locateSparkJars() {
    List<String> looked = new ArrayList<>();
    String prop = System.getProperty(JARS_PROPERTY);
    if (prop != null && !prop.isBlank()) {
      if (hasSparkCore(Path.of(prop))) {
        return Path.of(prop).toAbsolutePath();
      }
      looked.add("-D" + JARS_PROPERTY + "=" + prop);
    }
    String env = System.getenv(JARS_ENV);
    if (env != null && !env.isBlank()) {
      if (hasSparkCore(Path.of(env))) {
        return Path.of(env).toAbsolutePath();
      }
      looked.add("$" + JARS_ENV + "=" + env);
    }
    Path cwd = Path.of("").toAbsolutePath();
    for (Path d = cwd; d != null; d = d.getParent()) {
      if (hasSparkCore(d.resolve(JARS_RELATIVE))) {
        return d.resolve(JARS_RELATIVE);
      }
    }
    looked.add(JARS_RELATIVE + " in " + cwd + " and its parents");
    throw new IllegalStateException("No Spark jars for the standalone cluster (looked at " + String.join("; ", looked)
        + "). Build them with `mvn -B -pl spark-dist package` (or depend on vigil-spark-dist, type pom, so the"
        + " reactor builds them first), or point -D" + JARS_PROPERTY + " at a directory of Spark "
        + SCALA_BINARY_VERSION + " jars.");
  }

  private static boolean hasSparkCore(Path dir) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (var files = Files.list(dir)) {
      return files.anyMatch(f -> f.getFileName().toString().startsWith("spark-core_" + SCALA_BINARY_VERSION + "-"));
    } catch (IOException e) {
      return false;
    }
  }

  /** spark-dist's jvm.options: the root pom's add-opens set, one line of space-separated flags. */
  static List<String> readJvmOptions(Path file) {
    try {
      return Arrays.stream(Files.readString(file).trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the Spark JVM options " + file
          + " (written by `mvn -pl spark-dist package` next to spark-jars): " + e.getMessage(), e);
    }
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  @Override
  public String toString() {
    return "SparkClusterExtension[" + (master == null ? "stopped" : masterUrl() + ", " + workers.size() + " workers, " + dir) + "]";
  }
}
