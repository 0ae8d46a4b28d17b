package io.vigil.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The vigil dialect is byte-for-byte what the simulator wrote before it spoke other dialects: the digest
 * below was computed by this test on the code before the dialects were added (commit ef06a51).
 */
class VigilDialectGoldenTest {
  private static final String BEFORE_DIALECTS = "9f578b59e9a35a5b90b86a29054a343d8427fa0a70aa7a08ae4fd9c09c7650f4";

  @Test
  void sameSeedGivesTheSameBytesAsBeforeTheDialects() throws Exception {
    Fleets.Run r = Fleets.run(SimulatorConfig.DEVICES, "12", SimulatorConfig.SEED, "11",
        SimulatorConfig.FAULTS, "default,gap=1,dead=0.2,frequency=0.3,skew=0.3,shift=0.3,drift=0.3,spike=0.02,"
            + "malformed=0.02,duplicate=0.01,late=0.01,ooo=0.01");
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    for (SimulatedMessage m : r.messages()) {
      d.update((m.deviceId() + '|' + m.topic() + '|' + m.eventTime() + '|' + m.publishTime() + '|'
          + new java.util.TreeSet<>(m.faults().stream().map(Enum::name).toList()) + '|').getBytes(StandardCharsets.UTF_8));
      d.update(m.payload());
      d.update((byte) '\n');
    }
    d.update(FaultLabels.toCsv(r.labels()).getBytes(StandardCharsets.UTF_8));
    assertThat(r.messages()).hasSizeGreaterThan(10_000);
    assertThat(HexFormat.of().formatHex(d.digest())).isEqualTo(BEFORE_DIALECTS);
  }
}
