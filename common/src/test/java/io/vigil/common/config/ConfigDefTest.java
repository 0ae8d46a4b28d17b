package io.vigil.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.common.config.ConfigDef.Type;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ConfigDefTest {
  private static final ConfigDef DEF = new ConfigDef()
      .define("mqtt.url", Type.STRING, ConfigDef.NO_DEFAULT, Validator.matches("(tcp|ssl)://.+", "a tcp:// or ssl:// URL"), "Broker URL.")
      .define("inflight.max", Type.INT, 1000, Validator.between(1, 100_000), "Max in flight.")
      .define("gap.after", Type.DURATION, Duration.ofMinutes(5), Validator.positiveDuration(), "Gap threshold.")
      .define("poll.every", Type.DURATION, Duration.ofSeconds(5),
          Validator.atLeastDuration(Duration.ofSeconds(1), "faster polls overload the broker"), "Poll interval.")
      .define("retry.after", Type.DURATION, Duration.ofSeconds(1), Validator.atLeastDuration(Duration.ofMillis(500)),
          "Retry delay.")
      .define("strict", Type.BOOLEAN, true, "Strictness.")
      .define("topics", Type.LIST, List.of("a"), Validator.nonEmpty(), "Topics.")
      .define("mqtt.password", Type.PASSWORD, null, "Password.");

  static final class Cfg extends AbstractConfig {
    Cfg(Map<String, String> raw) {
      super(DEF, raw, List.of("kafka.producer."));
    }
  }

  @Test
  void parsesTypedValuesAndDefaults() {
    Cfg cfg = new Cfg(Map.of("mqtt.url", "tcp://127.0.0.1:1883", "gap.after", "90s", "topics", "x, y",
        "kafka.producer.linger.ms", "5"));
    assertThat(cfg.getInt("inflight.max")).isEqualTo(1000);
    assertThat(cfg.getDuration("gap.after")).isEqualTo(Duration.ofSeconds(90));
    assertThat(cfg.getList("topics")).containsExactly("x", "y");
    assertThat(cfg.getBoolean("strict")).isTrue();
    assertThat(cfg.originalsWithPrefix("kafka.producer.")).containsEntry("linger.ms", "5");
  }

  @ParameterizedTest(name = "{0}={1} is rejected naming the key")
  @CsvSource(delimiter = ';', value = {
      "mqtt.url;http://x;a tcp:// or ssl:// URL",
      "inflight.max;0;[1, 100000]",
      "inflight.max;lots;a whole number",
      "gap.after;5;a duration",
      "gap.after;0s;greater than zero",
      "poll.every;999ms;a duration of at least 1s: faster polls overload the broker",
      "retry.after;499ms;Expected a duration of at least 500ms.",
      "strict;maybe;true or false",
  })
  void rejectsBadValuesNamingTheKey(String key, String value, String expected) {
    Map<String, String> raw = new java.util.HashMap<>(Map.of("mqtt.url", "tcp://h:1"));
    raw.put(key, value);
    assertThatThrownBy(() -> new Cfg(raw))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo(key))
        .hasMessageContaining("'" + key + "'")
        .hasMessageContaining(expected)
        .hasMessageContaining("Fix:");
  }

  @Test
  void missingRequiredKeyIsNamed() {
    assertThatThrownBy(() -> new Cfg(Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'mqtt.url'")
        .hasMessageContaining("Broker URL.");
  }

  @Test
  void unknownKeyGetsASuggestion() {
    assertThatThrownBy(() -> new Cfg(Map.of("mqtt.url", "tcp://h:1", "inflight.maxx", "3")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("Did you mean 'inflight.max'");
  }

  @Test
  void secretsNeverReachToString(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path secret = dir.resolve("pw");
    java.nio.file.Files.writeString(secret, "hunter2\n");
    Cfg cfg = new Cfg(Map.of("mqtt.url", "tcp://h:1", "mqtt.password", "file:" + secret,
        "kafka.producer.sasl.jaas.config", "user=x password=topsecret"));
    assertThat(cfg.getPassword("mqtt.password").value()).isEqualTo("hunter2");
    assertThat(cfg.toString()).doesNotContain("hunter2").doesNotContain("topsecret").contains("[hidden]");
  }

  @Test
  void unreadableSecretFileNamesTheKey() {
    assertThatThrownBy(() -> new Cfg(Map.of("mqtt.url", "tcp://h:1", "mqtt.password", "file:/nonexistent/pw")))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("mqtt.password"));
  }

  @Test
  void referenceTableListsEveryKey() {
    String md = DEF.toMarkdownTable();
    for (ConfigDef.Key key : DEF.keys()) {
      assertThat(md).contains("`" + key.name() + "`");
    }
    assertThat(md).contains("`5m`").contains("(required)");
  }

  @Test
  void referenceTableNeverShowsASecretsDefaultAndEscapesMarkdown() {
    ConfigDef def = new ConfigDef()
        .define("db.password", Type.PASSWORD, "file:/etc/vigil/db-password", "Password, e.g. a | b.")
        .define("root", Type.STRING, "", "Empty means <tables.root>/x.");
    String md = def.toMarkdownTable();
    assertThat(md).doesNotContain("/etc/vigil/db-password").contains("| `db.password` | password |  |")
        .contains("a \\| b").contains("&lt;tables.root&gt;/x").contains("| `root` | string | (empty) |");
  }
}
