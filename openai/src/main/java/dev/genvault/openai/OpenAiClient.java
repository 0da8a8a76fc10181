package dev.genvault.openai;

import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonEncodingException;
import com.squareup.moshi.JsonReader;
import com.squareup.moshi.JsonWriter;
import dev.genvault.ErrorType;
import dev.genvault.GenerationKind;
import dev.genvault.GenerationRequest;
import dev.genvault.Message;
import dev.genvault.ModelCall;
import dev.genvault.ModelClient;
import dev.genvault.ModelResult;
import dev.genvault.ProviderException;
import dev.genvault.Sleeper;
import dev.genvault.Usage;
import dev.genvault.cost.ProviderUsage;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.PushbackInputStream;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import okhttp3.Call;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import okio.ForwardingSource;
import okio.Okio;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ModelClient} for OpenAI and any OpenAI-compatible server (Azure OpenAI, Ollama, vLLM,
 * OpenRouter, Groq): chat completions, plain or streamed; the Responses API; image generation.
 *
 * <pre>{@code
 * OpenAiClient openai = OpenAiClient.builder().build(); // OPENAI_API_KEY, OPENAI_BASE_URL
 * Generation g = genvault.generate(GenerationRequest.prompt("gpt-4o-mini", "Write a haiku"), openai);
 * }</pre>
 *
 * <p><b>Retries</b>: {@link Builder#maxRetries} (2) more attempts on 408, 409, 429, 5xx and
 * connection failures, waiting 0.5 s doubling to 8 s with jitter, or what {@code retry-after-ms} /
 * {@code Retry-After} say up to {@link Builder#maxRetryAfter} (60 s; a longer wait is not retried);
 * {@code x-should-retry} is obeyed. Never retried: other 4xx, and 429 with {@code
 * insufficient_quota}. OkHttp's own silent retry of a POST is off, and a stream that has started is
 * never replayed. <b>Streams</b> end normally only with {@code [DONE]} or a finish reason; anything
 * else is {@code stream_incomplete} with the text so far. <b>Limits</b>: a body over {@link
 * Builder#maxBodyBytes} or an event-stream line over {@link Builder#maxLineBytes} is {@code
 * invalid_response}. <b>Timeouts</b>: connect, idle between stream events, and the whole call.
 *
 * <p>The API key is never logged, stored, put in an exception or shown by {@link #toString()}.
 * Thread safe; share one instance. {@link #close()} releases the HTTP pools it made.
 */
public final class OpenAiClient implements ModelClient, AutoCloseable {
  private static final MediaType JSON = MediaType.get("application/json");
  private static final int MAX_ERROR_BODY = 1024;

  /** Which OpenAI API text generations use. */
  public enum Api {
    /** {@code POST /chat/completions} (default). */
    CHAT_COMPLETIONS,
    /** {@code POST /responses}. */
    RESPONSES
  }

  /**
   * Sees each HTTP attempt: its number, the status (or null), the wait before the next, or the
   * error.
   */
  @FunctionalInterface
  public interface AttemptListener {
    /** Does nothing. */
    AttemptListener NONE = (attempt, status, nextWait, error) -> {};

    /**
     * An attempt ended.
     *
     * @param attempt 1 for the first try
     * @param status the HTTP status, or null when no response arrived
     * @param nextWait the wait before the next attempt, or null when there is none
     * @param error what went wrong, or null for success
     */
    void attempt(
        int attempt,
        @Nullable Integer status,
        @Nullable Duration nextWait,
        @Nullable Throwable error);
  }

  private final String apiKey;
  private final String baseUrl;
  private final @Nullable String organization;
  private final @Nullable String project;
  private final OkHttpClient http;
  private final boolean ownsHttp;
  private final int maxRetries;
  private final Duration maxRetryAfter;
  private final long maxBodyBytes;
  private final long maxLineBytes;
  private final boolean streaming;
  private final Api api;
  private final Duration callTimeout;
  private final Sleeper sleeper;
  private final AttemptListener listener;
  private final String provider;
  private final @Nullable String apiKeyHeader;
  private final Map<String, String> queryParameters;
  private final Redactor redactor;
  private final ImageFetchGuard imageGuard;
  private final OkHttpClient images;

  private OpenAiClient(Builder b, String apiKey, String baseUrl) {
    this.apiKey = apiKey;
    this.baseUrl = baseUrl;
    this.organization = b.organization;
    this.project = b.project;
    OkHttpClient base = b.http == null ? new OkHttpClient() : b.http;
    this.ownsHttp = b.http == null;
    this.http =
        base.newBuilder()
            .connectTimeout(b.connectTimeout)
            .readTimeout(b.idleTimeout)
            .writeTimeout(b.idleTimeout)
            .callTimeout(Duration.ZERO)
            .retryOnConnectionFailure(false)
            .followRedirects(false) // a redirect would take the key and the prompt with it
            .followSslRedirects(false)
            .build();
    this.imageGuard = new ImageFetchGuard(http.dns(), b.allowedImageHosts);
    // Its own Dns makes its connections its own: none is shared with the unguarded API client.
    this.images = http.newBuilder().dns(imageGuard).build();
    this.redactor = new Redactor(apiKey);
    this.maxRetries = b.maxRetries;
    this.maxRetryAfter = b.maxRetryAfter;
    this.maxBodyBytes = b.maxBodyBytes;
    this.maxLineBytes = b.maxLineBytes;
    this.streaming = b.streaming;
    this.api = b.api;
    this.callTimeout = b.callTimeout;
    this.sleeper = b.sleeper;
    this.listener = b.listener;
    this.provider = b.provider;
    this.apiKeyHeader = b.apiKeyHeader;
    this.queryParameters = Map.copyOf(b.queryParameters);
  }

  /** A builder reading {@code OPENAI_API_KEY} and {@code OPENAI_BASE_URL} unless told otherwise. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String provider() {
    return provider;
  }

  /** The base URL requests go to. */
  public String baseUrl() {
    return baseUrl;
  }

  @Override
  public ModelResult generate(ModelCall call) throws Exception {
    try {
      return run(call);
    } catch (Exception e) {
      throw redactor.scrub(e);
    }
  }

  private ModelResult run(ModelCall call) throws IOException {
    GenerationRequest r = call.request();
    if (r.kind() == GenerationKind.IMAGE) {
      return images(call);
    }
    if (r.kind() != GenerationKind.TEXT) {
      throw new IllegalArgumentException(
          "the OpenAI client generates text and images, not " + r.kind().wireName());
    }
    return api == Api.RESPONSES ? responses(call) : chat(call);
  }

  /**
   * Refuses, before anything is stored or sent, a request this client cannot send as it is: a kind
   * it does not generate, parameters the chosen API does not take, JSON that does not parse. It
   * builds the request body that {@link #generate} would send.
   */
  @Override
  public void check(GenerationRequest request) {
    body(request);
  }

  private String body(GenerationRequest r) {
    if (r.kind() == GenerationKind.IMAGE) {
      return imagesBody(r);
    }
    if (r.kind() != GenerationKind.TEXT) {
      throw new IllegalArgumentException(
          "the OpenAI client generates text and images, not " + r.kind().wireName());
    }
    return api == Api.RESPONSES ? responsesBody(r) : chatBody(r);
  }

  private String chatBody(GenerationRequest r) {
    return json(
        w -> {
          w.beginObject();
          w.name("model").value(r.model());
          w.name("messages").beginArray();
          for (Message m : r.conversation()) {
            w.beginObject()
                .name("role")
                .value(m.role())
                .name("content")
                .value(m.content())
                .endObject();
          }
          w.endArray();
          if (streaming) {
            w.name("stream").value(true);
            w.name("stream_options").beginObject().name("include_usage").value(true).endObject();
          }
          if (r.maxOutputTokens() != null) {
            w.name("max_completion_tokens").value(r.maxOutputTokens());
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
          raw(w, "response_format", r.responseFormat());
          common(w, r);
          w.endObject();
        });
  }

  private String responsesBody(GenerationRequest r) {
    checkForResponses(r);
    return json(
        w -> {
          w.beginObject();
          w.name("model").value(r.model());
          if (r.system() != null) {
            w.name("instructions").value(r.system());
          }
          if (r.prompt() != null) {
            w.name("input").value(r.prompt());
          } else {
            w.name("input").beginArray();
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
          if (streaming) {
            w.name("stream").value(true);
          }
          if (r.maxOutputTokens() != null) {
            w.name("max_output_tokens").value(r.maxOutputTokens());
          }
          if (r.responseFormat() != null) {
            w.name("text").beginObject().name("format");
            textFormat(w, r.responseFormat());
            w.endObject();
          }
          common(w, r);
          w.endObject();
        });
  }

  private String imagesBody(GenerationRequest r) {
    String prompt =
        r.prompt() != null
            ? r.prompt()
            : r.conversation().get(r.conversation().size() - 1).content();
    return json(
        w -> {
          w.beginObject();
          w.name("model").value(r.model());
          w.name("prompt").value(prompt);
          if (r.n() != null) {
            w.name("n").value(r.n());
          }
          if (r.imageSize() != null) {
            w.name("size").value(r.imageSize());
          }
          if (r.imageQuality() != null) {
            w.name("quality").value(r.imageQuality());
          }
          if (r.model().startsWith("dall-e")) {
            w.name("response_format").value("b64_json");
          }
          for (Map.Entry<String, String> p : r.parameters().entrySet()) {
            w.name(p.getKey());
            rawValue(w, p.getValue());
          }
          w.endObject();
        });
  }

  // ---------------------------------------------------------------- chat completions

  private ModelResult chat(ModelCall call) throws IOException {
    GenerationRequest r = call.request();
    String body = chatBody(r);
    try (Response response = execute("/chat/completions", body)) {
      return streaming ? chatStream(call, response) : chatWhole(call, response);
    }
  }

  private ModelResult chatWhole(ModelCall call, Response response) throws IOException {
    BufferedSource source = limited(response);
    ChatState state = new ChatState();
    read(source, "the response", reader -> parseChatObject(reader, state, call, false));
    if (state.error == null && state.choice == null) {
      state.error = new ProviderException(ErrorType.INVALID_RESPONSE, "the response has no choice");
    }
    return state.wholeResult(call);
  }

  private ModelResult chatStream(ModelCall call, Response response) throws IOException {
    ChatState state = new ChatState();
    int events = readEvents(response, state, reader -> parseChatObject(reader, state, call, true));
    if (!state.done && state.finishReason == null) {
      throw new ProviderException(
          ErrorType.STREAM_INCOMPLETE,
          "the stream ended without [DONE] or a finish reason after " + events + " events");
    }
    return state.result();
  }

  /**
   * Reads an event stream until {@code [DONE]}, the end, or {@code state.done}, handing each
   * event's JSON to the parser and stopping at the first error the parser records.
   *
   * @return how many events were parsed
   */
  private int readEvents(Response response, ChatState state, Parse parser) throws IOException {
    SseReader events = new SseReader(body(response).source(), maxLineBytes);
    int index = 0;
    try {
      SseReader.Event event;
      while (!state.done && (event = events.next()) != null) {
        if (event.data().equals("[DONE]")) {
          state.done = true;
          break;
        }
        if (event.data().isEmpty()) {
          continue;
        }
        read(new Buffer().writeUtf8(event.data()), "event " + index++, parser);
        if (state.error != null) {
          throw state.error;
        }
      }
      return index;
    } catch (SseReader.LineTooLongException e) {
      throw new ProviderException(ErrorType.INVALID_RESPONSE, e.getMessage(), false, e);
    } catch (InterruptedIOException e) {
      throw timeout("between stream events", e);
    } catch (IOException e) {
      throw new ProviderException(
          ErrorType.STREAM_INCOMPLETE,
          "the stream broke after " + index + " events: " + e,
          false,
          e);
    }
  }

  /** What a chat completion has said so far. */
  private static final class ChatState {
    @Nullable String id;
    @Nullable String model;
    @Nullable String finishReason;
    @Nullable Usage usage;
    @Nullable String wholeText;
    @Nullable ProviderException error;
    boolean done;

    /** The index of the choice kept: the first seen. */
    @Nullable String choice;

    /** A Responses API status, and why it is incomplete. */
    @Nullable String status;

    @Nullable String incompleteReason;

    int imagesStored;

    /** By the provider's index, in the order first seen: id, type, name, arguments. */
    final Map<String, String[]> toolCalls = new LinkedHashMap<>();

    final Map<String, String> attributes = new TreeMap<>();

    /** The result of a whole (not streamed) response; a failure keeps the text it came with. */
    ModelResult wholeResult(ModelCall call) {
      if (error != null) {
        if (wholeText != null) {
          call.emit(wholeText);
        }
        throw error;
      }
      return result();
    }

    /** Adds a tool call, or joins a streamed fragment to the call of the same index. */
    void addToolCall(String[] c) {
      String[] call = toolCalls.computeIfAbsent(c[0], k -> new String[4]);
      if (c[1] != null) {
        call[0] = c[1];
      }
      if (c[2] != null) {
        call[1] = c[2];
      }
      if (c[3] != null) {
        call[2] = call[2] == null ? c[3] : call[2] + c[3];
      }
      if (c[4] != null) {
        call[3] = call[3] == null ? c[4] : call[3] + c[4];
      }
    }

    /** Records the first failure only. */
    void fail(ProviderException e) {
      if (error == null) {
        error = e;
      }
    }

    ModelResult result() {
      ModelResult.Builder b =
          ModelResult.builder()
              .text(wholeText)
              .finishReason(finishReason)
              .usage(usage)
              .providerModel(model)
              .providerResponseId(id)
              .toolCalls(toolCallsJson());
      attributes.forEach(b::attribute);
      return b.build();
    }

    @Nullable String toolCallsJson() {
      if (toolCalls.isEmpty()) {
        return null;
      }
      return json(
          w -> {
            w.beginArray();
            for (String[] c : toolCalls.values()) {
              w.beginObject();
              w.name("id").value(c[0]);
              w.name("type").value(c[1] == null ? "function" : c[1]);
              w.name("function")
                  .beginObject()
                  .name("name")
                  .value(c[2])
                  .name("arguments")
                  .value(c[3] == null ? "" : c[3])
                  .endObject();
              w.endObject();
            }
            w.endArray();
          });
    }
  }

  /** One chat completion object (whole response, or one streamed chunk). */
  private void parseChatObject(JsonReader r, ChatState s, ModelCall call, boolean chunk)
      throws IOException {
    r.beginObject();
    while (r.hasNext()) {
      switch (r.nextName()) {
        case "id" -> s.id = string(r);
        case "model" -> s.model = string(r);
        case "system_fingerprint" -> {
          String v = string(r);
          if (v != null) {
            s.attributes.put("system_fingerprint", v);
          }
        }
        case "service_tier" -> {
          String v = string(r);
          if (v != null) {
            s.attributes.put("service_tier", v);
          }
        }
        case "usage" -> usage(r, s, ProviderUsage::openAiChat);
        case "error" -> inBandError(r, s);
        case "choices" -> {
          if (r.peek() == JsonReader.Token.NULL) {
            r.nextNull();
            break;
          }
          r.beginArray();
          while (r.hasNext()) {
            parseChoice(r, s, call, chunk);
          }
          r.endArray();
        }
        default -> r.skipValue();
      }
    }
    r.endObject();
  }

  private void parseChoice(JsonReader r, ChatState s, ModelCall call, boolean chunk)
      throws IOException {
    String index = "";
    String content = null;
    String finish = null;
    List<String[]> calls = new ArrayList<>();
    r.beginObject();
    while (r.hasNext()) {
      switch (r.nextName()) {
        case "index" -> index = String.valueOf(string(r));
        case "finish_reason" -> finish = string(r);
        case "delta", "message" -> {
          if (r.peek() == JsonReader.Token.NULL) {
            r.nextNull();
            break;
          }
          r.beginObject();
          while (r.hasNext()) {
            switch (r.nextName()) {
              case "content" -> content = string(r);
              case "tool_calls" -> toolCalls(r, calls);
              default -> r.skipValue();
            }
          }
          r.endObject();
        }
        default -> r.skipValue();
      }
    }
    r.endObject();
    if (s.choice == null) {
      s.choice = index; // Genvault records the first choice, whatever its index
    } else if (!s.choice.equals(index)) {
      return;
    }
    for (String[] c : calls) {
      s.addToolCall(c);
    }
    if (content != null) {
      if (chunk) {
        call.emit(content);
      } else {
        s.wholeText = content;
      }
    }
    if (finish != null) {
      s.finishReason = finish;
    }
  }

  /** Tool calls or fragments of them: index, id, type, name, arguments. */
  private static void toolCalls(JsonReader r, List<String[]> out) throws IOException {
    if (r.peek() == JsonReader.Token.NULL) {
      r.nextNull();
      return;
    }
    r.beginArray();
    while (r.hasNext()) {
      String[] c = new String[5];
      c[0] = String.valueOf(out.size());
      r.beginObject();
      while (r.hasNext()) {
        switch (r.nextName()) {
          case "index" -> c[0] = String.valueOf(string(r));
          case "id" -> c[1] = string(r);
          case "type" -> c[2] = string(r);
          case "function" -> {
            if (r.peek() != JsonReader.Token.BEGIN_OBJECT) {
              r.skipValue();
              break;
            }
            r.beginObject();
            while (r.hasNext()) {
              switch (r.nextName()) {
                case "name" -> c[3] = string(r);
                case "arguments" -> c[4] = string(r);
                default -> r.skipValue();
              }
            }
            r.endObject();
          }
          default -> r.skipValue();
        }
      }
      r.endObject();
      out.add(c);
    }
    r.endArray();
  }

  // ---------------------------------------------------------------- responses API

  /** What the Responses API does not take, refused before anything is sent. */
  private static void checkForResponses(GenerationRequest r) {
    String refused =
        r.seed() != null ? "seed" : !r.stop().isEmpty() ? "stop" : r.n() != null ? "n" : null;
    if (refused != null) {
      throw new IllegalArgumentException(
          "the Responses API does not accept "
              + refused
              + ": remove it from the request, or use Api.CHAT_COMPLETIONS, which does");
    }
    if (r.maxOutputTokens() != null && r.maxOutputTokens() < 16) {
      throw new IllegalArgumentException(
          "the Responses API needs maxOutputTokens of at least 16, not " + r.maxOutputTokens());
    }
    String background = r.parameters().get("background");
    if (background != null && background.strip().equals("true")) {
      throw new IllegalArgumentException(
          "background responses are not supported with the Responses API here: this client"
              + " does not poll for a result; remove the background parameter");
    }
  }

  private ModelResult responses(ModelCall call) throws IOException {
    GenerationRequest r = call.request();
    String body = responsesBody(r);
    try (Response response = execute("/responses", body)) {
      ChatState state = new ChatState();
      if (!streaming) {
        read(
            limited(response),
            "the response",
            reader -> {
              parseResponse(reader, state);
              settle(state);
            });
        return state.wholeResult(call);
      }
      int events = readEvents(response, state, reader -> parseResponseEvent(reader, state, call));
      if (!state.done) {
        throw new ProviderException(
            ErrorType.STREAM_INCOMPLETE,
            "the stream ended without response.completed after " + events + " events");
      }
      return state.result();
    }
  }

  /**
   * A chat {@code response_format} as the Responses API's {@code text.format}: the same, except
   * that a JSON schema's {@code name}, {@code schema} and {@code strict} sit beside its {@code
   * type} instead of inside {@code json_schema}.
   */
  private static void textFormat(JsonWriter w, String responseFormat) throws IOException {
    Map<String, String> members = new LinkedHashMap<>();
    try (JsonReader r = JsonReader.of(new Buffer().writeUtf8(responseFormat))) {
      if (r.peek() != JsonReader.Token.BEGIN_OBJECT) {
        throw new IllegalArgumentException("responseFormat must be a JSON object");
      }
      r.beginObject();
      while (r.hasNext()) {
        String name = r.nextName();
        try (BufferedSource value = r.nextSource()) {
          members.put(name, value.readUtf8());
        }
      }
      r.endObject();
    } catch (JsonEncodingException | JsonDataException e) {
      throw new IllegalArgumentException("responseFormat is not valid JSON: " + responseFormat, e);
    }
    String schema = members.get("json_schema");
    if ("\"json_schema\"".equals(members.get("type")) && schema != null) {
      members.remove("json_schema");
      try (JsonReader r = JsonReader.of(new Buffer().writeUtf8(schema))) {
        r.beginObject();
        while (r.hasNext()) {
          String name = r.nextName();
          try (BufferedSource value = r.nextSource()) {
            members.putIfAbsent(name, value.readUtf8());
          }
        }
        r.endObject();
      } catch (JsonDataException e) {
        throw new IllegalArgumentException("json_schema must be a JSON object", e);
      }
    }
    w.beginObject();
    for (Map.Entry<String, String> m : members.entrySet()) {
      w.name(m.getKey());
      rawValue(w, m.getValue());
    }
    w.endObject();
  }

  private void parseResponseEvent(JsonReader r, ChatState s, ModelCall call) throws IOException {
    String type = null;
    String delta = null;
    String message = null;
    String code = null;
    s.status = null; // each event's own response says how it stands
    s.incompleteReason = null;
    r.beginObject();
    while (r.hasNext()) {
      switch (r.nextName()) {
        case "type" -> type = string(r);
        case "delta" -> delta = r.peek() == JsonReader.Token.STRING ? r.nextString() : skip(r);
        case "response" -> parseResponse(r, s);
        case "error" -> inBandError(r, s);
        case "message" -> message = string(r);
        case "code" -> code = string(r);
        default -> r.skipValue();
      }
    }
    r.endObject();
    if (type == null) {
      return;
    }
    switch (type) {
      case "response.output_text.delta" -> {
        if (delta != null) {
          call.emit(delta);
        }
      }
      case "response.completed", "response.incomplete", "response.failed" -> {
        s.done = true;
        if (type.equals("response.failed")) {
          s.fail(new ProviderException(ErrorType.PROVIDER_ERROR, "the response failed"));
        }
        settle(s);
      }
      case "error" ->
          s.fail(
              new ProviderException(
                  ErrorType.PROVIDER_ERROR,
                  "in-band error"
                      + (code == null ? "" : " (" + code + ")")
                      + ": "
                      + (message == null ? "(no message)" : message)));
      default -> {
        // created, in_progress, queued, and the events that only repeat what deltas said
      }
    }
  }

  /** A Responses API response object, into the state; {@link #settle} judges its status. */
  private void parseResponse(JsonReader r, ChatState s) throws IOException {
    StringBuilder text = new StringBuilder();
    r.beginObject();
    while (r.hasNext()) {
      switch (r.nextName()) {
        case "id" -> s.id = string(r);
        case "model" -> s.model = string(r);
        case "status" -> s.status = string(r);
        case "usage" -> usage(r, s, ProviderUsage::openAiResponses);
        case "error" -> inBandError(r, s);
        case "incomplete_details" -> {
          if (r.peek() != JsonReader.Token.BEGIN_OBJECT) {
            r.skipValue();
            break;
          }
          r.beginObject();
          while (r.hasNext()) {
            if (r.nextName().equals("reason")) {
              s.incompleteReason = string(r);
            } else {
              r.skipValue();
            }
          }
          r.endObject();
        }
        case "output" -> {
          if (r.peek() != JsonReader.Token.BEGIN_ARRAY) {
            r.skipValue();
            break;
          }
          r.beginArray();
          while (r.hasNext()) {
            outputItem(r, text, s);
          }
          r.endArray();
        }
        default -> r.skipValue();
      }
    }
    r.endObject();
    if (text.length() > 0) {
      s.wholeText = text.toString(); // in a stream, used only if no delta came
    }
  }

  /** What a final response's status means for the generation. */
  private static void settle(ChatState s) {
    String status = s.status == null ? "completed" : s.status;
    switch (status) {
      case "completed" -> s.finishReason = status;
      case "incomplete" ->
          s.finishReason = s.incompleteReason != null ? s.incompleteReason : "incomplete";
      case "failed" ->
          s.fail(new ProviderException(ErrorType.PROVIDER_ERROR, "the response failed"));
      case "cancelled" ->
          s.fail(new ProviderException(ErrorType.CANCELLED, "the provider cancelled the response"));
      case "queued", "in_progress" ->
          s.fail(
              new ProviderException(
                  ErrorType.PROVIDER_ERROR,
                  "the response is still "
                      + status
                      + " (a background response?): this client does not poll for it"));
      default ->
          s.fail(
              new ProviderException(
                  ErrorType.INVALID_RESPONSE, "unknown response status \"" + status + "\""));
    }
  }

  /** One item of a response's output: message text, or a function call kept as a tool call. */
  private static void outputItem(JsonReader r, StringBuilder text, ChatState s) throws IOException {
    String itemType = null;
    String callId = null;
    String name = null;
    String arguments = null;
    r.beginObject();
    while (r.hasNext()) {
      switch (r.nextName()) {
        case "type" -> itemType = string(r);
        case "call_id" -> callId = string(r);
        case "name" -> name = string(r);
        case "arguments" -> arguments = string(r);
        case "content" -> {
          if (r.peek() != JsonReader.Token.BEGIN_ARRAY) {
            r.skipValue();
            break;
          }
          r.beginArray();
          while (r.hasNext()) {
            String type = null;
            String value = null;
            r.beginObject();
            while (r.hasNext()) {
              switch (r.nextName()) {
                case "type" -> type = string(r);
                case "text" -> value = string(r);
                default -> r.skipValue();
              }
            }
            r.endObject();
            if ("output_text".equals(type) && value != null) {
              text.append(value);
            }
          }
          r.endArray();
        }
        default -> r.skipValue();
      }
    }
    r.endObject();
    if ("function_call".equals(itemType)) {
      s.addToolCall(new String[] {"r" + s.toolCalls.size(), callId, "function", name, arguments});
    }
  }

  // ---------------------------------------------------------------- images

  private ModelResult images(ModelCall call) throws IOException {
    GenerationRequest r = call.request();
    String body = imagesBody(r);
    try (Response response = execute("/images/generations", body)) {
      ChatState state = new ChatState();
      List<String> urls = new ArrayList<>();
      String[] format = {"png"};
      read(
          limited(response),
          "the response",
          reader -> parseImages(reader, state, call, urls, format));
      if (state.error != null) {
        throw state.error;
      }
      if (urls.isEmpty() && state.imagesStored == 0) {
        throw new ProviderException(ErrorType.INVALID_RESPONSE, "the response has no image");
      }
      for (String url : urls) {
        download(url, call, format[0]);
      }
      state.finishReason = "stop";
      return state.result();
    }
  }

  private void parseImages(
      JsonReader r, ChatState s, ModelCall call, List<String> urls, String[] format)
      throws IOException {
    r.beginObject();
    while (r.hasNext()) {
      switch (r.nextName()) {
        case "usage" -> usage(r, s, ProviderUsage::openAiImages);
        case "size", "quality", "background" -> {
          String name = r.getPath().substring(r.getPath().lastIndexOf('.') + 1);
          String v = string(r);
          if (v != null) {
            s.attributes.put(name, v);
          }
        }
        case "output_format" -> {
          String v = string(r);
          if (v != null) {
            format[0] = v;
            s.attributes.put("output_format", v);
          }
        }
        case "data" -> {
          r.beginArray();
          while (r.hasNext()) {
            String url = image(r, s, call, format[0]);
            if (url != null) {
              urls.add(url);
            }
          }
          r.endArray();
        }
        default -> r.skipValue();
      }
    }
    r.endObject();
  }

  /**
   * One image item: its bytes go to the blob store as they are read. Returns its URL to download
   * when it came without bytes (one file per image: bytes are preferred).
   */
  private static @Nullable String image(JsonReader r, ChatState s, ModelCall call, String format)
      throws IOException {
    String url = null;
    boolean stored = false;
    r.beginObject();
    while (r.hasNext()) {
      switch (r.nextName()) {
        case "b64_json" -> {
          if (r.peek() != JsonReader.Token.STRING || stored) {
            r.skipValue();
            break;
          }
          storeBase64(r, call, format);
          stored = true;
          s.imagesStored++;
        }
        case "url" -> url = string(r);
        case "revised_prompt" -> {
          String v = string(r);
          if (v != null) {
            s.attributes.put("revised_prompt", v);
          }
        }
        default -> r.skipValue();
      }
    }
    r.endObject();
    return stored ? null : url;
  }

  /** Decodes a base64 string value into the blob store while it is read, never whole in memory. */
  private static void storeBase64(JsonReader r, ModelCall call, String format) throws IOException {
    try (BufferedSource value = r.nextSource()) {
      FailureRecorder text = new FailureRecorder(new JsonStringInputStream(value));
      FailureRecorder decoded = new FailureRecorder(Base64.getDecoder().wrap(text));
      try (PushbackInputStream in = new PushbackInputStream(decoded)) {
        int first = in.read();
        if (first < 0) {
          throw new ProviderException(ErrorType.INVALID_RESPONSE, "an image's data is empty");
        }
        in.unread(first);
        call.storeFile(contentType(format), in);
      } catch (IOException | RuntimeException e) {
        // The store reports any failure; if the response was at fault, say so.
        if (text.failure != null) {
          throw new ProviderException(
              ErrorType.INVALID_RESPONSE,
              "the image data could not be read: " + text.failure.getMessage(),
              false,
              text.failure);
        }
        if (decoded.failure != null) {
          throw new ProviderException(
              ErrorType.INVALID_RESPONSE,
              "an image's base64 data does not decode: " + decoded.failure.getMessage(),
              false,
              decoded.failure);
        }
        throw e;
      }
    }
  }

  /** Remembers the first failure of the stream it reads, whoever catches it. */
  private static final class FailureRecorder extends FilterInputStream {
    @Nullable IOException failure;

    FailureRecorder(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException e) {
        failure = failure == null ? e : failure;
        throw e;
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (IOException e) {
        failure = failure == null ? e : failure;
        throw e;
      }
    }
  }

  /** Redirects followed for one image, each checked like the first URL. */
  private static final int MAX_IMAGE_REDIRECTS = 5;

  /**
   * Provider URLs expire: the image is copied into the blob store at once, without the key, from an
   * address the {@link ImageFetchGuard} allows; each redirect is checked the same way.
   */
  private void download(String url, ModelCall call, String format) throws IOException {
    HttpUrl target = HttpUrl.parse(url);
    if (target == null) {
      throw new ProviderException(
          ErrorType.INVALID_RESPONSE,
          "an image URL is not a valid URL: \""
              + (url.length() > 200 ? url.substring(0, 200) + "..." : url)
              + "\"");
    }
    for (int hops = 0; ; hops++) {
      imageGuard.check(target);
      Request request = new Request.Builder().url(target).get().build();
      try (Response response = images.newCall(request).execute()) {
        if (response.isRedirect()) {
          String location = response.header("Location");
          HttpUrl next = location == null ? null : target.resolve(location);
          if (next == null || hops >= MAX_IMAGE_REDIRECTS) {
            throw new ProviderException(
                ErrorType.INVALID_RESPONSE,
                "the image at "
                    + target
                    + " answered HTTP "
                    + response.code()
                    + (next == null ? " without a usable Location" : " after too many redirects"));
          }
          target = next;
          continue;
        }
        if (!response.isSuccessful()) {
          throw new ProviderException(
              ErrorType.INVALID_RESPONSE,
              "the image at the provider's URL answered HTTP " + response.code());
        }
        String type = response.header("Content-Type");
        try (InputStream in = limited(response).inputStream()) {
          call.storeFile(
              type != null && type.startsWith("image/") ? type : contentType(format), in);
        }
        return;
      } catch (IOException e) {
        String refused = refusal(e);
        if (refused != null) {
          throw ImageFetchGuard.refused(target, refused);
        }
        throw e;
      }
    }
  }

  /** Why the guard refused the address a failed download resolved to, or null. */
  private static @Nullable String refusal(@Nullable Throwable t) {
    for (; t != null; t = t.getCause()) {
      if (t instanceof ImageFetchGuard.RefusedAddressException) {
        return t.getMessage();
      }
      for (Throwable s : t.getSuppressed()) {
        String r = refusal(s);
        if (r != null) {
          return r;
        }
      }
    }
    return null;
  }

  private static String contentType(String format) {
    return switch (format.toLowerCase(Locale.ROOT)) {
      case "jpeg", "jpg" -> "image/jpeg";
      case "webp" -> "image/webp";
      default -> "image/png";
    };
  }

  /** The bytes of a JSON string value as raw text: quotes dropped, {@code \/} unescaped. */
  private static final class JsonStringInputStream extends InputStream {
    private final BufferedSource source;
    private boolean started;
    private boolean ended;

    JsonStringInputStream(BufferedSource source) {
      this.source = source;
    }

    @Override
    public int read() throws IOException {
      return readByte();
    }

    private int readByte() throws IOException {
      while (!ended) {
        if (source.exhausted()) {
          ended = true;
          break;
        }
        int b = source.readByte() & 0xff;
        if (!started) {
          started = true;
          if (b == '"') {
            continue;
          }
        }
        if (b == '"') {
          ended = true;
          break;
        }
        if (b == '\\') {
          int next = source.readByte() & 0xff;
          if (next == '/' || next == '\\') {
            return next;
          }
          if (next == 'n' || next == 'r') {
            continue; // line breaks inside base64 are ignorable
          }
          throw new IOException("unexpected escape \\" + (char) next + " inside base64 image data");
        }
        return b;
      }
      return -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      int n = 0;
      while (n < len) {
        // Fast path: copy plain bytes up to the next quote or backslash.
        if (started && !ended) {
          long stop = source.indexOfElement(okio.ByteString.encodeUtf8("\"\\"));
          long available = stop >= 0 ? stop : source.getBuffer().size();
          if (available > 0) {
            int chunk = (int) Math.min(available, len - n);
            n += source.read(b, off + n, chunk);
            continue;
          }
        }
        int c = readByte();
        if (c < 0) {
          break;
        }
        b[off + n++] = (byte) c;
      }
      return n == 0 ? -1 : n;
    }
  }

  // ---------------------------------------------------------------- HTTP, retries and errors

  /** Posts with the retry policy; returns a successful response (the caller closes it). */
  private Response execute(String path, String json) throws IOException {
    Request.Builder request =
        new Request.Builder()
            .url(url(path))
            .header(
                "Accept",
                streaming && !path.startsWith("/images") ? "text/event-stream" : "application/json")
            .post(RequestBody.create(json, JSON));
    if (apiKeyHeader == null) {
      request.header("Authorization", "Bearer " + apiKey);
    } else {
      request.header(apiKeyHeader, apiKey);
    }
    if (organization != null) {
      request.header("OpenAI-Organization", organization);
    }
    if (project != null) {
      request.header("OpenAI-Project", project);
    }
    Request built = request.build();
    for (int attempt = 1; ; attempt++) {
      Call call = http.newCall(built);
      call.timeout().timeout(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
      Response response;
      try {
        response = call.execute();
      } catch (IOException e) {
        boolean timedOut = e instanceof InterruptedIOException;
        boolean retry =
            !timedOut && attempt <= maxRetries && !Thread.currentThread().isInterrupted();
        Duration wait = retry ? backoff(attempt) : null;
        listener.attempt(attempt, null, wait, redactor.scrub(e));
        if (!retry) {
          if (timedOut) {
            throw timeout("waiting for the response", e);
          }
          throw new ProviderException(
              ErrorType.PROVIDER_ERROR, "cannot reach " + baseUrl + ": " + e, true, e);
        }
        sleep(wait);
        continue;
      }
      if (response.isSuccessful()) {
        listener.attempt(attempt, response.code(), null, null);
        return response;
      }
      OpenAiException error;
      Duration retryAfter;
      try (response) {
        retryAfter = retryAfter(response.headers());
        error =
            response.code() >= 300 && response.code() < 400
                ? redirect(response)
                : error(response, retryAfter);
      }
      boolean retry =
          attempt <= maxRetries
              && !(error instanceof OpenAiException.RedirectException)
              && shouldRetry(response.code(), error.code(), response.headers());
      Duration wait = null;
      if (retry) {
        if (retryAfter != null && retryAfter.compareTo(maxRetryAfter) > 0) {
          retry = false; // the server wants longer than we are willing to wait
        } else {
          wait = retryAfter != null ? retryAfter : backoff(attempt);
        }
      }
      listener.attempt(attempt, response.code(), wait, redactor.scrub(error));
      if (!retry) {
        throw error;
      }
      sleep(wait);
    }
  }

  private HttpUrl url(String path) {
    HttpUrl parsed = HttpUrl.get(baseUrl + path);
    if (queryParameters.isEmpty()) {
      return parsed;
    }
    HttpUrl.Builder b = parsed.newBuilder();
    queryParameters.forEach(b::addQueryParameter);
    return b.build();
  }

  private static boolean shouldRetry(int status, @Nullable String code, Headers headers) {
    String should = headers.get("x-should-retry");
    if ("true".equalsIgnoreCase(should)) {
      return true;
    }
    if ("false".equalsIgnoreCase(should)) {
      return false;
    }
    if (status == 429 && "insufficient_quota".equals(code)) {
      return false;
    }
    return status == 408 || status == 409 || status == 429 || status >= 500;
  }

  /** {@code retry-after-ms}, else {@code Retry-After} in seconds or as an HTTP date. */
  static @Nullable Duration retryAfter(Headers headers) {
    String ms = headers.get("retry-after-ms");
    if (ms != null) {
      try {
        double v = Double.parseDouble(ms.strip());
        if (v >= 0) {
          return Duration.ofNanos((long) (v * 1_000_000));
        }
      } catch (NumberFormatException ignored) {
        // fall through to Retry-After
      }
    }
    String after = headers.get("Retry-After");
    if (after == null) {
      return null;
    }
    try {
      double seconds = Double.parseDouble(after.strip());
      return seconds >= 0 ? Duration.ofMillis((long) (seconds * 1000)) : null;
    } catch (NumberFormatException e) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(after.strip(), DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = Duration.between(java.time.Instant.now(), at.toInstant());
        return d.isNegative() ? Duration.ZERO : d;
      } catch (DateTimeParseException ignored) {
        return null;
      }
    }
  }

  /** 0.5 s doubling per attempt up to 8 s, less up to a quarter at random (jitter). */
  static Duration backoff(int attempt) {
    long base = Math.min(8_000L, 500L << Math.min(attempt - 1, 10));
    double jitter = 1 - 0.25 * ThreadLocalRandom.current().nextDouble();
    return Duration.ofMillis((long) (base * jitter));
  }

  private void sleep(Duration wait) throws IOException {
    try {
      sleeper.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting to retry");
    }
  }

  /** A redirect from the API, never followed: it would take the key and the prompt along. */
  private static OpenAiException redirect(Response response) {
    String location = response.header("Location");
    return OpenAiException.of(
        response.code(),
        null,
        null,
        "the API answered with a redirect"
            + (location == null ? "" : " to " + location)
            + ", which is not followed (the key and the prompt would go with it);"
            + " set the base URL to where the API is",
        "",
        null,
        false);
  }

  private OpenAiException error(Response response, @Nullable Duration retryAfter) {
    String text = "";
    try {
      ResponseBody body = response.body();
      if (body != null) {
        BufferedSource source = body.source();
        source.request(64 * 1024);
        Buffer copy = source.getBuffer().clone();
        text = copy.readUtf8(Math.min(copy.size(), 64 * 1024));
      }
    } catch (IOException ignored) {
      // an unreadable error body: the status says enough
    }
    String type = null;
    String code = null;
    String message = null;
    try (JsonReader r = JsonReader.of(new Buffer().writeUtf8(text))) {
      r.setLenient(true);
      if (r.peek() == JsonReader.Token.BEGIN_OBJECT) {
        r.beginObject();
        while (r.hasNext()) {
          if (!r.nextName().equals("error")) {
            r.skipValue();
            continue;
          }
          if (r.peek() == JsonReader.Token.STRING) {
            message = r.nextString();
            continue;
          }
          r.beginObject();
          while (r.hasNext()) {
            switch (r.nextName()) {
              case "type" -> type = string(r);
              case "code" ->
                  code =
                      r.peek() == JsonReader.Token.NUMBER
                          ? String.valueOf(r.nextLong())
                          : string(r);
              case "message" -> message = string(r);
              default -> r.skipValue();
            }
          }
          r.endObject();
        }
      }
    } catch (IOException | RuntimeException ignored) {
      // not JSON: the raw body is kept below
    }
    String body = text;
    if (body.length() > MAX_ERROR_BODY) {
      body = body.substring(0, MAX_ERROR_BODY);
    }
    boolean retryable = shouldRetry(response.code(), code, response.headers());
    return OpenAiException.of(response.code(), type, code, message, body, retryAfter, retryable);
  }

  /** An {@code error} field inside a successful body or stream event: object or string. */
  private static void inBandError(JsonReader r, ChatState s) throws IOException {
    if (r.peek() == JsonReader.Token.NULL) {
      r.nextNull();
      return;
    }
    if (r.peek() != JsonReader.Token.BEGIN_OBJECT) {
      s.fail(new ProviderException(ErrorType.PROVIDER_ERROR, "in-band error: " + string(r)));
      return;
    }
    String message = null;
    String type = null;
    String code = null;
    r.beginObject();
    while (r.hasNext()) {
      switch (r.nextName()) {
        case "message" -> message = string(r);
        case "type" -> type = string(r);
        case "code" -> code = string(r);
        default -> r.skipValue();
      }
    }
    r.endObject();
    ErrorType errorType =
        "rate_limit_exceeded".equals(code) || "rate_limit_error".equals(type)
            ? ErrorType.RATE_LIMITED
            : ErrorType.PROVIDER_ERROR;
    s.fail(
        new ProviderException(
            errorType,
            "in-band error"
                + (type == null ? "" : " " + type)
                + (code == null ? "" : " (" + code + ")")
                + ": "
                + message));
  }

  /** A usage report; an impossible count is an invalid response. */
  private static void usage(JsonReader r, ChatState s, Function<Map<String, Long>, Usage> provider)
      throws IOException {
    if (r.peek() != JsonReader.Token.BEGIN_OBJECT) {
      r.skipValue();
      return;
    }
    Map<String, Long> report = new LinkedHashMap<>();
    List<String> impossible = new ArrayList<>();
    flatten(r, "", report, impossible);
    if (!impossible.isEmpty()) {
      s.fail(
          new ProviderException(
              ErrorType.INVALID_RESPONSE,
              "the usage report has an impossible token count: " + String.join(", ", impossible)));
      return;
    }
    try {
      s.usage = provider.apply(report);
    } catch (IllegalArgumentException e) {
      s.fail(
          new ProviderException(
              ErrorType.INVALID_RESPONSE, "the usage report is impossible: " + e.getMessage()));
    }
  }

  private static ProviderException timeout(String what, IOException e) {
    return new ProviderException(
        ErrorType.TIMEOUT, "timed out " + what + ": " + e.getMessage(), true, e);
  }

  private static ResponseBody body(Response response) throws IOException {
    ResponseBody body = response.body();
    if (body == null) {
      throw new ProviderException(ErrorType.INVALID_RESPONSE, "the response has no body");
    }
    return body;
  }

  /** The body, failing once more than the byte limit has been read. */
  private BufferedSource limited(Response response) throws IOException {
    long limit = maxBodyBytes;
    BufferedSource source = body(response).source();
    return Okio.buffer(
        new ForwardingSource(source) {
          long total;

          @Override
          public long read(Buffer sink, long byteCount) throws IOException {
            long n = super.read(sink, byteCount);
            if (n > 0) {
              total += n;
              if (total > limit) {
                throw new BodyTooLargeException(limit);
              }
            }
            return n;
          }
        });
  }

  private static final class BodyTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    BodyTooLargeException(long limit) {
      super("the response body is larger than " + limit + " bytes");
    }
  }

  private interface Parse {
    void parse(JsonReader reader) throws IOException;
  }

  /** Parses JSON; malformed JSON is an invalid response naming where it came from. */
  private static void read(BufferedSource source, String where, Parse parse) throws IOException {
    try (JsonReader reader = JsonReader.of(source)) {
      parse.parse(reader);
    } catch (JsonEncodingException
        | JsonDataException
        | IllegalStateException
        | java.io.EOFException e) {
      // EOFException: the JSON stopped in the middle (a truncated event or body).
      throw new ProviderException(
          ErrorType.INVALID_RESPONSE,
          "malformed JSON in " + where + ": " + e.getMessage(),
          false,
          e);
    } catch (BodyTooLargeException e) {
      throw new ProviderException(ErrorType.INVALID_RESPONSE, e.getMessage(), false, e);
    } catch (InterruptedIOException e) {
      throw timeout("reading the response", e);
    }
  }

  private static @Nullable String string(JsonReader r) throws IOException {
    if (r.peek() == JsonReader.Token.NULL) {
      return r.nextNull();
    }
    if (r.peek() == JsonReader.Token.STRING
        || r.peek() == JsonReader.Token.NUMBER
        || r.peek() == JsonReader.Token.BOOLEAN) {
      return r.peek() == JsonReader.Token.BOOLEAN
          ? String.valueOf(r.nextBoolean())
          : r.nextString();
    }
    r.skipValue();
    return null;
  }

  private static @Nullable String skip(JsonReader r) throws IOException {
    r.skipValue();
    return null;
  }

  /** The largest count believed: 2^53, beyond which JSON numbers are not exact. */
  private static final double MAX_COUNT = 9_007_199_254_740_992d;

  /**
   * A usage object flattened to dotted paths of its whole numbers; a negative or absurd whole
   * number is listed as impossible. Other values (text, fractions such as a cost) are skipped.
   */
  private static void flatten(
      JsonReader r, String prefix, Map<String, Long> out, List<String> impossible)
      throws IOException {
    r.beginObject();
    while (r.hasNext()) {
      String name = prefix + r.nextName();
      switch (r.peek()) {
        case NUMBER -> {
          double v = r.nextDouble();
          if (v != Math.rint(v)) {
            break;
          }
          if (v < 0 || v > MAX_COUNT) {
            impossible.add(name + " = " + v);
          } else {
            out.put(name, (long) v);
          }
        }
        case BEGIN_OBJECT -> flatten(r, name + ".", out, impossible);
        default -> r.skipValue();
      }
    }
    r.endObject();
  }

  private interface Body {
    void write(JsonWriter w) throws IOException;
  }

  private static String json(Body body) {
    Buffer buffer = new Buffer();
    try (JsonWriter w = JsonWriter.of(buffer)) {
      body.write(w);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return buffer.readUtf8();
  }

  /** The parameters both text APIs take alike, then the request's own extra parameters. */
  private static void common(JsonWriter w, GenerationRequest r) throws IOException {
    if (r.temperature() != null) {
      w.name("temperature").value(r.temperature());
    }
    if (r.topP() != null) {
      w.name("top_p").value(r.topP());
    }
    raw(w, "tools", r.tools());
    if (r.toolChoice() != null) {
      String choice = r.toolChoice().strip();
      w.name("tool_choice");
      if (choice.startsWith("{")) {
        rawValue(w, choice);
      } else {
        w.value(choice);
      }
    }
    for (Map.Entry<String, String> p : r.parameters().entrySet()) {
      w.name(p.getKey());
      rawValue(w, p.getValue());
    }
  }

  private static void raw(JsonWriter w, String name, @Nullable String json) throws IOException {
    if (json != null) {
      w.name(name);
      rawValue(w, json);
    }
  }

  /** Writes a JSON document the caller gave as text, after checking that it is JSON. */
  private static void rawValue(JsonWriter w, String json) throws IOException {
    try (JsonReader check = JsonReader.of(new Buffer().writeUtf8(json))) {
      check.skipValue();
      if (check.peek() != JsonReader.Token.END_DOCUMENT) {
        throw new IllegalArgumentException("more than one JSON value: " + json);
      }
    } catch (JsonEncodingException | JsonDataException e) {
      throw new IllegalArgumentException("a request parameter is not valid JSON: " + json, e);
    }
    try (okio.BufferedSink sink = w.valueSink()) {
      sink.writeUtf8(json);
    }
  }

  /** Closes the HTTP pools this client made; a shared {@link OkHttpClient} is left alone. */
  @Override
  public void close() {
    if (ownsHttp) {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }

  @Override
  public String toString() {
    return "OpenAiClient{baseUrl="
        + baseUrl
        + ", api="
        + api
        + ", streaming="
        + streaming
        + ", apiKey=[redacted]}";
  }

  /** Builds an {@link OpenAiClient}; {@link #build()} fails without an API key. */
  public static final class Builder {
    private @Nullable String apiKey;
    private @Nullable String baseUrl;
    private @Nullable String organization;
    private @Nullable String project;
    private @Nullable OkHttpClient http;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration idleTimeout = Duration.ofSeconds(120);
    private Duration callTimeout = Duration.ofMinutes(30);
    private int maxRetries = 2;
    private Duration maxRetryAfter = Duration.ofSeconds(60);
    private long maxBodyBytes = 32L * 1024 * 1024;
    private long maxLineBytes = 1024 * 1024;
    private boolean streaming = true;
    private Api api = Api.CHAT_COMPLETIONS;
    private Sleeper sleeper = Sleeper.SYSTEM;
    private AttemptListener listener = AttemptListener.NONE;
    private String provider = "openai";
    private @Nullable String apiKeyHeader;
    private final Map<String, String> queryParameters = new TreeMap<>();
    private final Set<String> allowedImageHosts = new TreeSet<>();
    private Function<String, @Nullable String> environment = System::getenv;

    private Builder() {}

    /** The API key; {@code OPENAI_API_KEY} by default. Never logged or stored. */
    public Builder apiKey(String apiKey) {
      this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
      return this;
    }

    /**
     * The base URL, e.g. {@code http://localhost:11434/v1}; {@code OPENAI_BASE_URL} or OpenAI's by
     * default.
     */
    public Builder baseUrl(String baseUrl) {
      this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
      return this;
    }

    /** The {@code OpenAI-Organization} header. */
    public Builder organization(String organization) {
      this.organization = organization;
      return this;
    }

    /** The {@code OpenAI-Project} header. */
    public Builder project(String project) {
      this.project = project;
      return this;
    }

    /** An OkHttpClient whose pools to share; its own timeouts and retry setting are replaced. */
    public Builder okHttpClient(OkHttpClient client) {
      this.http = Objects.requireNonNull(client, "client");
      return this;
    }

    /** Connect timeout; 10 s. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout);
      return this;
    }

    /** Longest silence between stream events (or reads); 120 s. */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = positive(timeout);
      return this;
    }

    /** Cap on one whole call, stream included; 30 min. */
    public Builder callTimeout(Duration timeout) {
      this.callTimeout = positive(timeout);
      return this;
    }

    /** Retries after the first attempt; 2. */
    public Builder maxRetries(int retries) {
      if (retries < 0) {
        throw new IllegalArgumentException("maxRetries must be >= 0");
      }
      this.maxRetries = retries;
      return this;
    }

    /** The longest server-requested wait honoured; a longer one is not retried. 60 s. */
    public Builder maxRetryAfter(Duration max) {
      this.maxRetryAfter = positive(max);
      return this;
    }

    /** Largest non-streamed body; 32 MiB. */
    public Builder maxBodyBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxBodyBytes must be positive");
      }
      this.maxBodyBytes = bytes;
      return this;
    }

    /** Longest event-stream line; 1 MiB. */
    public Builder maxLineBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxLineBytes must be positive");
      }
      this.maxLineBytes = bytes;
      return this;
    }

    /** Stream text as it is generated (default) or ask for the whole answer at once. */
    public Builder streaming(boolean streaming) {
      this.streaming = streaming;
      return this;
    }

    /** Which API text generations use; chat completions by default. */
    public Builder api(Api api) {
      this.api = Objects.requireNonNull(api, "api");
      return this;
    }

    /** How retries wait; tests use one that does not sleep. */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /** Sees each HTTP attempt. */
    public Builder attemptListener(AttemptListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Sends the key in this header, as is, instead of {@code Authorization: Bearer} (Azure OpenAI:
     * {@code api-key}).
     */
    public Builder apiKeyHeader(String headerName) {
      this.apiKeyHeader = Objects.requireNonNull(headerName, "headerName");
      return this;
    }

    /**
     * Hosts whose image URLs are fetched whatever their scheme and address, e.g. a self-hosted
     * server on the local network. By default only {@code https} URLs whose host resolves to public
     * addresses are fetched, so a response cannot make the application fetch from {@code
     * localhost}, the local network or a cloud metadata address; a refused URL ends the generation
     * {@code invalid_response}. Names are compared exactly (case-insensitive).
     */
    public Builder allowImageHosts(String... hosts) {
      for (String h : hosts) {
        allowedImageHosts.add(Objects.requireNonNull(h, "host").strip());
      }
      return this;
    }

    /** Adds a query parameter to every request (Azure OpenAI: {@code api-version}). */
    public Builder queryParameter(String name, String value) {
      queryParameters.put(
          Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** The provider name recorded on generations; {@code openai}. */
    public Builder provider(String provider) {
      this.provider = Objects.requireNonNull(provider, "provider");
      return this;
    }

    /**
     * Where {@code OPENAI_API_KEY} and {@code OPENAI_BASE_URL} are read; the process environment by
     * default.
     */
    public Builder environment(Function<String, @Nullable String> environment) {
      this.environment = Objects.requireNonNull(environment, "environment");
      return this;
    }

    private static Duration positive(Duration d) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("must be positive: " + d);
      }
      return d;
    }

    /**
     * The client.
     *
     * @throws IllegalStateException if no API key was given or found in {@code OPENAI_API_KEY}
     * @throws IllegalArgumentException if the base URL, the key or a header cannot be used, saying
     *     what to change
     */
    public OpenAiClient build() {
      String key = apiKey != null ? apiKey : environment.apply("OPENAI_API_KEY");
      if (key == null || key.isBlank()) {
        throw new IllegalStateException(
            "an API key is required: set OPENAI_API_KEY or call apiKey(...)");
      }
      String url = baseUrl != null ? baseUrl : environment.apply("OPENAI_BASE_URL");
      if (url == null || url.isBlank()) {
        url = "https://api.openai.com/v1";
      }
      url = url.strip();
      while (url.endsWith("/")) {
        url = url.substring(0, url.length() - 1);
      }
      if (HttpUrl.parse(url) == null) {
        throw new IllegalArgumentException(
            "the base URL \""
                + url
                + "\" is not an http(s) URL: start it with https:// (or http:// for a server on"
                + " your machine or network), e.g. https://api.openai.com/v1 or"
                + " http://localhost:11434/v1");
      }
      key = key.strip();
      for (int i = 0; i < key.length(); i++) {
        char c = key.charAt(i);
        if ((c < 0x20 && c != '\t') || c >= 0x7f) {
          throw new IllegalArgumentException(
              "the API key has a character that cannot be sent in an HTTP header, at index "
                  + i
                  + ": check it for a stray character, quote or line break");
        }
      }
      header("apiKeyHeader", apiKeyHeader, "x");
      header("OpenAI-Organization", "OpenAI-Organization", organization);
      header("OpenAI-Project", "OpenAI-Project", project);
      return new OpenAiClient(this, key, url);
    }

    /** Fails clearly, at build, for a header name or value OkHttp would refuse at each call. */
    private static void header(String what, @Nullable String name, @Nullable String value) {
      if (name == null || value == null) {
        return;
      }
      try {
        new Headers.Builder().add(name, value);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(what + " cannot be sent: " + e.getMessage(), e);
      }
    }
  }
}
