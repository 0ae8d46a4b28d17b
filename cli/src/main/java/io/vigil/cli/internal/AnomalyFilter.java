package io.vigil.cli.internal;

import io.vigil.schemas.AnomalyEvent;
import io.vigil.schemas.AnomalyKind;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which anomaly events {@code vigil anomalies} shows: device ids matching any of the globs ({@code *}
 * any run of characters, {@code ?} one), and kinds in the set. An empty list means no restriction.
 */
public final class AnomalyFilter {
  private final List<Pattern> devices;
  private final Set<AnomalyKind> kinds;

  public AnomalyFilter(List<String> deviceGlobs, Set<AnomalyKind> kinds) {
    this.devices = deviceGlobs.stream().map(AnomalyFilter::globToRegex).toList();
    this.kinds = kinds.isEmpty() ? EnumSet.allOf(AnomalyKind.class) : EnumSet.copyOf(kinds);
  }

  public static AnomalyFilter all() {
    return new AnomalyFilter(List.of(), Set.of());
  }

  public boolean matches(AnomalyEvent e) {
    return kinds.contains(e.kind()) && (devices.isEmpty() || devices.stream().anyMatch(p -> p.matcher(e.deviceId()).matches()));
  }

  static Pattern globToRegex(String glob) {
    StringBuilder re = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (char c : glob.toCharArray()) {
      if (c == '*' || c == '?') {
        // Device ids may hold regex metacharacters (dots, plus signs): quote everything but the wildcards.
        if (literal.length() > 0) {
          re.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        re.append(c == '*' ? ".*" : ".");
      } else {
        literal.append(c);
      }
    }
    if (literal.length() > 0) {
      re.append(Pattern.quote(literal.toString()));
    }
    return Pattern.compile(re.toString());
  }
}
