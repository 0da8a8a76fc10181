package dev.genvault.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.squareup.moshi.JsonReader;
import com.squareup.moshi.JsonWriter;
import dev.genvault.BlobRef;
import dev.genvault.ErrorType;
import dev.genvault.Generation;
import dev.genvault.GenerationFailedException;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationStatus;
import dev.genvault.PersistentGenerator;
import dev.genvault.spi.BlobStore;
import dev.genvault.spi.DedupCache;
import dev.genvault.spi.GenerationStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Mechanically broken answers, for every endpoint: from one schema-valid answer each ({@link
 * SpecResponses}), every member and element is removed, nulled and stringified, every string made
 * empty and replaced by an unknown value, every number set to 0, -1, 2^63-1 and 1e308. Each variant
 * must end either in a correct record (every field the change could not touch is what the intact
 * answer gave) or in a typed error: {@code invalid_response}, or {@code stream_incomplete} where
 * the change hit what ends a stream. Nothing else: no raw exception, no other error type.
 */
class OpenAiResponseVariantsTest {
  private static final String UNKNOWN = "zz_unknown_value";
  private static final Object REMOVED = new Object();
  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 42};

  /** An endpoint, its answer, and which paths each field of the record comes from. */
  enum Endpoint {
    CHAT(SpecResponses.CHAT, false),
    CHAT_STREAM(SpecResponses.CHAT_STREAM, true),
    RESPONSES(SpecResponses.RESPONSE, false),
    RESPONSES_STREAM(SpecResponses.RESPONSE_STREAM, true),
    IMAGES_B64(SpecResponses.IMAGE_B64, false),
    IMAGES_URL(SpecResponses.IMAGE_URL, false);

    final String answer;
    final boolean stream;

    Endpoint(String answer, boolean stream) {
      this.answer = answer;
      this.stream = stream;
    }
  }

  /** A field of the record, and the answer's paths (as patterns) it is read from. */
  enum Field {
    TEXT(Generation::text),
    FINISH_REASON(Generation::finishReason),
    RESPONSE_ID(Generation::providerResponseId),
    MODEL(Generation::providerModel),
    INPUT_TOKENS(g -> g.usage() == null ? null : g.usage().inputTokens()),
    OUTPUT_TOKENS(g -> g.usage() == null ? null : g.usage().outputTokens()),
    TOOL_CALLS(Generation::toolCalls),
    FILES(OpenAiResponseVariantsTest::files);

    final Function<Generation, Object> get;

    Field(Function<Generation, Object> get) {
      this.get = get;
    }
  }

  /** Per endpoint: the sources of each field, and what may end a stream early. */
  private static final Map<Endpoint, Map<Field, String>> SOURCES = new EnumMap<>(Endpoint.class);

  private static final Map<Endpoint, String> ENDS = new EnumMap<>(Endpoint.class);

  static {
    String choice = "\\$(\\[\\d+\\])?\\.choices\\[0\\]";
    SOURCES.put(
        Endpoint.CHAT,
        Map.of(
            Field.TEXT, choice + "\\.(message\\.content|index)",
            Field.FINISH_REASON, choice + "\\.(finish_reason|index)",
            Field.RESPONSE_ID, "\\$\\.id",
            Field.MODEL, "\\$\\.model",
            Field.INPUT_TOKENS, "\\$\\.usage\\.prompt_tokens",
            Field.OUTPUT_TOKENS, "\\$\\.usage\\.completion_tokens"));
    SOURCES.put(
        Endpoint.CHAT_STREAM,
        Map.of(
            Field.TEXT, choice + "\\.(delta\\.content|index)",
            Field.FINISH_REASON, choice + "\\.(finish_reason|index)",
            Field.RESPONSE_ID, "\\$\\[\\d+\\]\\.id",
            Field.MODEL, "\\$\\[\\d+\\]\\.model",
            Field.INPUT_TOKENS, "\\$\\[3\\]\\.usage\\.prompt_tokens",
            Field.OUTPUT_TOKENS, "\\$\\[3\\]\\.usage\\.completion_tokens"));
    String item = "\\$\\.output\\[0\\]\\.(type|content\\[0\\]\\.(type|text))";
    SOURCES.put(
        Endpoint.RESPONSES,
        Map.of(
            Field.TEXT, item,
            Field.FINISH_REASON, "\\$\\.(status|incomplete_details)",
            Field.RESPONSE_ID, "\\$\\.id",
            Field.MODEL, "\\$\\.model",
            Field.INPUT_TOKENS, "\\$\\.usage\\.input_tokens",
            Field.OUTPUT_TOKENS, "\\$\\.usage\\.output_tokens"));
    SOURCES.put(
        Endpoint.RESPONSES_STREAM,
        Map.of(
            Field.TEXT,
                "\\$\\[[23]\\]\\.(type|delta)|\\$\\[5\\]\\.response\\.output\\[0\\]\\.(type|content\\[0\\]\\.(type|text))",
            Field.FINISH_REASON, "\\$\\[5\\]\\.(type|response\\.(status|incomplete_details))",
            Field.RESPONSE_ID, "\\$\\[\\d+\\]\\.response\\.id",
            Field.MODEL, "\\$\\[\\d+\\]\\.response\\.model",
            Field.INPUT_TOKENS, "\\$\\[5\\]\\.response\\.usage\\.input_tokens",
            Field.OUTPUT_TOKENS, "\\$\\[5\\]\\.response\\.usage\\.output_tokens"));
    ENDS.put(Endpoint.RESPONSES_STREAM, "\\$\\[5\\]\\.type");
    ENDS.put(Endpoint.CHAT_STREAM, "\\$\\[2\\]\\.choices\\[0\\]\\.(finish_reason|index)");
    for (Endpoint e : List.of(Endpoint.IMAGES_B64, Endpoint.IMAGES_URL)) {
      SOURCES.put(
          e,
          Map.of(
              Field.FILES, "\\$\\.data\\[0\\]\\.(b64_json|url)",
              Field.INPUT_TOKENS, "\\$\\.usage\\.input_tokens",
              Field.OUTPUT_TOKENS, "\\$\\.usage\\.output_tokens"));
    }
  }

  private static MockWebServer server;
  private static final AtomicReference<String> answer = new AtomicReference<>();
  private static final AtomicReference<Endpoint> endpoint = new AtomicReference<>();
  private static final GenerationStore store = GenerationStore.inMemory();
  private static final BlobStore blobs = BlobStore.inMemory();
  private static PersistentGenerator genvault;
  private static final Map<Endpoint, OpenAiClient> clients = new EnumMap<>(Endpoint.class);
  private static final Map<Endpoint, Generation> intact = new EnumMap<>(Endpoint.class);
  private static final AtomicInteger seq = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    server = OpenAiServerTest.startServer();
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            if (request.getUrl().encodedPath().startsWith("/files/")) {
              return new MockResponse.Builder()
                  .code(200)
                  .setHeader("Content-Type", "image/png")
                  .body(new Buffer().write(PNG))
                  .build();
            }
            Endpoint e = endpoint.get();
            return e.stream
                ? OpenAiServerTest.sse(answer.get())
                : OpenAiServerTest.json(200, answer.get());
          }
        });
    genvault =
        PersistentGenerator.builder().store(store).blobs(blobs).cache(DedupCache.none()).build();
    for (Endpoint e : Endpoint.values()) {
      OpenAiClient.Builder b =
          OpenAiClient.builder()
              .apiKey(OpenAiServerTest.KEY)
              .baseUrl(server.url("/v1").toString())
              .maxRetries(0)
              .allowImageHosts(server.getHostName())
              .streaming(e.stream);
      if (e == Endpoint.RESPONSES || e == Endpoint.RESPONSES_STREAM) {
        b.api(OpenAiClient.Api.RESPONSES);
      }
      clients.put(e, b.build());
    }
  }

  @AfterAll
  static void stop() {
    clients.values().forEach(OpenAiClient::close);
    genvault.close();
    server.close();
  }

  private static Object tree(Endpoint e) {
    String text = e.answer.replace("{{BASE}}", server.url("/").toString().replaceAll("/$", ""));
    try (JsonReader r = JsonReader.of(new Buffer().writeUtf8(text))) {
      return r.readJsonValue();
    } catch (IOException x) {
      throw new UncheckedIOException(x);
    }
  }

  /** Runs one answer through the client and the generator. */
  private static Object run(Endpoint e, Object tree) {
    StringBuilder body = new StringBuilder();
    if (e.stream) {
      for (Object event : (List<?>) tree) {
        body.append("data: ").append(write(event)).append("\n\n");
      }
      body.append("data: [DONE]\n\n");
    } else {
      body.append(write(tree));
    }
    answer.set(body.toString());
    endpoint.set(e);
    String prompt = "variant " + seq.incrementAndGet();
    GenerationRequest request =
        e == Endpoint.IMAGES_B64 || e == Endpoint.IMAGES_URL
            ? GenerationRequest.image("gpt-image-1", prompt)
            : GenerationRequest.prompt("gpt-4o-mini", prompt);
    try {
      return genvault.generate(request, clients.get(e));
    } catch (RuntimeException x) {
      return x;
    }
  }

  private static synchronized Generation intact(Endpoint e) {
    return intact.computeIfAbsent(
        e,
        k -> {
          Object out = run(k, tree(k));
          if (!(out instanceof Generation)) {
            throw new AssertionError("the intact " + k + " answer failed", (Throwable) out);
          }
          return (Generation) out;
        });
  }

  @Test
  void the_intact_answers_give_full_records() {
    assertThat(intact(Endpoint.CHAT).text()).isEqualTo("The image shows a wooden boardwalk.");
    assertThat(intact(Endpoint.CHAT).usage().inputTokens()).isEqualTo(1117);
    assertThat(intact(Endpoint.CHAT_STREAM).text()).isEqualTo("Hello");
    assertThat(intact(Endpoint.CHAT_STREAM).finishReason()).isEqualTo("stop");
    assertThat(intact(Endpoint.CHAT_STREAM).usage().outputTokens()).isEqualTo(1);
    assertThat(intact(Endpoint.RESPONSES).text())
        .isEqualTo("The image depicts a scenic landscape.");
    assertThat(intact(Endpoint.RESPONSES).usage().outputTokens()).isEqualTo(52);
    assertThat(intact(Endpoint.RESPONSES_STREAM).text()).isEqualTo("Hi there!");
    assertThat(intact(Endpoint.RESPONSES_STREAM).finishReason()).isEqualTo("completed");
    assertThat(intact(Endpoint.RESPONSES_STREAM).usage().inputTokens()).isEqualTo(37);
    assertThat(files(intact(Endpoint.IMAGES_B64)))
        .isEqualTo(List.of("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJ"));
    assertThat(intact(Endpoint.IMAGES_B64).usage().inputTokens()).isEqualTo(50);
    assertThat(files(intact(Endpoint.IMAGES_URL)))
        .isEqualTo(List.of(Base64.getEncoder().encodeToString(PNG)));
  }

  static Stream<Arguments> variants() {
    List<Arguments> out = new ArrayList<>();
    for (Endpoint e : Endpoint.values()) {
      List<Variant> variants = new ArrayList<>();
      mutations(tree(e), new ArrayList<>(), variants);
      for (Variant v : variants) {
        out.add(Arguments.of(e, v.path(), v.label(), v));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("variants")
  void a_broken_answer_ends_in_a_correct_record_or_a_typed_invalid_response(
      Endpoint e, String path, String label, Variant v) {
    Generation base = intact(e);
    Object out = run(e, apply(tree(e), v.at(), 0, v.value()));
    String what = e + " " + path + " " + label;
    if (out instanceof Generation) {
      Generation g = (Generation) out;
      assertThat(g.status()).as(what).isEqualTo(GenerationStatus.COMPLETE);
      if (g.usage() != null) {
        for (Long count : new Long[] {g.usage().inputTokens(), g.usage().outputTokens()}) {
          assertThat(count == null || count <= 1L << 53).as(what + ": a believable count").isTrue();
        }
      }
      for (Field f : Field.values()) {
        if (!affects(e, f, path)) {
          assertThat(f.get.apply(g)).as(what + ": " + f).isEqualTo(f.get.apply(base));
        }
      }
      return;
    }
    assertThat(out).as(what).isInstanceOf(GenerationFailedException.class);
    GenerationFailedException x = (GenerationFailedException) out;
    Generation row = store.find(x.generationId()).orElseThrow();
    assertThat(row.errorType()).as(what).isEqualTo(x.errorType());
    if (x.errorType() == ErrorType.STREAM_INCOMPLETE && ENDS.containsKey(e)) {
      assertThat(holds(e, ENDS.get(e), path)).as(what + ": " + x.getMessage()).isTrue();
      return;
    }
    assertThat(x.errorType())
        .as(what + ": " + x.getMessage())
        .isEqualTo(ErrorType.INVALID_RESPONSE);
  }

  /** Whether a change at {@code path} may change the field: it is a source or holds one. */
  private static boolean affects(Endpoint e, Field f, String path) {
    String sources = SOURCES.get(e).get(f);
    return sources != null && holds(e, sources, path);
  }

  /** Whether the path is, or holds, a path of the intact answer that the pattern matches. */
  private static boolean holds(Endpoint e, String pattern, String path) {
    Pattern p = Pattern.compile(pattern);
    for (String c : PATHS.computeIfAbsent(e, k -> paths(tree(k)))) {
      if (p.matcher(c).matches()
          && (c.equals(path) || c.startsWith(path + ".") || c.startsWith(path + "["))) {
        return true;
      }
    }
    return false;
  }

  private static final Map<Endpoint, List<String>> PATHS = new EnumMap<>(Endpoint.class);

  private static List<String> paths(Object tree) {
    List<Variant> all = new ArrayList<>();
    mutations(tree, new ArrayList<>(), all);
    return all.stream().map(Variant::path).distinct().toList();
  }

  // ---------------------------------------------------------------- variants of a JSON tree

  /** One change: at a path, remove the value or put another there. */
  record Variant(List<Object> at, String path, String label, Object value) {
    @Override
    public String toString() {
      return path + " " + label;
    }
  }

  private static void mutations(Object node, List<Object> at, List<Variant> out) {
    if (node instanceof Map) {
      for (Map.Entry<?, ?> m : ((Map<?, ?>) node).entrySet()) {
        List<Object> child = new ArrayList<>(at);
        child.add(m.getKey());
        values(m.getValue(), child, out);
        mutations(m.getValue(), child, out);
      }
    } else if (node instanceof List) {
      List<?> list = (List<?>) node;
      for (int i = 0; i < list.size(); i++) {
        List<Object> child = new ArrayList<>(at);
        child.add(i);
        out.add(new Variant(child, path(child), "removed", REMOVED));
        mutations(list.get(i), child, out);
      }
    }
  }

  /** The changes of one member's value. */
  private static void values(Object v, List<Object> at, List<Variant> out) {
    String p = path(at);
    out.add(new Variant(at, p, "removed", REMOVED));
    if (v == null) {
      return;
    }
    out.add(new Variant(at, p, "null", NULL));
    if (v instanceof String) {
      out.add(new Variant(at, p, "empty", ""));
      out.add(new Variant(at, p, "unknown", UNKNOWN));
      return;
    }
    out.add(new Variant(at, p, "stringified", write(v)));
    if (v instanceof Number) {
      for (String n : List.of("0", "-1", "9223372036854775807", "1e308")) {
        out.add(new Variant(at, p, n, new BigDecimal(n)));
      }
    }
  }

  private static final Object NULL = new Object();

  private static String path(List<Object> at) {
    StringBuilder b = new StringBuilder("$");
    for (Object o : at) {
      b.append(o instanceof Integer ? "[" + o + "]" : "." + o);
    }
    return b.toString();
  }

  /** The tree with the change made (the tree is a fresh parse, changed in place). */
  @SuppressWarnings("unchecked")
  private static Object apply(Object tree, List<Object> at, int depth, Object value) {
    Object key = at.get(depth);
    if (depth < at.size() - 1) {
      Object child =
          key instanceof Integer
              ? ((List<Object>) tree).get((Integer) key)
              : ((Map<String, Object>) tree).get(key);
      apply(child, at, depth + 1, value);
      return tree;
    }
    Object v = value == NULL ? null : value;
    if (key instanceof Integer) {
      List<Object> list = (List<Object>) tree;
      if (value == REMOVED) {
        list.remove((int) (Integer) key);
      } else {
        list.set((Integer) key, v);
      }
    } else {
      Map<String, Object> map = (Map<String, Object>) tree;
      if (value == REMOVED) {
        map.remove(key);
      } else {
        map.put((String) key, v);
      }
    }
    return tree;
  }

  private static String write(Object tree) {
    Buffer buffer = new Buffer();
    try (JsonWriter w = JsonWriter.of(buffer)) {
      w.setSerializeNulls(true);
      write(w, tree);
    } catch (IOException x) {
      throw new UncheckedIOException(x);
    }
    return buffer.readUtf8();
  }

  private static void write(JsonWriter w, Object v) throws IOException {
    if (v == null) {
      w.nullValue();
    } else if (v instanceof Map) {
      w.beginObject();
      for (Map.Entry<?, ?> m : ((Map<?, ?>) v).entrySet()) {
        w.name((String) m.getKey());
        write(w, m.getValue());
      }
      w.endObject();
    } else if (v instanceof List) {
      w.beginArray();
      for (Object o : (List<?>) v) {
        write(w, o);
      }
      w.endArray();
    } else if (v instanceof Double && (Double) v == Math.rint((Double) v)) {
      w.value(((Double) v).longValue());
    } else if (v instanceof Number) {
      w.value((Number) v);
    } else if (v instanceof Boolean) {
      w.value((Boolean) v);
    } else {
      w.value(Objects.toString(v));
    }
  }

  /** The record's files, as base64 of their bytes, in order. */
  private static Object files(Generation g) {
    List<String> out = new ArrayList<>();
    for (BlobRef ref : g.blobs()) {
      try (InputStream in = blobs.open(ref.key()).orElseThrow()) {
        out.add(Base64.getEncoder().encodeToString(in.readAllBytes()));
      } catch (IOException x) {
        throw new UncheckedIOException(x);
      }
    }
    return out;
  }
}
