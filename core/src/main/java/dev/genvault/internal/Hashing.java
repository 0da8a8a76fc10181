package dev.genvault.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/** SHA-256 helpers for blob stores, fingerprints and thread hashes. */
public final class Hashing {
  private Hashing() {}

  /**
   * Feeds a length-prefixed text to a digest: one byte 0 for null; else 1, the UTF-8 length as four
   * big-endian bytes, and the UTF-8 bytes. The text must be valid Unicode (no lone surrogate, which
   * {@code getBytes} would turn into {@code ?}): every string of a built request is (the builder
   * refuses the rest); check any other text with {@link #isUnicode} first. {@code String.getBytes}
   * is used because it is many times faster than a {@code CharsetEncoder} over a wrapped string,
   * which encodes char by char.
   */
  public static void text(MessageDigest digest, @Nullable String text) {
    if (text == null) {
      digest.update((byte) 0);
      return;
    }
    digest.update((byte) 1);
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int n = bytes.length;
    digest.update((byte) (n >>> 24));
    digest.update((byte) (n >>> 16));
    digest.update((byte) (n >>> 8));
    digest.update((byte) n);
    digest.update(bytes);
  }

  /** Whether the text has a UTF-8 form: no UTF-16 surrogate without its pair. */
  public static boolean isUnicode(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < text.length()
            && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
        } else {
          return false;
        }
      }
    }
    return true;
  }

  /** A new SHA-256 digest (every JDK has one). */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** The lower-case hex SHA-256 of the bytes. */
  public static String sha256Hex(byte[] bytes) {
    return HexFormat.of().formatHex(sha256().digest(bytes));
  }
}
