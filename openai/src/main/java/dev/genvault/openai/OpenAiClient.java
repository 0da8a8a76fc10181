package dev.genvault.openai;

import dev.genvault.GenerationKind;
import dev.genvault.GenerationRequest;
import dev.genvault.ModelCall;
import dev.genvault.ModelClient;
import dev.genvault.ModelResult;
import dev.genvault.Sleeper;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import okhttp3.OkHttpClient;
import okhttp3.Response;
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

  private final Endpoint endpoint;
  private final Transport transport;
  private final RetryingTransport http;
  private final ImageDownloader downloader;
  private final Redactor redactor;
  private final boolean streaming;
  private final Api api;
  private final String provider;

  private OpenAiClient(Builder b, Endpoint endpoint) {
    this.endpoint = endpoint;
    this.redactor = endpoint.redactor();
    this.transport =
        new Transport(
            b.http, b.connectTimeout, b.idleTimeout, b.callTimeout, b.maxBodyBytes, b.maxLineBytes);
    this.http =
        new RetryingTransport(
            transport,
            endpoint.baseUrl(),
            b.maxRetries,
            b.maxRetryAfter,
            b.sleeper,
            b.clock,
            b.listener,
            redactor);
    this.downloader = new ImageDownloader(transport, b.allowedImageHosts);
    this.streaming = b.streaming;
    this.api = b.api;
    this.provider = b.provider;
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
    return endpoint.baseUrl();
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
    String body = body(r);
    if (r.kind() == GenerationKind.IMAGE) {
      try (Response response =
          http.execute(endpoint.post(ImagesCodec.PATH, body, false), call::onCancel)) {
        ImagesCodec.Images images = ImagesCodec.read(call, transport.limited(response));
        for (String url : images.urls) {
          downloader.download(url, call, ImagesCodec.contentType(images.format));
        }
        return images.result();
      }
    }
    String path = api == Api.RESPONSES ? ResponsesCodec.PATH : ChatCodec.PATH;
    try (Response response = http.execute(endpoint.post(path, body, streaming), call::onCancel)) {
      if (api == Api.RESPONSES) {
        return streaming
            ? ResponsesCodec.stream(call, transport.events(response))
            : ResponsesCodec.whole(call, transport.limited(response));
      }
      return streaming
          ? ChatCodec.stream(call, transport.events(response))
          : ChatCodec.whole(call, transport.limited(response));
    }
  }

  /**
   * Refuses, before anything is stored or sent, a request this client cannot send as it is: a kind
   * it does not generate, parameters the chosen API does not take, JSON that does not parse. The
   * same checks run again when the body is written; the conversation itself is not written here.
   */
  @Override
  public void check(GenerationRequest r) {
    if (r.kind() == GenerationKind.IMAGE) {
      ImagesCodec.check(r);
    } else if (r.kind() != GenerationKind.TEXT) {
      throw notTextOrImage(r);
    } else if (api == Api.RESPONSES) {
      ResponsesCodec.check(r);
    } else {
      ChatCodec.check(r);
    }
  }

  /** The body this client sends for the request; each codec checks the request first. */
  private String body(GenerationRequest r) {
    if (r.kind() == GenerationKind.IMAGE) {
      return ImagesCodec.body(r);
    }
    if (r.kind() != GenerationKind.TEXT) {
      throw notTextOrImage(r);
    }
    return api == Api.RESPONSES ? ResponsesCodec.body(r, streaming) : ChatCodec.body(r, streaming);
  }

  private static IllegalArgumentException notTextOrImage(GenerationRequest r) {
    return new IllegalArgumentException(
        "the OpenAI client generates text and images, not " + r.kind().wireName());
  }

  /** Closes the HTTP pools this client made; a shared {@link OkHttpClient} is left alone. */
  @Override
  public void close() {
    transport.close();
  }

  @Override
  public String toString() {
    return "OpenAiClient{baseUrl="
        + endpoint.baseUrl()
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
    private Clock clock = Clock.systemUTC();

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

    /** The clock a {@code Retry-After} date is read against; the system clock. For tests. */
    Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
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
      String url = baseUrl != null ? baseUrl : environment.apply("OPENAI_BASE_URL");
      String source = baseUrl != null ? null : "OPENAI_BASE_URL";
      Endpoint endpoint =
          Endpoint.of(key, url, source, apiKeyHeader, organization, project, queryParameters);
      return new OpenAiClient(this, endpoint);
    }
  }
}
