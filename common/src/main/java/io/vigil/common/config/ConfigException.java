package io.vigil.common.config;

import io.vigil.common.VigilException;

/** A configuration value that cannot be used. Always names the key it is about. */
public final class ConfigException extends VigilException {
  private static final long serialVersionUID = 1L;

  private final String key;

  public ConfigException(String key, String what, String why, String fix) {
    super(what, why, fix);
    this.key = key;
  }

  /** The configuration key at fault. */
  public String key() {
    return key;
  }
}
