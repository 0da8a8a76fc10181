package dev.genvault.internal;

import com.squareup.moshi.JsonReader;
import com.squareup.moshi.JsonWriter;
import dev.genvault.GenerationKind;
import dev.genvault.GenerationRequest;
import dev.genvault.Message;
import dev.genvault.RequestField;
import dev.genvault.Usage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * JSON for the parts of a record that stores keep as documents: the request (with its metadata) and
 * the usage. The encoding is stable; unknown keys are skipped when reading, so older code can read
 * rows written by newer code. Thread safe (stateless).
 */
public final class RecordJson {
  private RecordJson() {}

  /** The names of a JSON document: stored JSON is snake_case; the HTTP routes speak camelCase. */
  public enum Casing {
    /** {@code max_output_tokens}: the stored form. */
    SNAKE,
    /** {@code maxOutputTokens}: the HTTP form. */
    CAMEL;

    String name(String snake) {
      if (this == SNAKE || snake.indexOf('_') < 0) {
        return snake;
      }
      StringBuilder out = new StringBuilder(snake.length());
      boolean upper = false;
      for (char c : snake.toCharArray()) {
        if (c == '_') {
          upper = true;
        } else {
          out.append(upper ? Character.toUpperCase(c) : c);
          upper = false;
        }
      }
      return out.toString();
    }
  }

  /** The request as a JSON object: each set {@link RequestField} under its key. */
  public static String request(GenerationRequest r) {
    return request(r, Casing.SNAKE);
  }

  /** The request as a JSON object, its names in the given casing. */
  public static String request(GenerationRequest r, Casing casing) {
    return request(r, casing, 0, Set.of(), false);
  }

  /**
   * The request as a store keeps it: snake_case, without the fields in {@code omit} (those a store
   * keeps in columns of their own, and gives back to {@link #request(String, List, Map)}), and its
   * messages from index {@code skipMessages} on (how a store keeps a continuation, whose first
   * messages are its parent's; a {@code messages} array is written even when nothing follows them).
   * Each message is written as a {@code [role, content]} pair rather than an object: on
   * PostgreSQL's JSONB that is 19 bytes less per message. The readers of stored requests read both
   * forms; {@link #messages(JsonReader)}, for the HTTP routes, only objects.
   */
  public static String storedRequest(
      GenerationRequest r, int skipMessages, Set<RequestField> omit) {
    return request(r, Casing.SNAKE, skipMessages, omit, true);
  }

  private static String request(
      GenerationRequest r,
      Casing casing,
      int skipMessages,
      Set<RequestField> omit,
      boolean messagePairs) {
    return write(
        w -> {
          w.beginObject();
          for (RequestField f : RequestField.values()) {
            if (omit.contains(f)) {
              continue;
            }
            if (f == RequestField.MESSAGES && skipMessages > 0) {
              w.name(casing.name(f.key()));
              messages(w, r.messages().subList(skipMessages, r.messages().size()), messagePairs);
            } else if (f == RequestField.MESSAGES && f.isSet(r)) {
              w.name(casing.name(f.key()));
              messages(w, r.messages(), messagePairs);
            } else if (f.isSet(r)) {
              w.name(casing.name(f.key()));
              value(w, f.type(), Objects.requireNonNull(f.value(r)));
            }
          }
          w.endObject();
        });
  }

  private static void messages(JsonWriter w, List<Message> messages, boolean pairs)
      throws IOException {
    w.beginArray();
    for (Message m : messages) {
      if (pairs) {
        w.beginArray().value(m.role()).value(m.content()).endArray();
      } else {
        w.beginObject().name("role").value(m.role()).name("content").value(m.content());
        w.endObject();
      }
    }
    w.endArray();
  }

  @SuppressWarnings("unchecked")
  private static void value(JsonWriter w, RequestField.Type type, Object value) throws IOException {
    switch (type) {
      case KIND -> w.value(((GenerationKind) value).wireName());
      case TEXT -> w.value((String) value);
      case DECIMAL -> w.value((Double) value);
      case INTEGER -> w.value((Number) value);
      case TEXT_LIST -> {
        w.beginArray();
        for (String s : (List<String>) value) {
          w.value(s);
        }
        w.endArray();
      }
      case MESSAGES -> messages(w, (List<Message>) value, false);
      case TEXT_MAP -> writeStringMap(w, (Map<String, String>) value);
    }
  }

  /**
   * Reads a request written by {@link #request(GenerationRequest)}; unknown keys are skipped.
   *
   * @throws IllegalArgumentException if the JSON is malformed or the request invalid
   */
  public static GenerationRequest request(String json) {
    return request(json, List.of());
  }

  /**
   * Reads a request written by {@link #storedRequest} with nothing omitted: {@code inherited} are
   * the messages it skipped, placed before the ones it holds.
   *
   * @throws IllegalArgumentException if the JSON is malformed or the request invalid
   */
  public static GenerationRequest request(String json, List<Message> inherited) {
    return request(json, inherited, Map.of());
  }

  /**
   * Reads a request written without some fields (see {@link #storedRequest}): {@code columns} gives
   * them back; a field the JSON holds wins (rows written before the fields were left out).
   *
   * @throws IllegalArgumentException if the JSON is malformed or the request invalid
   */
  public static GenerationRequest request(
      String json, List<Message> inherited, Map<RequestField, Object> columns) {
    return read(
        json,
        r -> {
          GenerationRequest.Builder b = GenerationRequest.builder();
          columns.forEach(b::set);
          boolean messages = false;
          r.beginObject();
          while (r.hasNext()) {
            RequestField f = RequestField.forKey(r.nextName());
            if (f == null) {
              r.skipValue();
            } else if (f == RequestField.MESSAGES && !inherited.isEmpty()) {
              List<Message> all = new ArrayList<>(inherited);
              all.addAll(messages(r, true));
              b.messages(all);
              messages = true;
            } else {
              b.set(f, value(r, f.type()));
            }
          }
          r.endObject();
          if (!messages && !inherited.isEmpty()) {
            b.messages(inherited);
          }
          return b.build();
        });
  }

  /**
   * The conversation a stored request holds, without checking or building the request: its prompt
   * as one {@code user} message, or the messages it holds (after any it skipped).
   */
  public static List<Message> conversation(String json) {
    return read(
        json,
        r -> {
          List<Message> messages = List.of();
          r.beginObject();
          while (r.hasNext()) {
            String name = r.nextName();
            if (name.equals(RequestField.MESSAGES.key())) {
              messages = messages(r, true);
            } else if (name.equals(RequestField.PROMPT.key())) {
              messages = List.of(Message.user(r.nextString()));
            } else {
              r.skipValue();
            }
          }
          r.endObject();
          return messages;
        });
  }

  private static Object value(JsonReader r, RequestField.Type type) throws IOException {
    switch (type) {
      case KIND:
        return GenerationKind.fromWireName(r.nextString());
      case TEXT:
        return r.nextString();
      case DECIMAL:
        return r.nextDouble();
      case INTEGER:
        return r.nextLong();
      case TEXT_LIST:
        List<String> list = new ArrayList<>();
        r.beginArray();
        while (r.hasNext()) {
          list.add(r.nextString());
        }
        r.endArray();
        return list;
      case MESSAGES:
        return messages(r, true);
      default:
        return readStringMap(r);
    }
  }

  /**
   * Reads an array of {@code {"role":..., "content":...}} objects, other names skipped: the form
   * the HTTP routes take.
   *
   * @throws IllegalArgumentException for a message without a role or a content
   */
  public static List<Message> messages(JsonReader r) throws IOException {
    return messages(r, false);
  }

  /**
   * Reads an array of messages as stored: objects, or {@code [role, content]} pairs where {@code
   * pairs} (as {@link #storedRequest} writes them).
   */
  private static List<Message> messages(JsonReader r, boolean pairs) throws IOException {
    List<Message> messages = new ArrayList<>();
    r.beginArray();
    while (r.hasNext()) {
      String role = null;
      String content = null;
      if (pairs && r.peek() == JsonReader.Token.BEGIN_ARRAY) {
        r.beginArray();
        role = r.nextString();
        content = r.nextString();
        r.endArray();
      } else {
        r.beginObject();
        while (r.hasNext()) {
          switch (r.nextName()) {
            case "role" -> role = r.nextString();
            case "content" -> content = r.nextString();
            default -> r.skipValue();
          }
        }
        r.endObject();
      }
      if (role == null || content == null) {
        throw new IllegalArgumentException("a message needs a role and content");
      }
      messages.add(new Message(role, content));
    }
    r.endArray();
    return messages;
  }

  /** The usage as a JSON object; unknown counts are left out. */
  public static String usage(Usage u) {
    return usage(u, Casing.SNAKE);
  }

  /**
   * The usage as a JSON object, its names in the given casing (the provider's raw report as is).
   */
  public static String usage(Usage u, Casing casing) {
    return usage(u, casing, true);
  }

  /**
   * The usage as {@link #usage(Usage)} writes it, but without the input and output counts: for a
   * store that keeps those two in columns of their own.
   */
  public static String usageWithoutTotals(Usage u) {
    return usage(u, Casing.SNAKE, false);
  }

  private static String usage(Usage u, Casing casing, boolean totals) {
    return write(
        w -> {
          w.beginObject();
          Counts count = (name, value) -> count(w, casing.name(name), value);
          count.write("input_tokens", totals ? u.inputTokens() : null);
          count.write("cache_read_tokens", u.cacheReadTokens());
          count.write("cache_write_tokens", u.cacheWriteTokens());
          count.write("output_tokens", totals ? u.outputTokens() : null);
          count.write("reasoning_tokens", u.reasoningTokens());
          count.write("image_input_tokens", u.imageInputTokens());
          count.write("image_output_tokens", u.imageOutputTokens());
          count.write("audio_input_tokens", u.audioInputTokens());
          count.write("audio_output_tokens", u.audioOutputTokens());
          count.write("cache_write_1h_tokens", u.cacheWrite1hTokens());
          count.write("audio_cache_read_tokens", u.audioCacheReadTokens());
          count.write("image_cache_read_tokens", u.imageCacheReadTokens());
          if (!u.raw().isEmpty()) {
            w.name("raw").beginObject();
            for (Map.Entry<String, Long> e : u.raw().entrySet()) {
              w.name(e.getKey()).value(e.getValue());
            }
            w.endObject();
          }
          w.endObject();
        });
  }

  /** Reads a usage written by {@link #usage(Usage)}. */
  public static Usage usage(String json) {
    return read(
        json,
        r -> {
          Usage.Builder b = Usage.builder();
          r.beginObject();
          while (r.hasNext()) {
            switch (r.nextName()) {
              case "input_tokens" -> b.inputTokens(r.nextLong());
              case "cache_read_tokens" -> b.cacheReadTokens(r.nextLong());
              case "cache_write_tokens" -> b.cacheWriteTokens(r.nextLong());
              case "output_tokens" -> b.outputTokens(r.nextLong());
              case "reasoning_tokens" -> b.reasoningTokens(r.nextLong());
              case "image_input_tokens" -> b.imageInputTokens(r.nextLong());
              case "image_output_tokens" -> b.imageOutputTokens(r.nextLong());
              case "audio_input_tokens" -> b.audioInputTokens(r.nextLong());
              case "audio_output_tokens" -> b.audioOutputTokens(r.nextLong());
              case "cache_write_1h_tokens" -> b.cacheWrite1hTokens(r.nextLong());
              case "audio_cache_read_tokens" -> b.audioCacheReadTokens(r.nextLong());
              case "image_cache_read_tokens" -> b.imageCacheReadTokens(r.nextLong());
              case "raw" -> {
                Map<String, Long> raw = new TreeMap<>();
                r.beginObject();
                while (r.hasNext()) {
                  raw.put(r.nextName(), r.nextLong());
                }
                r.endObject();
                b.raw(raw);
              }
              default -> r.skipValue();
            }
          }
          r.endObject();
          return b.build();
        });
  }

  /** A string map as a JSON object (e.g. metadata). */
  public static String stringMap(Map<String, String> map) {
    return write(w -> writeStringMap(w, map));
  }

  private static void writeStringMap(JsonWriter w, Map<String, String> map) throws IOException {
    w.beginObject();
    for (Map.Entry<String, String> e : map.entrySet()) {
      w.name(e.getKey()).value(e.getValue());
    }
    w.endObject();
  }

  /** Reads a string map written by {@link #stringMap(Map)}. */
  public static Map<String, String> stringMap(String json) {
    return read(json, RecordJson::readStringMap);
  }

  private interface Counts {
    void write(String name, @Nullable Long value) throws IOException;
  }

  private interface Writing {
    void write(JsonWriter w) throws IOException;
  }

  private interface Reading<T> {
    T read(JsonReader r) throws IOException;
  }

  private static String write(Writing body) {
    Buffer buffer = new Buffer();
    try (JsonWriter w = JsonWriter.of(buffer)) {
      w.setSerializeNulls(false);
      body.write(w);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buffer.readUtf8();
  }

  private static <T> T read(String json, Reading<T> body) {
    try (JsonReader r = JsonReader.of(new Buffer().writeUtf8(json))) {
      return body.read(r);
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException) {
        throw (IllegalArgumentException) e;
      }
      throw new IllegalArgumentException("malformed record JSON: " + e.getMessage(), e);
    }
  }

  private static void count(JsonWriter w, String name, @Nullable Long value) throws IOException {
    if (value != null) {
      w.name(name).value(value);
    }
  }

  private static Map<String, String> readStringMap(JsonReader r) throws IOException {
    Map<String, String> map = new LinkedHashMap<>();
    r.beginObject();
    while (r.hasNext()) {
      map.put(r.nextName(), r.nextString());
    }
    r.endObject();
    return map;
  }
}
