package io.vigil.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.stack.internal.MosquittoConf;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MosquittoConfTest {
  private final String conf = MosquittoConf.render(21883, Path.of("/tmp/st/mosquitto/data"),
      Path.of("/tmp/st/mosquitto/mosquitto.log"), "alice");

  private List<String> settings() {
    return conf.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).collect(Collectors.toList());
  }

  @Test
  void queuedQos1MessagesCanNeverBeDropped() {
    assertThat(settings()).contains("max_queued_messages 0", "max_queued_bytes 0");
    assertThat(settings()).noneMatch(l -> l.startsWith("persistent_client_expiration"));
  }

  @Test
  void persistsUnderTheDataDirAndListensOnLoopbackOnly() {
    assertThat(settings()).contains("persistence true", "persistence_location /tmp/st/mosquitto/data/",
        "listener 21883 127.0.0.1", "allow_anonymous true", "log_dest file /tmp/st/mosquitto/mosquitto.log",
        "user alice");
    assertThat(settings()).filteredOn(l -> l.startsWith("listener")).hasSize(1);
  }

  @Test
  void optionsAddATlsListenerAndPasswordFileAndStillExplainEverySetting() {
    MosquittoOptions options = MosquittoOptions.defaults()
        .withTls(new MosquittoOptions.Tls(21884, Path.of("/pki/ca.pem"), Path.of("/pki/server.pem"), Path.of("/pki/server.key"), true))
        .withUser("bridge", "pw");
    String secure = MosquittoConf.render(21883, Path.of("/tmp/st/data"), Path.of("/tmp/st/m.log"), "alice", options,
        Path.of("/tmp/st/passwords"));
    List<String> settings = secure.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).collect(Collectors.toList());
    assertThat(settings).contains("listener 21883 127.0.0.1", "allow_anonymous false", "password_file /tmp/st/passwords",
        "max_queued_messages 0");
    assertThat(settings).doesNotContain("allow_anonymous true");
    // Listener options apply to the listener declared before them, so the TLS block comes last.
    assertThat(settings.subList(settings.indexOf("listener 21884 127.0.0.1"), settings.size()))
        .containsExactly("listener 21884 127.0.0.1", "cafile /pki/ca.pem", "certfile /pki/server.pem",
            "keyfile /pki/server.key", "require_certificate true");
    assertThat(secure).doesNotContain("pw\n").doesNotContain(" pw");
    assertCommented(secure);
  }

  @Test
  void defaultOptionsRenderTheStackConfigurationUnchanged() {
    assertThat(MosquittoConf.render(21883, Path.of("/tmp/st/mosquitto/data"), Path.of("/tmp/st/mosquitto/mosquitto.log"),
        "alice", MosquittoOptions.defaults(), null)).isEqualTo(conf);
  }

  @Test
  void everySettingIsExplainedByAComment() {
    assertCommented(conf);
  }

  private static void assertCommented(String conf) {
    List<String> lines = conf.lines().collect(Collectors.toList());
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      if (!l.isBlank() && !l.startsWith("#") && !l.startsWith("log_type") && !l.startsWith("log_timestamp")
          && !l.startsWith("max_queued_bytes")) {
        assertThat(lines.get(i - 1)).as("comment before '%s'", l).startsWith("#");
      }
    }
  }
}
