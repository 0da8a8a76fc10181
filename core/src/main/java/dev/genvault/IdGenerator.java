package dev.genvault;

import com.aventrix.jnanoid.jnanoid.NanoIdUtils;
import java.security.SecureRandom;

/**
 * Makes generation IDs. The default is a nanoid: 21 characters of {@code A-Za-z0-9_-} from {@link
 * SecureRandom} (about 126 bits). The generator refuses any ID shorter than {@link #MIN_LENGTH} or
 * with characters outside that alphabet. Implementations must be thread safe.
 */
@FunctionalInterface
public interface IdGenerator {
  /** Shortest ID the generator accepts. */
  int MIN_LENGTH = 16;

  /** Longest ID the generator accepts. */
  int MAX_LENGTH = 64;

  /** A new, unique, URL-safe ID. */
  String newId();

  /** Nanoids of 21 characters. */
  static IdGenerator nanoid() {
    return nanoid(21);
  }

  /**
   * Nanoids of the given length.
   *
   * @throws IllegalArgumentException if {@code length} is below {@link #MIN_LENGTH} or above {@link
   *     #MAX_LENGTH}
   */
  static IdGenerator nanoid(int length) {
    if (length < MIN_LENGTH || length > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "ID length must be between " + MIN_LENGTH + " and " + MAX_LENGTH + ": " + length);
    }
    SecureRandom random = new SecureRandom();
    return () -> NanoIdUtils.randomNanoId(random, NanoIdUtils.DEFAULT_ALPHABET, length);
  }

  /**
   * Checks an ID made by any generator.
   *
   * @return the ID
   * @throws IllegalStateException if it is too short, too long, or not URL-safe
   */
  static String check(String id) {
    if (id == null || id.length() < MIN_LENGTH || id.length() > MAX_LENGTH) {
      throw new IllegalStateException(
          "the ID generator must make IDs of "
              + MIN_LENGTH
              + " to "
              + MAX_LENGTH
              + " characters, got "
              + (id == null ? "null" : id.length() + " characters"));
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '-';
      if (!ok) {
        throw new IllegalStateException("the ID generator made an ID that is not URL-safe");
      }
    }
    return id;
  }
}
