package io.vigil.common.config;

import io.vigil.common.VigilErrors;
import io.vigil.common.internal.Durations;
import io.vigil.common.internal.SecretResolver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The keys one service understands: each with its type, default, validator and documentation.
 * Parsing a map of strings against it yields typed values or a {@link ConfigException} naming the
 * key and the fix. The same definition renders the README's configuration reference, so the docs
 * cannot drift from the code.
 */
public final class ConfigDef {
  /** Marks a key that has no default and must be set. */
  public static final Object NO_DEFAULT = new Object() {
    @Override
    public String toString() {
      return "(required)";
    }
  };

  public enum Type { STRING, INT, LONG, DOUBLE, BOOLEAN, DURATION, LIST, PASSWORD, PATH }

  /** One documented key. */
  public record Key(String name, Type type, Object defaultValue, Validator validator, String doc) {
    public boolean required() {
      return defaultValue == NO_DEFAULT;
    }
  }

  private final Map<String, Key> keys = new LinkedHashMap<>();

  public ConfigDef define(String name, Type type, Object defaultValue, Validator validator, String doc) {
    if (keys.containsKey(name)) {
      throw new IllegalArgumentException("config key defined twice: " + name);
    }
    keys.put(name, new Key(name, type, defaultValue, validator, doc));
    return this;
  }

  public ConfigDef define(String name, Type type, Object defaultValue, String doc) {
    return define(name, type, defaultValue, null, doc);
  }

  public List<Key> keys() {
    return Collections.unmodifiableList(new ArrayList<>(keys.values()));
  }

  /**
   * Parses and validates every key. Unknown keys are errors (a typo must not silently fall back to
   * a default), except under prefixes the caller passes through to another system, such as
   * {@code kafka.producer.}.
   */
  public Map<String, Object> parse(Map<String, String> raw, List<String> passThroughPrefixes) {
    for (String name : raw.keySet()) {
      if (!keys.containsKey(name) && passThroughPrefixes.stream().noneMatch(name::startsWith)) {
        throw VigilErrors.unknownConfigKey(name, closest(name));
      }
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (Key key : keys.values()) {
      String text = raw.get(key.name());
      Object value;
      if (text == null) {
        if (key.required()) {
          throw VigilErrors.missingConfig(key.name(), key.doc());
        }
        value = key.defaultValue();
      } else {
        value = convert(key, text.trim());
      }
      if (key.validator() != null) {
        key.validator().ensureValid(key.name(), value);
      }
      values.put(key.name(), value);
    }
    return values;
  }

  private static Object convert(Key key, String text) {
    try {
      return switch (key.type()) {
        case STRING -> text;
        case INT -> Integer.parseInt(text.replace("_", ""));
        case LONG -> Long.parseLong(text.replace("_", ""));
        case DOUBLE -> Double.parseDouble(text);
        case BOOLEAN -> parseBoolean(key, text);
        case DURATION -> Durations.parse(text);
        case LIST -> text.isEmpty() ? List.of()
            : Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        case PASSWORD -> SecretResolver.resolve(key.name(), text);
        case PATH -> Path.of(text);
      };
    } catch (NumberFormatException e) {
      throw VigilErrors.invalidConfigValue(key.name(), text, expectation(key.type()));
    } catch (IllegalArgumentException e) {
      throw VigilErrors.invalidConfigValue(key.name(), text, expectation(key.type()) + " (" + e.getMessage() + ")");
    }
  }

  private static Boolean parseBoolean(Key key, String text) {
    return switch (text.toLowerCase()) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw VigilErrors.invalidConfigValue(key.name(), text, "true or false");
    };
  }

  private static String expectation(Type type) {
    return switch (type) {
      case INT, LONG -> "a whole number";
      case DOUBLE -> "a number";
      case DURATION -> "a duration such as 500ms, 30s, 5m, 2h, 1d or ISO-8601 PT30S";
      case BOOLEAN -> "true or false";
      default -> "a " + type.name().toLowerCase() + " value";
    };
  }

  private String closest(String unknown) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : keys.keySet()) {
      int d = editDistance(unknown, candidate);
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    return bestDistance <= Math.max(2, unknown.length() / 4) ? best : null;
  }

  private static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /**
   * The reference table (docs/configuration.md, --help-config): key, type, default, rule, doc. A
   * secret's default is never shown, whatever it is; text is escaped so Markdown renders it as written.
   */
  public String toMarkdownTable() {
    StringBuilder sb = new StringBuilder("| key | type | default | valid values | description |\n|---|---|---|---|---|\n");
    for (Key key : keys.values()) {
      sb.append("| `").append(key.name()).append("` | ").append(key.type().name().toLowerCase())
          .append(" | ").append(shownDefault(key)).append(" | ")
          .append(key.validator() == null ? "" : markdownText(key.validator().describe()))
          .append(" | ").append(markdownText(key.doc())).append(" |\n");
    }
    return sb.toString();
  }

  private static String shownDefault(Key key) {
    Object def = key.defaultValue();
    if (def == NO_DEFAULT) {
      return "(required)";
    }
    if (key.type() == Type.PASSWORD || def == null) {
      return "";
    }
    String text = def instanceof Duration d ? Durations.format(d)
        : def instanceof List<?> l ? String.join(",", l.stream().map(Object::toString).toList()) : def.toString();
    return text.isEmpty() ? "(empty)" : "`" + text + "`";
  }

  private static String markdownText(String s) {
    // <tables.root> would otherwise be taken for an HTML tag and vanish.
    return s.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ");
  }
}
