package io.vigil.common.internal;

import io.vigil.common.VigilErrors;
import io.vigil.common.config.Password;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resolves a secret's config text: {@code env:NAME} reads an environment variable, {@code file:/path}
 * reads a file (trailing newline dropped); anything else is taken literally.
 */
public final class SecretResolver {
  private SecretResolver() {}

  public static Password resolve(String key, String text) {
    if (text.startsWith("env:")) {
      String name = text.substring(4);
      String value = System.getenv(name);
      if (value == null) {
        throw VigilErrors.secretNotReadable(key, "environment variable " + name, null);
      }
      return new Password(value);
    }
    if (text.startsWith("file:")) {
      Path path = Path.of(text.substring(5));
      try {
        return new Password(Files.readString(path, StandardCharsets.UTF_8).stripTrailing());
      } catch (IOException e) {
        throw VigilErrors.secretNotReadable(key, "file " + path, e);
      }
    }
    return new Password(text);
  }
}
