package dev.genvault.spi;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.genvault.Generation;
import dev.genvault.GenerationKind;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationStatus;
import dev.genvault.Message;
import dev.genvault.internal.Hashing;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The conversation hashes that link chat generations into threads, for stores that keep threads
 * (see {@link GenerationStore#findThreadTip}).
 *
 * <p>A generation's <b>thread hash</b> is SHA-256, cut to its first 128 bits (32 hex digits: short
 * index keys, and no collision in any number of rows a database holds), over a length-prefixed
 * encoding of its tenant, its user, its system prompt, its messages (a prompt counts as one {@code
 * user} message) and then its answer as an {@code assistant} message. A later request whose
 * messages begin with those messages and that answer, from the same user and tenant with the same
 * system prompt, has a <b>prefix</b> with the same hash. Only a {@link GenerationStatus#COMPLETE}
 * text generation without tool calls or files has a thread hash: an answer that is not plain text
 * cannot be sent back as a message.
 *
 * <p>A text generation's <b>thread key</b> ({@link #keyOf}) is the same hash without the answer:
 * its conversation alone, known before the model is called. A store can index the key, written with
 * the pending row and never changed, rather than the hash, which is only known at the end (on
 * PostgreSQL, an index on a column that the final update changes stops that update from being a HOT
 * update); it finds a prefix's candidates by {@link Prefix#key()} and keeps those whose thread hash
 * is the prefix's {@link Prefix#hash()}.
 *
 * <p>The encoding is stable: stored hashes stay valid across versions. Thread safe (stateless).
 */
public final class Threads {
  private static final String VERSION = "genvault-thread-1";

  private Threads() {}

  /**
   * A prefix of a request's messages that ends with an {@code assistant} message: what an earlier
   * generation's conversation and answer would be.
   *
   * @param hash the thread hash a generation with that conversation and answer has
   * @param key the thread key of such a generation: the hash of the prefix without its last message
   * @param messages how many leading messages the prefix holds
   */
  public record Prefix(String hash, String key, int messages) {}

  /** The generation's thread hash, or null if it cannot be continued (see the class comment). */
  public static @Nullable String hashOf(Generation g) {
    if (g.status() != GenerationStatus.COMPLETE
        || g.kind() != GenerationKind.TEXT
        || g.toolCalls() != null
        || !g.blobs().isEmpty()) {
      return null;
    }
    if (!Hashing.isUnicode(g.text())) {
      return null;
    }
    Encoder e = conversationOf(g.request());
    e.message("assistant", g.text());
    return e.finish();
  }

  /**
   * The request's thread key: the hash of its conversation (see the class comment), or null for an
   * image request.
   */
  public static @Nullable String keyOf(GenerationRequest r) {
    if (r.kind() != GenerationKind.TEXT) {
      return null;
    }
    return conversationOf(r).finish();
  }

  /**
   * The digest of each recent request's conversation, by request instance (Caffeine's weak keys
   * compare identity): a chat turn's thread lookup, its insert (the key) and its finish (the hash)
   * each need it, and each would otherwise hash the whole conversation again.
   */
  private static final Cache<GenerationRequest, Encoder> CONVERSATIONS =
      Caffeine.newBuilder().weakKeys().maximumSize(4_096).executor(Runnable::run).build();

  /** A fresh encoder holding the request's conversation, ready for more. */
  private static Encoder conversationOf(GenerationRequest r) {
    Encoder done = CONVERSATIONS.getIfPresent(r);
    if (done == null) {
      done = Encoder.start(r);
      for (Message m : conversation(r)) {
        done.message(m.role(), m.content());
      }
      CONVERSATIONS.put(r, done);
    }
    return done.copy();
  }

  /**
   * The prefixes of a chat request that an earlier generation could have: one per {@code assistant}
   * message after the first message, longest first. Empty for a prompt, an image request, or
   * messages without an answer in them.
   */
  public static List<Prefix> prefixesOf(GenerationRequest r) {
    if (r.kind() != GenerationKind.TEXT || r.prompt() != null) {
      return List.of();
    }
    List<Message> messages = r.messages();
    List<Prefix> prefixes = new ArrayList<>();
    Encoder e = Encoder.start(r);
    for (int i = 0; i < messages.size(); i++) {
      Message m = messages.get(i);
      String key = i > 0 && m.role().equals("assistant") ? e.copy().finish() : null;
      e.message(m.role(), m.content());
      if (key != null) {
        prefixes.add(new Prefix(e.copy().finish(), key, i + 1));
      }
    }
    CONVERSATIONS.put(r, e);
    Collections.reverse(prefixes);
    return prefixes;
  }

  /**
   * What a generation passes on to a continuation: its messages (a prompt as one {@code user}
   * message) and then its answer as an {@code assistant} message.
   */
  public static List<Message> passedOn(GenerationRequest request, String answer) {
    List<Message> messages = new ArrayList<>(conversation(request));
    messages.add(Message.assistant(answer));
    return messages;
  }

  private static List<Message> conversation(GenerationRequest r) {
    return r.prompt() != null ? List.of(Message.user(r.prompt())) : r.messages();
  }

  /**
   * The running digest, over the strings of a built request (valid Unicode: the builder refuses a
   * lone surrogate) and an answer checked with {@link Hashing#isUnicode}.
   */
  private static final class Encoder {
    private final MessageDigest digest;

    private Encoder(MessageDigest digest) {
      this.digest = digest;
    }

    static Encoder start(GenerationRequest r) {
      Encoder e = new Encoder(Hashing.sha256());
      e.text(VERSION);
      e.text(r.tenantId());
      e.text(r.userId());
      e.text(r.system());
      return e;
    }

    Encoder copy() {
      try {
        return new Encoder((MessageDigest) digest.clone());
      } catch (CloneNotSupportedException e) {
        throw new IllegalStateException("the JDK's SHA-256 cannot be copied", e);
      }
    }

    void message(String role, String content) {
      text(role);
      text(content);
    }

    String finish() {
      return HexFormat.of().formatHex(digest.digest(), 0, 16);
    }

    /** Absent as one byte 0; present as 1, the UTF-8 length and the bytes. */
    private void text(@Nullable String value) {
      Hashing.text(digest, value);
    }
  }
}
