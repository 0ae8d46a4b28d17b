package io.vigil.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.schemas.AnomalyEvent;
import io.vigil.schemas.AnomalyKind;
import io.vigil.schemas.AnomalySource;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnomalyFilterTest {
  private static AnomalyEvent event(AnomalyKind kind, String device) {
    return AnomalyEvent.builder(kind, AnomalySource.STREAM, device, null, Instant.parse("2026-11-22T10:00:00Z"))
        .detectedAt(Instant.parse("2026-11-22T10:00:31Z")).message("m").build();
  }

  @ParameterizedTest(name = "{0} vs {1} -> {2}")
  @CsvSource({
      "dev-0007, dev-0007, true",
      "dev-0007, dev-00070, false",
      "dev-*, dev-0007, true",
      "dev-*, pump-1, false",
      "*-01, pump-01, true",
      "dev-000?, dev-0007, true",
      "dev-000?, dev-00077, false",
      // Dots and plus signs in ids are literal, not regex.
      "site.a+b, site.a+b, true",
      "site.a+b, siteXaab, false",
      "*, anything, true"})
  void deviceGlobs(String glob, String device, boolean expected) {
    assertThat(new AnomalyFilter(List.of(glob), Set.of()).matches(event(AnomalyKind.GAP, device))).isEqualTo(expected);
  }

  @Test
  void anyOfSeveralGlobsAndKindsMatches() {
    AnomalyFilter f = new AnomalyFilter(List.of("dev-1", "pump-*"), Set.of(AnomalyKind.GAP, AnomalyKind.INACTIVE));
    assertThat(f.matches(event(AnomalyKind.GAP, "dev-1"))).isTrue();
    assertThat(f.matches(event(AnomalyKind.INACTIVE, "pump-9"))).isTrue();
    assertThat(f.matches(event(AnomalyKind.THRESHOLD, "pump-9"))).isFalse();
    assertThat(f.matches(event(AnomalyKind.GAP, "dev-2"))).isFalse();
  }

  @Test
  void noRestrictionMatchesEverything() {
    for (AnomalyKind k : AnomalyKind.values()) {
      assertThat(AnomalyFilter.all().matches(event(k, "x"))).isTrue();
    }
  }
}
