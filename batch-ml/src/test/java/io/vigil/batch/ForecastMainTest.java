package io.vigil.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ForecastMainTest {
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-22T10:41:17Z"), ZoneOffset.UTC);

  @Test
  void asOfDefaultsToNowTruncatedToTheHour() {
    ForecastMain main = new ForecastMain(clock);
    new CommandLine(main).parseArgs("--set", "silver.path=/s");

    assertThat(main.effectiveAsOf()).isEqualTo(Instant.parse("2026-11-22T10:00:00Z"));
    assertThat(main.overrides).containsExactly("silver.path=/s");
  }

  @Test
  void asOfIsTakenAsGiven() {
    ForecastMain main = new ForecastMain(clock);
    new CommandLine(main).parseArgs("--as-of", "2026-11-01T03:30:00Z");

    assertThat(main.effectiveAsOf()).isEqualTo(Instant.parse("2026-11-01T03:30:00Z"));
  }

  @Test
  void aConfigErrorEndsWithExitCodeTwoAndAMessageNamingTheKey() {
    StringWriter err = new StringWriter();
    CommandLine cmd = ForecastMain.commandLine(new ForecastMain(clock));
    cmd.setErr(new PrintWriter(err));

    int code = cmd.execute("--set", "forecast.horizon=0");

    assertThat(code).isEqualTo(ForecastMain.EXIT_USER_ERROR);
    assertThat(err.toString()).contains("forecast.horizon");
  }
}
