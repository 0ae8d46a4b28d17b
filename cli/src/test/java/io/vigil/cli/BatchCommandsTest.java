package io.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code vigil train} and {@code vigil score}: the batch entry points, with their options and Vigil's error handling. */
class BatchCommandsTest {
  @Test
  void trainAndScoreAreSubcommandsTakingTheLogicalTime() {
    CommandLine vigil = VigilMain.commandLine();

    assertThat(vigil.getSubcommands()).containsKeys("train", "score", "forecast");
    for (String name : new String[] {"train", "score"}) {
      CommandLine sub = vigil.getSubcommands().get(name);
      assertThat(sub.getCommandSpec().findOption("--as-of")).as(name).isNotNull();
      assertThat(sub.getCommandSpec().findOption("--config")).as(name).isNotNull();
      assertThat(sub.getCommandSpec().findOption("--set")).as(name).isNotNull();
    }
  }

  @Test
  void aBadSettingIsAUserErrorNamingTheKeyNotAStackTrace() {
    CommandLine vigil = VigilMain.commandLine();
    StringWriter err = new StringWriter();
    vigil.setErr(new PrintWriter(err));

    int code = vigil.execute("score", "--as-of", "2026-11-22T10:00:00Z", "--set", "score.threshold=2");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("score.threshold").doesNotContain("Exception");
  }
}
