package dev.genvault.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * How the row's three hashes are stored (schema 7): the dedup fingerprint, the thread key and the
 * thread hash are lowercase hex in the record (32 digits; a fingerprint of a record written by an
 * earlier version, 64), and their bytes in the {@code *_bytes} columns: 17 bytes a 128-bit value on
 * PostgreSQL instead of 33. A value that is not lowercase hex (a fingerprint of another shape, set
 * by hand) goes to the text column as it is, so every value reads back exactly as written. Rows
 * written before schema 7 keep their hex text, and read as they did. Thread safe (stateless).
 */
final class HashColumns {
  private static final HexFormat HEX = HexFormat.of();

  private HashColumns() {}

  /** The bytes of a lowercase hex value, or null if it is null or of any other shape. */
  static byte @Nullable [] bytes(@Nullable String hash) {
    if (hash == null || hash.isEmpty() || hash.length() % 2 != 0 || hash.length() > 128) {
      return null;
    }
    for (int i = 0; i < hash.length(); i++) {
      char c = hash.charAt(i);
      if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
        return null;
      }
    }
    return HEX.parseHex(hash);
  }

  /**
   * Binds a hash as {@code :name} (the text column) and {@code :nameBytes} (the bytes column): one
   * of the two holds it, the other is NULL.
   */
  static <X extends Exception> void bind(RecordParams<X> p, String name, @Nullable String hash)
      throws X {
    byte[] bytes = bytes(hash);
    p.bytes(name + "Bytes", bytes);
    p.text(name, bytes == null ? hash : null);
  }

  /** A hash as read from {@code column} and {@code column_bytes}, or null if both are NULL. */
  static @Nullable String read(ResultSet rs, String column) throws SQLException {
    byte[] bytes = rs.getBytes(column + "_bytes");
    return bytes != null ? HEX.formatHex(bytes) : rs.getString(column);
  }
}
