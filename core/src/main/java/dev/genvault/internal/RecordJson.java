package dev.genvault.internal;

import com.squareup.moshi.JsonReader;
import com.squareup.moshi.JsonWriter;
import dev.genvault.GenerationKind;
import dev.genvault.GenerationRequest;
import dev.genvault.Message;
import dev.genvault.Usage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  /** The request as a JSON object. */
  public static String request(GenerationRequest r) {
    return write(
        w -> {
          w.beginObject();
          w.name("kind").value(r.kind().wireName());
          w.name("model").value(r.model());
          nullable(w, "prompt", r.prompt());
          nullable(w, "system", r.system());
          if (!r.messages().isEmpty()) {
            w.name("messages").beginArray();
            for (Message m : r.messages()) {
              w.beginObject()
                  .name("role")
                  .value(m.role())
                  .name("content")
                  .value(m.content())
                  .endObject();
            }
            w.endArray();
          }
          if (r.temperature() != null) {
            w.name("temperature").value(r.temperature());
          }
          if (r.topP() != null) {
            w.name("top_p").value(r.topP());
          }
          if (r.maxOutputTokens() != null) {
            w.name("max_output_tokens").value(r.maxOutputTokens());
          }
          if (r.seed() != null) {
            w.name("seed").value(r.seed());
          }
          if (r.n() != null) {
            w.name("n").value(r.n());
          }
          if (!r.stop().isEmpty()) {
            w.name("stop").beginArray();
            for (String s : r.stop()) {
              w.value(s);
            }
            w.endArray();
          }
          nullable(w, "response_format", r.responseFormat());
          nullable(w, "tools", r.tools());
          nullable(w, "tool_choice", r.toolChoice());
          nullable(w, "image_size", r.imageSize());
          nullable(w, "image_quality", r.imageQuality());
          stringMap(w, "parameters", r.parameters());
          nullable(w, "user_id", r.userId());
          nullable(w, "tenant_id", r.tenantId());
          stringMap(w, "metadata", r.metadata());
          w.endObject();
        });
  }

  /**
   * Reads a request written by {@link #request(GenerationRequest)}.
   *
   * @throws IllegalArgumentException if the JSON is malformed or the request invalid
   */
  public static GenerationRequest request(String json) {
    return read(
        json,
        r -> {
          GenerationRequest.Builder b = GenerationRequest.builder();
          r.beginObject();
          while (r.hasNext()) {
            switch (r.nextName()) {
              case "kind" -> b.kind(GenerationKind.fromWireName(r.nextString()));
              case "model" -> b.model(r.nextString());
              case "prompt" -> b.prompt(r.nextString());
              case "system" -> b.system(r.nextString());
              case "messages" -> {
                List<Message> messages = new ArrayList<>();
                r.beginArray();
                while (r.hasNext()) {
                  String role = null;
                  String content = null;
                  r.beginObject();
                  while (r.hasNext()) {
                    switch (r.nextName()) {
                      case "role" -> role = r.nextString();
                      case "content" -> content = r.nextString();
                      default -> r.skipValue();
                    }
                  }
                  r.endObject();
                  if (role == null || content == null) {
                    throw new IllegalArgumentException("a message needs a role and content");
                  }
                  messages.add(new Message(role, content));
                }
                r.endArray();
                b.messages(messages);
              }
              case "temperature" -> b.temperature(r.nextDouble());
              case "top_p" -> b.topP(r.nextDouble());
              case "max_output_tokens" -> b.maxOutputTokens(r.nextInt());
              case "seed" -> b.seed(r.nextLong());
              case "n" -> b.n(r.nextInt());
              case "stop" -> {
                List<String> stop = new ArrayList<>();
                r.beginArray();
                while (r.hasNext()) {
                  stop.add(r.nextString());
                }
                r.endArray();
                b.stop(stop);
              }
              case "response_format" -> b.responseFormat(r.nextString());
              case "tools" -> b.tools(r.nextString());
              case "tool_choice" -> b.toolChoice(r.nextString());
              case "image_size" -> b.imageSize(r.nextString());
              case "image_quality" -> b.imageQuality(r.nextString());
              case "parameters" -> readStringMap(r).forEach(b::parameter);
              case "user_id" -> b.userId(r.nextString());
              case "tenant_id" -> b.tenantId(r.nextString());
              case "metadata" -> b.metadata(readStringMap(r));
              default -> r.skipValue();
            }
          }
          r.endObject();
          return b.build();
        });
  }

  /** The usage as a JSON object; unknown counts are left out. */
  public static String usage(Usage u) {
    return write(
        w -> {
          w.beginObject();
          count(w, "input_tokens", u.inputTokens());
          count(w, "cache_read_tokens", u.cacheReadTokens());
          count(w, "cache_write_tokens", u.cacheWriteTokens());
          count(w, "output_tokens", u.outputTokens());
          count(w, "reasoning_tokens", u.reasoningTokens());
          count(w, "image_input_tokens", u.imageInputTokens());
          count(w, "image_output_tokens", u.imageOutputTokens());
          count(w, "audio_input_tokens", u.audioInputTokens());
          count(w, "audio_output_tokens", u.audioOutputTokens());
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
    return write(
        w -> {
          w.beginObject();
          for (Map.Entry<String, String> e : map.entrySet()) {
            w.name(e.getKey()).value(e.getValue());
          }
          w.endObject();
        });
  }

  /** Reads a string map written by {@link #stringMap(Map)}. */
  public static Map<String, String> stringMap(String json) {
    return read(json, RecordJson::readStringMap);
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

  private static void nullable(JsonWriter w, String name, @Nullable String value)
      throws IOException {
    if (value != null) {
      w.name(name).value(value);
    }
  }

  private static void count(JsonWriter w, String name, @Nullable Long value) throws IOException {
    if (value != null) {
      w.name(name).value(value);
    }
  }

  private static void stringMap(JsonWriter w, String name, Map<String, String> map)
      throws IOException {
    if (map.isEmpty()) {
      return;
    }
    w.name(name).beginObject();
    for (Map.Entry<String, String> e : map.entrySet()) {
      w.name(e.getKey()).value(e.getValue());
    }
    w.endObject();
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
