package dev.genvault.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Fields of a URL-encoded form or query string: the first value of each name wins. */
final class FormFields {
  private FormFields() {}

  /**
   * The fields of {@code encoded} ({@code a=1&b=2}), decoded, in order; empty for null.
   *
   * @throws IllegalArgumentException for a malformed %-escape, saying only that
   */
  static Map<String, String> decode(@Nullable String encoded) {
    Map<String, String> fields = new LinkedHashMap<>();
    if (encoded == null) {
      return fields;
    }
    try {
      decode(encoded, fields);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("a malformed %-escape", e);
    }
    return fields;
  }

  private static void decode(String encoded, Map<String, String> fields) {
    for (String pair : encoded.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name =
          URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      fields.putIfAbsent(name, value);
    }
  }
}
