package io.vigil.common.config;

import io.vigil.common.VigilErrors;
import io.vigil.common.internal.Durations;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/** Checks one parsed config value; throws a {@link ConfigException} naming the key if it is unusable. */
@FunctionalInterface
public interface Validator {
  void ensureValid(String key, Object value);

  /** How the rule reads in generated documentation. */
  default String describe() {
    return "";
  }

  static Validator between(long min, long max) {
    return new Validator() {
      @Override
      public void ensureValid(String key, Object value) {
        if (value == null) {
          return;
        }
        double v = ((Number) value).doubleValue();
        if (v < min || v > max) {
          throw VigilErrors.invalidConfigValue(key, String.valueOf(value), "a number in [" + min + ", " + max + "]");
        }
      }

      @Override
      public String describe() {
        return "[" + min + ", " + max + "]";
      }
    };
  }

  static Validator atLeast(double min) {
    return new Validator() {
      @Override
      public void ensureValid(String key, Object value) {
        if (value != null && ((Number) value).doubleValue() < min) {
          throw VigilErrors.invalidConfigValue(key, String.valueOf(value), "a number of at least " + min);
        }
      }

      @Override
      public String describe() {
        return ">= " + min;
      }
    };
  }

  static Validator positiveDuration() {
    return new Validator() {
      @Override
      public void ensureValid(String key, Object value) {
        if (value != null && (((Duration) value).isNegative() || ((Duration) value).isZero())) {
          throw VigilErrors.invalidConfigValue(key, String.valueOf(value), "a duration greater than zero, such as 30s or 5m");
        }
      }

      @Override
      public String describe() {
        return "> 0";
      }
    };
  }

  /** A duration of at least {@code min}. */
  static Validator atLeastDuration(Duration min) {
    return atLeastDuration(min, "");
  }

  /**
   * A duration of at least {@code min}; {@code why} (empty for none) tells the user in the error what
   * a shorter one would break.
   */
  static Validator atLeastDuration(Duration min, String why) {
    return new Validator() {
      @Override
      public void ensureValid(String key, Object value) {
        if (value != null && ((Duration) value).compareTo(min) < 0) {
          throw VigilErrors.invalidConfigValue(key, Durations.format((Duration) value),
              "a duration of at least " + Durations.format(min) + (why.isEmpty() ? "" : ": " + why));
        }
      }

      @Override
      public String describe() {
        return ">= " + Durations.format(min);
      }
    };
  }

  static Validator oneOf(String... choices) {
    List<String> list = Arrays.asList(choices);
    return new Validator() {
      @Override
      public void ensureValid(String key, Object value) {
        if (value != null && !list.contains(value.toString())) {
          throw VigilErrors.invalidConfigValue(key, value.toString(), "one of " + list);
        }
      }

      @Override
      public String describe() {
        return "one of " + list;
      }
    };
  }

  static Validator matches(String regex, String meaning) {
    Pattern pattern = Pattern.compile(regex);
    return new Validator() {
      @Override
      public void ensureValid(String key, Object value) {
        if (value != null && !pattern.matcher(value.toString()).matches()) {
          throw VigilErrors.invalidConfigValue(key, value.toString(), meaning);
        }
      }

      @Override
      public String describe() {
        return meaning;
      }
    };
  }

  static Validator nonEmpty() {
    return new Validator() {
      @Override
      public void ensureValid(String key, Object value) {
        if (value == null || value.toString().isBlank() || (value instanceof List<?> l && l.isEmpty())) {
          throw VigilErrors.invalidConfigValue(key, String.valueOf(value), "a non-empty value");
        }
      }

      @Override
      public String describe() {
        return "non-empty";
      }
    };
  }
}
