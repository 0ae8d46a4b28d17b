package io.vigil.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CpuMeterTest {
  @Test
  void costPerThousandMessagesIsTheDifferenceBetweenReadings() {
    Map<String, Double> per = CpuMeter.perThousand(Map.of("kafka", 1_000_000_000L, "jvm", 0L),
        Map.of("kafka", 3_000_000_000L, "jvm", 500_000_000L), 100_000);
    assertThat(per).containsEntry("kafka", 20.0).containsEntry("jvm", 5.0);
  }

  @Test
  void readsThisJvmAndTheNamedServersAndSeesWorkDone() {
    long self = ProcessHandle.current().pid();
    CpuMeter meter = new CpuMeter(Map.of("same process by pid", self, "gone", Long.MAX_VALUE));
    Map<String, Long> before = meter.read();
    long x = 0;
    for (long i = 0; i < 200_000_000L; i++) {
      x += i ^ (x >>> 3);
    }
    Map<String, Long> after = meter.read();
    assertThat(x).isNotZero();
    assertThat(after.get(CpuMeter.THIS_JVM)).isGreaterThan(before.get(CpuMeter.THIS_JVM));
    assertThat(after.get("same process by pid")).isGreaterThan(0L);
    assertThat(after.get("gone")).isZero();
  }
}
