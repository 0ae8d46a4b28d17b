package io.vigil.schemas;

/** How urgently a person should look. */
public enum Severity { INFO, WARNING, CRITICAL }
