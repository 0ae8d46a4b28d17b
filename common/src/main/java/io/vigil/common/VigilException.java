package io.vigil.common;

import java.util.Objects;

/**
 * A failure a user can act on. Every message says what went wrong, why, and how to fix it, in that
 * order, so that a log line alone is enough to act on. Build these through {@link VigilErrors},
 * never inline, so the wording stays consistent.
 */
public class VigilException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String what;
  private final String why;
  private final String fix;

  public VigilException(String what, String why, String fix) {
    this(what, why, fix, null);
  }

  public VigilException(String what, String why, String fix, Throwable cause) {
    super(compose(what, why, fix), cause);
    this.what = Objects.requireNonNull(what, "what");
    this.why = why;
    this.fix = fix;
  }

  private static String compose(String what, String why, String fix) {
    StringBuilder sb = new StringBuilder(what);
    if (why != null && !why.isBlank()) {
      sb.append(' ').append(why);
    }
    if (fix != null && !fix.isBlank()) {
      sb.append(" Fix: ").append(fix);
    }
    return sb.toString();
  }

  /** What went wrong, naming the thing (config key, field, topic, file). */
  public String what() {
    return what;
  }

  /** Why it is a problem, or what was expected. */
  public String why() {
    return why;
  }

  /** What the user can do about it. */
  public String fix() {
    return fix;
  }

  /** Whether retrying the same operation later may succeed without anyone changing anything. */
  public boolean isRetriable() {
    return false;
  }
}
