package io.vigil.common.config;

import java.util.Arrays;

/**
 * A secret read from the environment or a file. Its {@code toString()} never shows the value, so a
 * config can be logged whole.
 */
public final class Password {
  private final char[] value;

  public Password(String value) {
    this.value = value.toCharArray();
  }

  public String value() {
    return new String(value);
  }

  public char[] chars() {
    return Arrays.copyOf(value, value.length);
  }

  @Override
  public String toString() {
    return "[hidden]";
  }
}
