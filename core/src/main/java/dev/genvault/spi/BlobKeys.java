package dev.genvault.spi;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/** The rules for {@link BlobStore} keys, and the keys the generator makes. */
public final class BlobKeys {
  /** Longest key, in characters. */
  public static final int MAX_KEY_LENGTH = 512;

  private static final Map<String, String> EXTENSIONS =
      Map.ofEntries(
          Map.entry("image/png", "png"),
          Map.entry("image/jpeg", "jpg"),
          Map.entry("image/webp", "webp"),
          Map.entry("image/gif", "gif"),
          Map.entry("audio/mpeg", "mp3"),
          Map.entry("audio/wav", "wav"),
          Map.entry("audio/ogg", "ogg"),
          Map.entry("audio/flac", "flac"),
          Map.entry("application/json", "json"),
          Map.entry("text/plain", "txt"),
          Map.entry("application/pdf", "pdf"));

  private BlobKeys() {}

  /**
   * Checks a key against the rules in {@link BlobStore}.
   *
   * @return the key
   * @throws IllegalArgumentException naming what is wrong
   */
  public static String check(String key) {
    Objects.requireNonNull(key, "key");
    if (key.isEmpty()) {
      throw new IllegalArgumentException("blob key must not be empty");
    }
    if (key.length() > MAX_KEY_LENGTH) {
      throw new IllegalArgumentException(
          "blob key is longer than " + MAX_KEY_LENGTH + " characters");
    }
    int start = 0;
    while (true) {
      int slash = key.indexOf('/', start);
      int end = slash < 0 ? key.length() : slash;
      checkSegment(key, key.substring(start, end));
      if (slash < 0) {
        return key;
      }
      start = slash + 1;
    }
  }

  private static void checkSegment(String key, String segment) {
    if (segment.isEmpty() || segment.length() > 128) {
      throw new IllegalArgumentException(
          "blob key has an empty or over-long segment: '" + printable(key) + "'");
    }
    if (segment.equals(".") || segment.equals("..")) {
      throw new IllegalArgumentException(
          "blob key must not contain '.' or '..' segments: '" + printable(key) + "'");
    }
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-';
      if (!ok) {
        throw new IllegalArgumentException(
            "blob key may only hold A-Z a-z 0-9 . _ - and '/': '" + printable(key) + "'");
      }
    }
  }

  private static String printable(String key) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < key.length() && i < 80; i++) {
      char c = key.charAt(i);
      sb.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return sb.toString();
  }

  /**
   * The file extension for a content type, from an allow-list ({@code png}, {@code jpg}, {@code
   * webp}, {@code gif}, {@code mp3}, {@code wav}, {@code ogg}, {@code flac}, {@code json}, {@code
   * txt}, {@code pdf}); {@code bin} for anything else.
   */
  public static String extension(String contentType) {
    String base = contentType.toLowerCase(Locale.ROOT);
    int semicolon = base.indexOf(';');
    if (semicolon >= 0) {
      base = base.substring(0, semicolon);
    }
    return EXTENSIONS.getOrDefault(base.strip(), "bin");
  }

  /**
   * The key of a generation's {@code n}-th file: {@code generations/{id}/{n}.{ext}}, built only
   * from the ID and an allow-listed extension.
   */
  public static String forGeneration(String generationId, int n, String contentType) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0: " + n);
    }
    return check("generations/" + generationId + "/" + n + "." + extension(contentType));
  }
}
