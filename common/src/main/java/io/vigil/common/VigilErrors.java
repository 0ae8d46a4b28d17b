package io.vigil.common;

import io.vigil.common.config.ConfigException;
import java.nio.file.Path;
import java.util.Collection;

/**
 * The one place that words user-facing errors. Each factory says what went wrong (naming the key,
 * field, topic or file), why, and how to fix it. Add new errors here rather than formatting
 * messages at the throw site.
 */
public final class VigilErrors {
  private VigilErrors() {}

  // ---- configuration ------------------------------------------------------------------------

  public static ConfigException missingConfig(String key, String doc) {
    return new ConfigException(key,
        "Configuration key '" + key + "' has no value.",
        "It is required: " + doc,
        "Set " + key + "=<value> in the config file or pass --set " + key + "=<value>.");
  }

  public static ConfigException invalidConfigValue(String key, String value, String expected) {
    return new ConfigException(key,
        "Configuration key '" + key + "' has the invalid value '" + value + "'.",
        "Expected " + expected + ".",
        "Change " + key + " in the config file or pass --set " + key + "=<value>.");
  }

  public static ConfigException unknownConfigKey(String key, String suggestion) {
    return new ConfigException(key,
        "Configuration key '" + key + "' is not a known setting.",
        suggestion == null ? "A typo would otherwise be ignored silently."
            : "Did you mean '" + suggestion + "'?",
        "Remove it or correct its name; `--help` and the README's configuration reference list every key.");
  }

  public static ConfigException secretNotReadable(String key, String source, Exception cause) {
    return new ConfigException(key,
        "Configuration key '" + key + "' points at a secret that cannot be read (" + source + ").",
        cause == null ? "The environment variable is not set." : cause.getMessage(),
        "Make the file readable or export the variable, or set " + key + " another way (env:NAME or file:/path).");
  }

  public static ConfigException configFileNotReadable(Path file, Exception cause) {
    return new ConfigException(null,
        "The config file " + file + " cannot be read.",
        cause.getMessage(),
        "Check the path and its permissions, or leave the option out to use the defaults.");
  }

  // ---- contracts ----------------------------------------------------------------------------

  public static VigilException invalidTopicLayout(String template, String problem) {
    return new VigilException("The topic layout '" + template + "' is not usable: " + problem + ".",
        "A layout is an MQTT topic whose segments are literals, +, {deviceId} (several are joined with ':') or {metric}.",
        "Write it like devices/{deviceId}/telemetry.");
  }

  // ---- servers and endpoints ----------------------------------------------------------------

  public static VigilException stackNotRunning(Path endpointsFile) {
    return new VigilException(
        "No local stack is running: " + endpointsFile + " does not exist.",
        "Commands read the Kafka and MQTT endpoints from that file when no flag gives them.",
        "Run `vigil stack up` first, or pass the endpoints explicitly (see --help).");
  }

  /** A Kafka client (a CLI tool) could not reach the brokers within its timeout. */
  public static VigilException kafkaUnreachable(String bootstrapServers, String option, Exception cause) {
    return new RetriableVigilException(
        "Cannot reach Kafka at " + bootstrapServers + ".",
        cause == null ? "No broker answered in time." : cause.getMessage(),
        "Check the broker is running (`vigil stack status`; `vigil stack up` starts one) and the address, or pass " + option + ".",
        cause);
  }

  /** A Kafka topic a tool reads does not exist on the cluster. */
  public static VigilException topicNotFound(String topic, String bootstrapServers, String option) {
    return new VigilException(
        "The Kafka topic '" + topic + "' does not exist on " + bootstrapServers + ".",
        "The tool reads that topic and does not create it (topics are created by `vigil stack up` or by your cluster's admins).",
        "Check the name (" + option + "), or create the topic.");
  }

  public static VigilException serverDidNotStart(String server, String detail, Path logFile) {
    return new VigilException(
        server + " did not become ready.",
        detail,
        "See its log at " + logFile + "; a port already in use or a leftover data directory are the usual causes.");
  }

  public static VigilException bridgeCannotStart(String mqttUrl, Exception cause) {
    return new VigilException("The bridge cannot set up its MQTT client for " + mqttUrl + ".", cause.getMessage(),
        "Check mqtt.url and that mqtt.persistence.dir is a writable directory.", cause);
  }

  public static VigilException mqttLoginRefused(String mqttUrl, String username, Exception cause) {
    return new VigilException("The MQTT broker at " + mqttUrl + " refused the login"
        + (username == null ? " (no user name was given)." : " of user '" + username + "'."),
        "The user name or password is wrong, or this client is not authorised.",
        "Check mqtt.username and mqtt.password (env:NAME or file:/path); the password itself is never logged.", cause);
  }

  /** TLS settings that contradict each other or are incomplete; names the key to change. */
  public static ConfigException tlsSettingsConflict(String key, String problem, String fix) {
    return new ConfigException(key,
        "Configuration key '" + key + "': " + problem,
        "TLS settings are checked together before the bridge connects, so a mistake cannot fall back to weaker security.",
        fix);
  }

  /** A certificate, private key or key store file that is unreadable or not what the key expects. */
  public static ConfigException tlsMaterialUnusable(String key, Path file, String problem, String fix) {
    return new ConfigException(key,
        "Configuration key '" + key + "' points at " + file + ", which cannot be used: " + problem,
        "The bridge loads its TLS material at startup so a bad file is reported before any connection attempt.",
        fix);
  }

  /** The broker's certificate is not trusted (unknown CA, expired, or the host name does not match). */
  public static VigilException mqttTlsUntrusted(String mqttUrl, String trustSource, Exception cause) {
    return new VigilException("The MQTT broker at " + mqttUrl + " presented a TLS certificate the bridge does not trust ("
        + rootMessage(cause) + ").",
        "It is checked against " + trustSource + "; it is signed by another CA, has expired, or does not name the host in mqtt.url.",
        "Set mqtt.tls.ca.file (PEM) or mqtt.tls.truststore.file (PKCS12/JKS) to the CA that signed the broker's certificate, "
            + "and connect by a host name or IP address the certificate lists (mqtt.tls.hostname.verification=false "
            + "only for testing).", cause);
  }

  /** The TLS handshake failed for another reason: most often the broker refused our client certificate. */
  public static VigilException mqttTlsHandshakeFailed(String mqttUrl, boolean clientCertificateSent, Exception cause) {
    return new VigilException("The TLS handshake with the MQTT broker at " + mqttUrl + " failed (" + rootMessage(cause) + ").",
        clientCertificateSent
            ? "The broker did not accept the bridge's client certificate (not signed by a CA it trusts, or expired), "
                + "or the broker does not speak TLS on this port."
            : "The broker probably requires a client certificate (mutual TLS) and the bridge has none configured, "
                + "or the broker does not speak TLS on this port.",
        "For mutual TLS set mqtt.tls.cert.file and mqtt.tls.key.file (PEM), or mqtt.tls.keystore.file and "
            + "mqtt.tls.keystore.password (PKCS12/JKS), with a certificate signed by a CA the broker trusts "
            + "(Mosquitto: cafile, require_certificate true); check that mqtt.url names the broker's TLS port.", cause);
  }

  /** The broker refused the connection for a reason retrying cannot fix (protocol version, client id). */
  public static VigilException mqttConnectRefused(String mqttUrl, String reason, Exception cause) {
    return new VigilException("The MQTT broker at " + mqttUrl + " refused the connection: " + reason + ".",
        "Retrying would be refused the same way.",
        "Check mqtt.client.id, that mqtt.version (3.1.1 or 5) is one the broker at mqtt.url speaks, and that "
            + "mqtt.persistence.dir is a writable directory.", cause);
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String own = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return root == t || root.getMessage() == null ? own : root.getMessage();
  }

  public static VigilException mqttSubscriptionRefused(String mqttUrl, String filter) {
    return new VigilException("The MQTT broker at " + mqttUrl + " did not grant the subscription to '" + filter + "'.",
        "The filter is malformed, or the broker's ACL does not allow this client to read it.",
        "Check the filter in mqtt.filters, mqtt.status.filters or routes.<name>.filters, and the broker's access rules "
            + "for the bridge's user.");
  }

  public static VigilException metricsEndpointCannotStart(String bindAddress, int port, Exception cause) {
    return metricsEndpointCannotStart("The bridge", bindAddress, port, cause);
  }

  /** @param component who is serving, e.g. "The streaming job" */
  public static VigilException metricsEndpointCannotStart(String component, String bindAddress, int port, Exception cause) {
    return new VigilException(component + " cannot serve /metrics and /health on " + bindAddress + ":" + port + ".",
        cause.getMessage() + " (the port is taken, or the address is not one of this machine's).",
        "Set metrics.port to a free port (0 turns the endpoints off) or metrics.bind.address to a local address.", cause);
  }

  /** A setting names something that was renamed or merged into something else. */
  public static ConfigException renamedConfigValue(String key, String value, String replacement, String why) {
    return new ConfigException(key,
        "Configuration key '" + key + "' names '" + value + "', which no longer exists.",
        why,
        "Use '" + replacement + "' instead in " + key + ".");
  }

  public static VigilException toolMissing(String tool, String fix) {
    return new VigilException(tool + " is needed but was not found.", null, fix);
  }

  public static VigilException unknownChoice(String what, String value, Collection<?> choices) {
    return new VigilException(what + " '" + value + "' is not known.",
        "Known values: " + choices + ".", "Use one of the known values.");
  }

  // ---- local stack (added by the stack module) ---------------------------------------------

  /** A server's jar directory (e.g. kafka-dist/target/kafka-libs) was not found anywhere we look. */
  public static VigilException serverLibsNotFound(String server, String lookedAt, String fix) {
    return new VigilException(
        "The " + server + " jars were not found (looked at: " + lookedAt + ").",
        server + " runs in its own JVM from that directory so its dependencies never meet ours.",
        fix);
  }

  /** A port the stack wants to listen on is taken by another program. */
  public static VigilException portInUse(String server, int port, String option) {
    return new VigilException(
        server + " cannot listen on 127.0.0.1:" + port + ": the port is already in use.",
        "Another program (or a stack started from another directory) holds it.",
        "Stop that program, or choose another port with " + option + "=<port>.");
  }

  /** A server process of ours did not exit after SIGTERM and SIGKILL. */
  public static VigilException processDidNotStop(String server, long pid) {
    return new VigilException(
        server + " (pid " + pid + ") did not exit after SIGTERM and SIGKILL.",
        "The process may be stuck in uninterruptible I/O or owned by another user.",
        "Check it with `ps -p " + pid + " -o pid,stat,user,cmd` and end it by hand.");
  }

  // ---- simulator ----------------------------------------------------------------------------

  /** The endpoints file exists but lacks the key a command needs. */
  public static VigilException endpointMissing(Path endpointsFile, String key, String option) {
    return new VigilException(
        "The endpoints file " + endpointsFile + " has no '" + key + "' entry.",
        "Commands read the endpoint from there when " + option + " is not given; the stack that wrote it may be incomplete.",
        "Run `vigil stack up` again, or pass " + option + " explicitly.");
  }

  /** The MQTT broker could not be reached or refused the connection. */
  public static VigilException mqttConnectFailed(String url, Throwable cause) {
    return new RetriableVigilException(
        "Cannot connect to the MQTT broker at " + url + ".",
        cause == null ? "The connection was refused or timed out." : cause.getMessage() + ".",
        "Check the broker is running (`vigil stack up` starts one) and the URL, or pass --mqtt-url.", cause);
  }

  /** Publishing ended with messages the broker never acknowledged. */
  public static VigilException mqttDeliveryIncomplete(String url, long unacknowledged, java.time.Duration waited) {
    return new VigilException(
        unacknowledged + " message(s) to " + url + " were not acknowledged within " + waited.toSeconds() + "s.",
        "The broker is slow, overloaded or the connection dropped while they were in flight.",
        "Check the broker, or raise mqtt.drain.timeout; the summary's failed count says how many are missing.");
  }

  /** An output file (labels, messages) cannot be written. */
  public static VigilException outputNotWritable(Path file, Exception cause) {
    return new VigilException(
        "Cannot write " + file + ".",
        cause.getMessage(),
        "Check the directory exists and is writable, or choose another path.", cause);
  }

  // ---- batch forecasting (added by batch-ml) -----------------------------------------------

  /** A Delta table a batch job reads or writes is missing or is not a Delta table. */
  public static VigilException tableNotFound(String role, String path, String fix) {
    return new VigilException(
        "The " + role + " table at " + path + " does not exist or is not a Delta table.",
        "The batch jobs read and write Delta tables by path.",
        fix);
  }

  /** A Delta table's columns do not match the contract in TableSchemas. */
  public static VigilException tableSchemaMismatch(String role, String path, String problem) {
    return new VigilException(
        "The " + role + " table at " + path + " does not have the expected schema: " + problem + ".",
        "Its columns must match io.vigil.schemas.TableSchemas; another job or version may have written it.",
        "Point the job at the right table, or move the old table away so the job creates a new one.");
  }

  // ---- Delta table maintenance (streaming-jobs MaintenanceMain) ----------------------------

  /** A gold table named for compaction: the running gold query's MERGEs would fail on it. */
  public static ConfigException goldCompactionRefused(String key, String table, String vacuumKey) {
    return new ConfigException(key,
        "Configuration key '" + key + "' names '" + table + "', which maintenance does not compact.",
        "The streaming job's gold query MERGEs into " + table + " every micro-batch and reads the very files a"
            + " compaction replaces; Delta would fail the running gold query with a concurrent-modification conflict"
            + " (ConcurrentDeleteReadException) and stop the job.",
        "Remove it from " + key + " (" + vacuumKey + " vacuums gold without compacting it). To compact gold safely,"
            + " stop the gold query first (restart the job with job.queries=tables,device-watch), run"
            + " OPTIMIZE delta.`<gold path>` in spark-sql, then restart the job with the gold query.");
  }

  /** One table's compaction or vacuum failed; the other tables are still maintained. */
  public static VigilException tableMaintenanceFailed(String table, String path, Throwable cause) {
    return new VigilException(
        "Maintenance of the " + table + " table at " + path + " failed: " + rootMessage(cause),
        "The other tables were still maintained; this one is left as it was (a compaction commits all or nothing).",
        "Check the path is the table the streaming job writes (tables.root, tables.<name>.path, as in the job's config"
            + " file) and is a Delta table, then rerun; a concurrent-modification conflict goes away on a rerun.",
        cause);
  }

  // ---- device watch (streaming) -------------------------------------------------------------

  /** The device registry (device.watch.registry.path) cannot be read or has a bad entry. */
  public static VigilException deviceRegistryInvalid(String path, String problem) {
    return new VigilException(
        "The device registry " + path + " (device.watch.registry.path) cannot be used: " + problem + ".",
        "The device watch reads each registered device's expected interval from it, and flags registered"
            + " devices that never report.",
        "Fix the entry: a CSV line is device_id,expected_interval[,metric...] with a duration like 30s or 5m"
            + " (a Delta table has the columns device_id and expected_interval, optionally metrics),"
            + " or unset device.watch.registry.path to learn every interval.");
  }

  /** A device.watch.threshold.<name>.* rule is incomplete or contradicts itself. */
  public static ConfigException thresholdRuleInvalid(String key, String problem) {
    return new ConfigException(key,
        "The threshold rule setting '" + key + "' is not usable: " + problem + ".",
        "A rule is device.watch.threshold.<name>.metric plus .above and/or .below (numbers);"
            + " each metric may have one rule.",
        "Correct " + key + " in the config file or pass --set " + key + "=<value>.");
  }

  /** A model version asked for is not in the registry (or was never saved completely). */
  public static VigilException modelNotFound(String version, String registry) {
    return new VigilException(
        "Model version '" + version + "' is not in the model registry at " + registry + ".",
        "A version exists once its metadata.json is written; a training run that failed midway leaves none.",
        "List the registry's versions, check models.path points at the right registry, or train one with --train.");
  }

  /** Training found no series with enough unbroken history before the backtest window. */
  public static VigilException noTrainingData(String silverPath, String from, String to) {
    return new VigilException(
        "No series in " + silverPath + " has a training example between " + from + " and " + to + ".",
        "A model learns from series with forecast.model.lags present buckets and a season of history before each origin,"
            + " and a real reading at the target; long gaps are not bridged.",
        "Train with a later --as-of or a longer forecast.history, or lower forecast.backtest.origins or forecast.model.lags.");
  }

  // ---- replay (batch-ml) --------------------------------------------------------------------

  /** The replay input cannot be read at all. */
  public static VigilException replayInputUnreadable(Path file, Exception cause) {
    return new VigilException(
        "Cannot read the replay input " + file + ".",
        String.valueOf(cause.getMessage()),
        "Check the path (--input) and that the file is readable UTF-8 text.", cause);
  }

  /** The replay input's header does not name the columns replay needs. */
  public static VigilException replayHeaderInvalid(Path file, String header, String problem) {
    return new VigilException(
        "The first line of " + file + " is not a usable header: " + problem + " (line 1: '" + header + "').",
        "vigil replay needs a header naming the columns: timestamp and value, optionally device and metric, in any"
            + " order; other columns are ignored.",
        "Add or correct the header line, e.g. 'timestamp,value' or 'timestamp,device,metric,value'.");
  }

  /** Every data row of the replay input was rejected, or there were none. */
  public static VigilException replayNoReadings(Path file, long rejected) {
    return new VigilException(
        "The replay input " + file + " has no usable reading" + (rejected > 0 ? " (" + rejected + " rows rejected)" : "") + ".",
        "Each data row needs a timestamp (ISO-8601, or epoch seconds or milliseconds) and a numeric value.",
        rejected > 0 ? "See the rejected rows listed above (or the --rejects file) for the line numbers and reasons."
            : "Check the file holds data rows after its header.");
  }
  /** {@code vigil bench detect}: the SKAB directory is missing or does not hold what the bench needs. */
  public static VigilException skabDataUnusable(Path dir, String problem) {
    return new VigilException(
        "Cannot use " + dir + " as SKAB data: " + problem + ".",
        "vigil bench detect reads SKAB's layout: valve1/, valve2/, other/ with the labelled experiments and"
            + " anomaly-free/anomaly-free.csv, each file 'datetime;<8 metrics>;anomaly;changepoint' separated by ';'.",
        "Point --skab at the SKAB data directory (e.g. ../shared/data/skab), or copy the files of the public SKAB"
            + " repository's data/ directory there unchanged.");
  }

  /** {@code vigil bench detect}: a SKAB file cannot be read. */
  public static VigilException skabFileUnreadable(Path file, Exception cause) {
    return new VigilException(
        "Cannot read the SKAB file " + file + ".",
        String.valueOf(cause.getMessage()),
        "Check that the file exists and is readable text.", cause);
  }
}
