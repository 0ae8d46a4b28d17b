package io.vigil.cli;

import io.vigil.common.VigilHome;
import io.vigil.common.config.ConfigSources;
import io.vigil.streaming.StreamingJobConfig;
import io.vigil.streaming.StreamingMain;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code vigil stream}: the streaming job in this JVM against the local stack. The same options as
 * the spark-submit entry point ({@code --config FILE}, {@code --set KEY=VALUE}, {@code --help}).
 */
@Command(name = "stream", description = {
    "Runs the streaming job locally until Ctrl-C or SIGTERM: Delta tables and the device watch.",
    "Writes the bronze, silver, late_data, quarantine and gold Delta tables and the device watch's anomaly events;",
    "progress in the log and on http://127.0.0.1:9465/metrics.",
    "Options: --config FILE, --set KEY=VALUE (repeatable), --help (lists every setting).",
    "With no options it reads the local stack's Kafka (see `vigil stack up`) and writes under $VIGIL_HOME/data."})
public final class StreamCommand implements Callable<Integer> {
  @Unmatched List<String> args = new ArrayList<>();

  @Override
  public Integer call() {
    List<String> full = new ArrayList<>();
    if (Files.isRegularFile(VigilHome.endpointsFile())) {
      Map<String, String> stack = ConfigSources.readProperties(VigilHome.endpointsFile());
      // First, so that the user's own --set of the same key wins.
      for (String key : List.of(StreamingJobConfig.KAFKA_BOOTSTRAP_SERVERS, StreamingJobConfig.TELEMETRY_TOPIC,
          StreamingJobConfig.ANOMALIES_TOPIC)) {
        if (stack.containsKey(key)) {
          full.add("--set");
          full.add(key + "=" + stack.get(key));
        }
      }
    }
    full.addAll(args);
    return StreamingMain.run(full.toArray(String[]::new), System.out, System.err);
  }
}
