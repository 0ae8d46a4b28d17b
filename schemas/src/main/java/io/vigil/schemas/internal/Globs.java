package io.vigil.schemas.internal;

import java.io.Serializable;
import java.util.List;
import java.util.regex.Pattern;

/** Include/exclude patterns on metric names: {@code *} any run of characters (dots too), {@code ?} one. */
public final class Globs implements Serializable {
  private static final long serialVersionUID = 1L;
  private final Pattern[] include;
  private final Pattern[] exclude;

  public Globs(List<String> include, List<String> exclude) {
    this.include = include.stream().map(Globs::compile).toArray(Pattern[]::new);
    this.exclude = exclude.stream().map(Globs::compile).toArray(Pattern[]::new);
  }

  public boolean keeps(String name) {
    for (Pattern p : exclude) {
      if (p.matcher(name).matches()) {
        return false;
      }
    }
    if (include.length == 0) {
      return true;
    }
    for (Pattern p : include) {
      if (p.matcher(name).matches()) {
        return true;
      }
    }
    return false;
  }

  static Pattern compile(String glob) {
    StringBuilder re = new StringBuilder();
    for (char c : glob.toCharArray()) {
      switch (c) {
        case '*' -> re.append(".*");
        case '?' -> re.append('.');
        default -> re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(re.toString());
  }
}
