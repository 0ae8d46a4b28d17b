package io.vigil.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ScoreMainTest {
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-22T10:41:17Z"), ZoneOffset.UTC);

  @Test
  void asOfDefaultsToNowTruncatedToTheHourSoTheLastCompleteHourIsScored() {
    ScoreMain main = new ScoreMain(clock);
    new CommandLine(main).parseArgs("--set", "score.threshold=0.6");

    assertThat(main.effectiveAsOf()).isEqualTo(Instant.parse("2026-11-22T10:00:00Z"));
    assertThat(main.overrides).containsExactly("score.threshold=0.6");
  }

  @Test
  void aBackfillTakesTheLogicalTimeAsGiven() {
    ScoreMain main = new ScoreMain(clock);
    new CommandLine(main).parseArgs("--as-of", "2026-11-01T03:00:00Z");

    assertThat(main.effectiveAsOf()).isEqualTo(Instant.parse("2026-11-01T03:00:00Z"));
  }

  @Test
  void aConfigErrorEndsWithExitCodeTwoAndAMessageNamingTheKey() {
    StringWriter err = new StringWriter();
    CommandLine cmd = ScoreMain.commandLine(new ScoreMain(clock));
    cmd.setErr(new PrintWriter(err));

    int code = cmd.execute("--set", "score.critical.threshold=0.1");

    assertThat(code).isEqualTo(ForecastMain.EXIT_USER_ERROR);
    assertThat(err.toString()).contains("score.critical.threshold");
  }

  @Test
  void defaultsSuchAsTheStackEndpointsSitBeneathTheCommandLine() {
    ScoreMain main = new ScoreMain(clock).withDefaults(java.util.Map.of(
        ForecastJobConfig.KAFKA_BOOTSTRAP_SERVERS, "127.0.0.1:29092", ForecastJobConfig.ANOMALIES_TOPIC, "stack.anomalies"));
    new CommandLine(main).parseArgs("--set", "topics.anomalies=mine");

    ForecastJobConfig c = main.config();
    assertThat(c.kafkaSinkOptions()).containsEntry("kafka.bootstrap.servers", "127.0.0.1:29092").containsEntry("topic", "mine");
  }

  @Test
  void theTrainingEntryPointAlwaysTrains() {
    ForecastMain train = ForecastMain.training();
    new CommandLine(train).parseArgs("--as-of", "2026-11-22T00:00:00Z");

    assertThat(train.train).isTrue();
  }
}
