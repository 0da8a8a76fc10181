package dev.genvault;

import dev.genvault.internal.Hashing;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The dedup fingerprint: SHA-256, cut to its first 128 bits (32 hex digits), over a length-prefixed
 * encoding of every {@link RequestField} that {@linkplain RequestField#affectsOutput() affects the
 * output}, plus the cache scope. Each field is written as a tag, a presence byte and the UTF-8
 * length and bytes of its value, so no two different requests encode alike.
 */
final class Fingerprint {
  private final MessageDigest digest = Hashing.sha256();

  private Fingerprint() {}

  static String of(GenerationRequest r, CacheScope scope) {
    Fingerprint f = new Fingerprint();
    f.field("v", "genvault-fingerprint-2");
    for (RequestField field : RequestField.values()) {
      if (field.affectsOutput()) {
        f.value(field, field.value(r));
      }
    }
    f.field("tenant", r.tenantId());
    f.field("user", scope == CacheScope.USER ? r.userId() : null);
    // 128 bits, as the thread hashes: no accidental collision in any number of requests a cache or
    // a database holds, and half the bytes in every row and cache key (records written by earlier
    // versions keep 64 hex digits).
    return HexFormat.of().formatHex(f.digest.digest(), 0, 16);
  }

  /** One field, by its declared type: its key, then a presence byte and its canonical value. */
  @SuppressWarnings("unchecked")
  private void value(RequestField field, @Nullable Object value) {
    String tag = field.key();
    switch (field.type()) {
      case KIND -> field(tag, ((GenerationKind) value).wireName());
      case TEXT, DECIMAL, INTEGER -> field(tag, value == null ? null : value.toString());
      case TEXT_LIST -> list(tag, (List<String>) value);
      case MESSAGES -> {
        List<Message> messages = (List<Message>) value;
        count(tag, messages.size());
        for (Message m : messages) {
          field("role", m.role());
          field("content", m.content());
        }
      }
      case TEXT_MAP -> {
        Map<String, String> map = new java.util.TreeMap<>((Map<String, String>) value);
        count(tag, map.size());
        for (Map.Entry<String, String> e : map.entrySet()) {
          field("name", e.getKey());
          field("value", e.getValue());
        }
      }
    }
  }

  private void list(String tag, List<String> values) {
    count(tag, values.size());
    for (String v : values) {
      field("item", v);
    }
  }

  private void count(String tag, int count) {
    field(tag, Integer.toString(count));
  }

  /**
   * The tag's length and bytes, then the value (valid Unicode: the request builder refuses a lone
   * surrogate) as {@link Hashing#text} writes it.
   */
  private void field(String tag, @Nullable String value) {
    bytes(tag.getBytes(StandardCharsets.UTF_8));
    Hashing.text(digest, value);
  }

  private void bytes(byte[] b) {
    digest.update(ByteBuffer.allocate(4).putInt(b.length).array());
    digest.update(b);
  }
}
