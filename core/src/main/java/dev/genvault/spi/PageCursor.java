package dev.genvault.spi;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

/**
 * The position after which a newest-first listing goes on: the last item's {@code createdAt} and
 * ID. Every store encodes its cursors with {@link #encode()} so they stay opaque and portable.
 *
 * @param createdAt the last listed item's creation time
 * @param id the last listed item's ID (breaks ties between equal times)
 */
public record PageCursor(Instant createdAt, String id) {

  /** Checks the fields. */
  public PageCursor {
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(id, "id");
  }

  /** The opaque, URL-safe form. */
  public String encode() {
    String raw = createdAt.getEpochSecond() + "." + createdAt.getNano() + "." + id;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  private static final Instant FIRST = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant LAST = Instant.parse("9999-12-31T23:59:59.999999999Z");

  /**
   * Parses an {@link #encode()}d cursor.
   *
   * @throws IllegalArgumentException if the cursor was not made by {@link #encode()}
   */
  public static PageCursor decode(String cursor) {
    try {
      String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      int first = raw.indexOf('.');
      int second = raw.indexOf('.', first + 1);
      if (first <= 0 || second <= first + 1 || second == raw.length() - 1) {
        throw new IllegalArgumentException("malformed");
      }
      long seconds = Long.parseLong(raw.substring(0, first));
      int nanos = Integer.parseInt(raw.substring(first + 1, second));
      Instant at = Instant.ofEpochSecond(seconds, nanos);
      if (at.isBefore(FIRST) || at.isAfter(LAST)) {
        throw new IllegalArgumentException("out of range"); // no store holds such a time
      }
      return new PageCursor(at, raw.substring(second + 1));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a valid page cursor: " + cursor, e);
    }
  }
}
