package dev.genvault;

import dev.genvault.internal.Hashing;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The dedup fingerprint: SHA-256 over a length-prefixed encoding of every field that changes the
 * output plus the cache scope. Each field is written as a tag, a presence byte and the UTF-8 length
 * and bytes of its value, so no two different requests encode alike.
 */
final class Fingerprint {
  private final MessageDigest digest = Hashing.sha256();

  /** Strict: a lone surrogate fails instead of becoming {@code ?} (requests refuse them anyway). */
  private final CharsetEncoder utf8 =
      StandardCharsets.UTF_8
          .newEncoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);

  private Fingerprint() {}

  static String of(GenerationRequest r, CacheScope scope) {
    Fingerprint f = new Fingerprint();
    f.field("v", "genvault-fingerprint-1");
    f.field("kind", r.kind().wireName());
    f.field("model", r.model());
    f.field("system", r.system());
    f.field("prompt", r.prompt());
    f.count("messages", r.messages().size());
    for (Message m : r.messages()) {
      f.field("role", m.role());
      f.field("content", m.content());
    }
    f.field("temperature", r.temperature() == null ? null : Double.toString(r.temperature()));
    f.field("topP", r.topP() == null ? null : Double.toString(r.topP()));
    f.field("maxOutputTokens", r.maxOutputTokens() == null ? null : r.maxOutputTokens().toString());
    f.field("seed", r.seed() == null ? null : r.seed().toString());
    f.field("n", r.n() == null ? null : r.n().toString());
    f.list("stop", r.stop());
    f.field("responseFormat", r.responseFormat());
    f.field("tools", r.tools());
    f.field("toolChoice", r.toolChoice());
    f.field("imageSize", r.imageSize());
    f.field("imageQuality", r.imageQuality());
    f.count("parameters", r.parameters().size());
    for (Map.Entry<String, String> e : r.parameters().entrySet()) {
      f.field("name", e.getKey());
      f.field("value", e.getValue());
    }
    f.field("tenant", r.tenantId());
    f.field("user", scope == CacheScope.USER ? r.userId() : null);
    return HexFormat.of().formatHex(f.digest.digest());
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

  private void field(String tag, @Nullable String value) {
    bytes(tag.getBytes(StandardCharsets.UTF_8));
    if (value == null) {
      digest.update((byte) 0);
    } else {
      digest.update((byte) 1);
      ByteBuffer encoded;
      try {
        encoded = utf8.encode(CharBuffer.wrap(value));
      } catch (CharacterCodingException e) {
        throw new IllegalArgumentException(tag + " is not valid Unicode text", e);
      }
      digest.update(ByteBuffer.allocate(4).putInt(encoded.remaining()).array());
      digest.update(encoded);
    }
  }

  private void bytes(byte[] b) {
    digest.update(ByteBuffer.allocate(4).putInt(b.length).array());
    digest.update(b);
  }
}
