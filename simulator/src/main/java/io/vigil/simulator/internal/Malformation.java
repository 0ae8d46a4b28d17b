package io.vigil.simulator.internal;

/** The ways a payload breaks the contract. Only NON_NUMERIC and NAN concern one metric. */
public enum Malformation {
  /** Not JSON at all: a truncated object or a key=value text line. */
  NOT_JSON(false),
  /** A metric whose value is a non-numeric string. */
  NON_NUMERIC(true),
  /** A metric whose value is the string "NaN". */
  NAN(true),
  /** No ts field. */
  MISSING_TS(false),
  /** ts in 1970. */
  TS_1970(false),
  /** ts in 2999. */
  TS_2999(false),
  /** Valid JSON, but larger than 64 KiB. */
  OVERSIZED(false),
  /** Zero bytes. */
  EMPTY(false);

  public static final int OVERSIZED_BYTES = 70_000;
  public static final String NON_NUMERIC_VALUE = "ERR";

  private final boolean perMetric;

  Malformation(boolean perMetric) {
    this.perMetric = perMetric;
  }

  public boolean perMetric() {
    return perMetric;
  }
}
