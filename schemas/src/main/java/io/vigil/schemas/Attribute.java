package io.vigil.schemas;

import java.io.Serializable;

/**
 * A string a device reports next to its readings ({@code status=RUNNING}, {@code fw=1.4.2}): not
 * a metric, kept so a user can query it beside the readings of the same time.
 */
public record Attribute(String name, String value, long eventTimeMillis) implements Serializable {}
