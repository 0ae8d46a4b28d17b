package io.vigil.common.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Typed access to a parsed {@link ConfigDef}. Services extend this with named getters; the raw
 * strings under pass-through prefixes (Kafka client settings, say) stay available by prefix.
 */
public abstract class AbstractConfig {
  private final ConfigDef definition;
  private final Map<String, Object> values;
  private final Map<String, String> originals;

  protected AbstractConfig(ConfigDef definition, Map<String, String> originals, List<String> passThroughPrefixes) {
    this.definition = definition;
    this.originals = Collections.unmodifiableMap(new LinkedHashMap<>(originals));
    this.values = definition.parse(originals, passThroughPrefixes);
  }

  public ConfigDef definition() {
    return definition;
  }

  protected Object get(String key) {
    if (!values.containsKey(key)) {
      throw new IllegalArgumentException("undefined config key " + key);
    }
    return values.get(key);
  }

  public String getString(String key) {
    return (String) get(key);
  }

  public int getInt(String key) {
    return (Integer) get(key);
  }

  public long getLong(String key) {
    return (Long) get(key);
  }

  public double getDouble(String key) {
    return (Double) get(key);
  }

  public boolean getBoolean(String key) {
    return (Boolean) get(key);
  }

  public Duration getDuration(String key) {
    return (Duration) get(key);
  }

  @SuppressWarnings("unchecked")
  public List<String> getList(String key) {
    return (List<String>) get(key);
  }

  public Password getPassword(String key) {
    return (Password) get(key);
  }

  public Path getPath(String key) {
    return (Path) get(key);
  }

  /** Every original key under {@code prefix}, with the prefix removed: for pass-through settings. */
  public Map<String, String> originalsWithPrefix(String prefix) {
    Map<String, String> out = new TreeMap<>();
    originals.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        out.put(k.substring(prefix.length()), v);
      }
    });
    return out;
  }

  /** Values as a loggable string: passwords show as [hidden], pass-through secrets are masked too. */
  @Override
  public String toString() {
    Map<String, Object> shown = new TreeMap<>(values);
    originals.forEach((k, v) -> {
      if (!values.containsKey(k)) {
        shown.put(k, looksSecret(k) ? "[hidden]" : v);
      }
    });
    return getClass().getSimpleName() + shown;
  }

  private static boolean looksSecret(String key) {
    String k = key.toLowerCase();
    return k.contains("password") || k.contains("secret") || k.contains("jaas") || k.contains("token") || k.endsWith(".key");
  }
}
