package dev.genvault.openaijava;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.core.ObjectMappers;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.images.ImageGenerateParams;
import com.openai.models.images.ImagesResponse;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import dev.genvault.ErrorType;
import dev.genvault.GenerationKind;
import dev.genvault.GenerationRequest;
import dev.genvault.GenvaultException;
import dev.genvault.Message;
import dev.genvault.ModelCall;
import dev.genvault.ModelClient;
import dev.genvault.ModelResult;
import dev.genvault.ProviderException;
import dev.genvault.cost.ProviderUsage;
import dev.genvault.internal.DaemonThreads;
import java.io.ByteArrayInputStream;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The official openai-java SDK's {@link OpenAIClient} as a Genvault {@link ModelClient}, in one
 * line:
 *
 * <pre>{@code
 * ModelClient openai = OpenAiJava.wrap(openAIClient);
 * Generation g = genvault.generate(request, openai);
 * }</pre>
 *
 * <p>A text generation is a Chat Completions call, always streamed (with {@code
 * stream_options.include_usage}), so that its text reaches the store as it arrives; the chunks are
 * put together by the SDK's {@code ChatCompletionAccumulator}. With {@link Api#RESPONSES} it is a
 * Responses API call instead, streamed too ({@code wrap(client, Api.RESPONSES)}); the final
 * response's status decides the outcome: {@code incomplete} keeps its text with its reason as the
 * finish reason, {@code failed} and {@code cancelled} fail. The usage with its cached, reasoning
 * and audio parts, the provider's model and response ID, the finish reason and the tool calls (as
 * OpenAI's JSON) go onto the record. An image generation is an Images API call asking for base64
 * data; each image goes to the blob store. The SDK's retries and timeouts are the client's own.
 *
 * <p>Errors are recorded by kind: the SDK's {@code RateLimitException} as {@code rate_limited}, a
 * timeout as {@code timeout}, an answer it cannot read as {@code invalid_response}, a stream that
 * ends without a finish reason as {@code stream_incomplete}, anything else {@code provider_error}.
 * Cancelling the generation closes the SDK's stream. Immutable and thread safe.
 */
public final class OpenAiJava implements ModelClient {
  static final ObjectMapper JSON = ObjectMappers.jsonMapper();

  /** Reads and closes streams: daemon threads, made when needed, gone when idle. */
  private static final java.util.concurrent.ExecutorService THREADS =
      DaemonThreads.cachedPool("genvault-openai-java");

  /** The API a text generation is sent to. */
  public enum Api {
    /** {@code POST /chat/completions}: every OpenAI-compatible server has it. */
    CHAT_COMPLETIONS,
    /**
     * {@code POST /responses}: takes no {@code seed}, {@code stop} or {@code n}, and its {@code
     * tools} are in the Responses API's own shape.
     */
    RESPONSES
  }

  private final OpenAIClient client;
  private final Api api;

  private OpenAiJava(OpenAIClient client, Api api) {
    this.client = Objects.requireNonNull(client, "client");
    this.api = Objects.requireNonNull(api, "api");
  }

  /** {@code client} as a model client on Chat Completions; the client stays the app's to close. */
  public static OpenAiJava wrap(OpenAIClient client) {
    return new OpenAiJava(client, Api.CHAT_COMPLETIONS);
  }

  /** {@code client} as a model client on {@code api}; the client stays the app's to close. */
  public static OpenAiJava wrap(OpenAIClient client, Api api) {
    return new OpenAiJava(client, api);
  }

  @Override
  public String provider() {
    return "openai";
  }

  @Override
  public void check(GenerationRequest request) {
    if (request.kind() != GenerationKind.TEXT && request.kind() != GenerationKind.IMAGE) {
      throw new IllegalArgumentException(
          "OpenAiJava makes text (Chat Completions or the Responses API) and images (Images API), not "
              + request.kind().wireName());
    }
    if (request.kind() == GenerationKind.IMAGE && request.prompt() == null) {
      throw new IllegalArgumentException("an image generation needs a prompt");
    }
    // Build the SDK's request now: a value it refuses fails here, before anything is stored.
    if (request.kind() == GenerationKind.TEXT && api == Api.RESPONSES) {
      ResponsesParams.of(request);
    } else if (request.kind() == GenerationKind.TEXT) {
      chatParams(request);
    } else {
      imageParams(request);
    }
  }

  @Override
  public ModelResult generate(ModelCall call) throws InterruptedException {
    try {
      if (call.request().kind() == GenerationKind.IMAGE) {
        return image(call);
      }
      return api == Api.RESPONSES ? responses(call) : chat(call);
    } catch (GenvaultException e) {
      throw e;
    } catch (RuntimeException e) {
      throw Failures.classified(e);
    }
  }

  /** What a whole stream came to: the accumulated completion and its finish reason. */
  private record Streamed(ChatCompletion completion, String finishReason) {}

  private ModelResult chat(ModelCall call) throws InterruptedException {
    ChatCompletionCreateParams params = chatParams(call.request());
    Streamed streamed =
        streamed(
            call,
            () -> client.chat().completions().createStreaming(params),
            c -> readChat(call, c));
    ChatCompletion completion = streamed.completion();
    ModelResult.Builder result =
        ModelResult.builder()
            .finishReason(streamed.finishReason())
            .providerModel(completion.model())
            .providerResponseId(completion.id())
            .usage(completion.usage().map(u -> ProviderUsage.openAiChat(numbers(u))).orElse(null));
    completion.choices().stream()
        .filter(c -> c.index() == 0)
        .findFirst()
        .ifPresent(
            c -> {
              c.message()
                  .toolCalls()
                  .filter(calls -> !calls.isEmpty())
                  .ifPresent(calls -> result.toolCalls(json(calls)));
              c.message()
                  .refusal()
                  .filter(r -> !r.isEmpty())
                  .ifPresent(r -> result.attribute("refusal", r));
            });
    return result.build();
  }

  private static Streamed readChat(ModelCall call, Iterator<ChatCompletionChunk> chunks) {
    ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
    String finishReason = null;
    while (chunks.hasNext()) {
      ChatCompletionChunk chunk = accumulator.accumulate(chunks.next());
      for (ChatCompletionChunk.Choice choice : chunk.choices()) {
        if (choice.index() != 0) {
          continue;
        }
        choice.delta().content().ifPresent(call::emit);
        if (choice.finishReason().isPresent()) {
          finishReason = choice.finishReason().get().asString();
        }
      }
    }
    if (finishReason == null) {
      throw new ProviderException(
          ErrorType.STREAM_INCOMPLETE, "the stream ended without a finish reason", true, null);
    }
    return new Streamed(accumulator.chatCompletion(), finishReason);
  }

  private ModelResult responses(ModelCall call) throws InterruptedException {
    ResponseCreateParams params = ResponsesParams.of(call.request());
    Response response =
        streamed(
            call,
            () -> client.responses().createStreaming(params),
            events -> ResponsesParams.read(call, events));
    return ResponsesParams.result(JSON.valueToTree(response));
  }

  /**
   * Opens a stream and reads it on a thread of its own, while the generation's thread waits: the
   * SDK's reads cannot be woken, and its close waits for a read in progress, so a cancel must not
   * wait for either. The generation ends at once; the reading thread ends when its read returns
   * (data, or the SDK's read timeout), and its next piece of text is refused.
   */
  private static <E, R> R streamed(
      ModelCall call,
      java.util.function.Supplier<StreamResponse<E>> open,
      java.util.function.Function<Iterator<E>, R> read)
      throws InterruptedException {
    CompletableFuture<R> done = new CompletableFuture<>();
    AtomicReference<StreamResponse<E>> opened = new AtomicReference<>();
    call.onCancel(
        () -> {
          done.cancel(false);
          StreamResponse<E> stream = opened.get();
          if (stream != null) {
            THREADS.execute(stream::close);
          }
        });
    THREADS.execute(
        () -> {
          try (StreamResponse<E> stream = open.get()) {
            opened.set(stream);
            if (done.isDone()) {
              return; // cancelled while the request was sent; closed on the way out
            }
            done.complete(read.apply(stream.stream().iterator()));
          } catch (RuntimeException | Error e) {
            done.completeExceptionally(e);
          }
        });
    try {
      return done.get();
    } catch (CancellationException e) {
      throw new ProviderException(ErrorType.CANCELLED, "the generation was cancelled");
    } catch (InterruptedException e) {
      if (call.isCancelled()) {
        throw new ProviderException(ErrorType.CANCELLED, "the generation was cancelled");
      }
      throw e;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof GenvaultException g) {
        throw g;
      }
      if (cause instanceof RuntimeException r) {
        throw Failures.classified(r);
      }
      throw new ProviderException(ErrorType.PROVIDER_ERROR, String.valueOf(cause), false, cause);
    }
  }

  private ModelResult image(ModelCall call) {
    ImagesResponse response = client.images().generate(imageParams(call.request()));
    List<com.openai.models.images.Image> images = response.data().orElse(List.of());
    int stored = 0;
    for (com.openai.models.images.Image image : images) {
      if (image.b64Json().isPresent()) {
        byte[] bytes = Base64.getDecoder().decode(image.b64Json().get());
        call.storeBlob(contentType(response), new ByteArrayInputStream(bytes));
        stored++;
      }
    }
    if (stored == 0) {
      throw new ProviderException(
          ErrorType.INVALID_RESPONSE, "the Images API answered no base64 image data");
    }
    return ModelResult.builder()
        .finishReason("stop")
        .usage(response.usage().map(u -> ProviderUsage.openAiImages(numbers(u))).orElse(null))
        .build();
  }

  private static String contentType(ImagesResponse response) {
    String format = response.outputFormat().map(f -> f.asString()).orElse("png");
    return "image/" + format;
  }

  /** The SDK's chat request for a Genvault request, built as the JSON body OpenAI documents. */
  static ChatCompletionCreateParams chatParams(GenerationRequest r) {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", r.model());
    for (Message m : r.conversation()) {
      body.withArray("messages").addObject().put("role", m.role()).put("content", m.content());
    }
    if (r.temperature() != null) {
      body.put("temperature", r.temperature());
    }
    if (r.topP() != null) {
      body.put("top_p", r.topP());
    }
    if (r.maxOutputTokens() != null) {
      body.put("max_completion_tokens", r.maxOutputTokens());
    }
    if (r.seed() != null) {
      body.put("seed", r.seed());
    }
    if (r.n() != null) {
      body.put("n", r.n());
    }
    for (String stop : r.stop()) {
      body.withArray("stop").add(stop);
    }
    if (r.responseFormat() != null) {
      body.set("response_format", jsonOrText(r.responseFormat()));
    }
    if (r.tools() != null) {
      body.set("tools", jsonOrText(r.tools()));
    }
    if (r.toolChoice() != null) {
      body.set("tool_choice", jsonOrText(r.toolChoice()));
    }
    parameters(body, r.parameters());
    body.putObject("stream_options").put("include_usage", true);
    if (r.imageSize() != null || r.imageQuality() != null) {
      throw new IllegalArgumentException(
          "image size and quality are for image generations, not chat completions");
    }
    try {
      ChatCompletionCreateParams.Body parsed =
          JSON.treeToValue(body, ChatCompletionCreateParams.Body.class);
      parsed.validate(); // a value of the wrong type is kept raw by the mapper, refused here
      return ChatCompletionCreateParams.builder().body(parsed).build();
    } catch (JsonProcessingException | RuntimeException e) {
      throw new IllegalArgumentException(
          "openai-java cannot send this request: " + e.getMessage(), e);
    }
  }

  /** The SDK's image request, asking for base64 data. */
  static ImageGenerateParams imageParams(GenerationRequest r) {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", r.model());
    body.put("prompt", Objects.requireNonNull(r.prompt(), "prompt"));
    if (r.n() != null) {
      body.put("n", r.n());
    }
    if (r.imageSize() != null) {
      body.put("size", r.imageSize());
    }
    if (r.imageQuality() != null) {
      body.put("quality", r.imageQuality());
    }
    if (!r.model().startsWith("gpt-image")) {
      body.put("response_format", "b64_json"); // the gpt-image models always answer base64
    }
    parameters(body, r.parameters());
    try {
      ImageGenerateParams.Body parsed = JSON.treeToValue(body, ImageGenerateParams.Body.class);
      parsed.validate();
      return ImageGenerateParams.builder().body(parsed).build();
    } catch (JsonProcessingException | RuntimeException e) {
      throw new IllegalArgumentException(
          "openai-java cannot send this request: " + e.getMessage(), e);
    }
  }

  static void parameters(ObjectNode body, Map<String, String> parameters) {
    parameters.forEach((name, value) -> body.set(name, jsonOrText(value)));
  }

  /** A value as the JSON it is, or as a JSON string where it is plain text ({@code auto}). */
  static JsonNode jsonOrText(String value) {
    try {
      return JSON.readTree(value);
    } catch (JsonProcessingException e) {
      return JSON.getNodeFactory().textNode(value);
    }
  }

  /** A usage object's numbers by dotted path ({@code prompt_tokens_details.cached_tokens}). */
  static Map<String, Long> numbers(Object usage) {
    Map<String, Long> numbers = new TreeMap<>();
    flatten("", JSON.valueToTree(usage), numbers);
    return numbers;
  }

  private static void flatten(String prefix, JsonNode node, Map<String, Long> into) {
    if (node.isIntegralNumber()) {
      into.put(prefix, node.asLong());
    } else if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              e ->
                  flatten(
                      prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(),
                      e.getValue(),
                      into));
    }
  }

  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the SDK's value as JSON", e);
    }
  }

  @Override
  public String toString() {
    return "OpenAiJava(" + client.getClass().getSimpleName() + ", " + api + ")";
  }

  /** How a failure of the SDK is recorded. */
  static final class Failures {
    private Failures() {}

    static ProviderException classified(RuntimeException e) {
      ErrorType type = ErrorType.PROVIDER_ERROR;
      boolean retryable = e instanceof com.openai.errors.OpenAIRetryableException;
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof com.openai.errors.RateLimitException) {
          type = ErrorType.RATE_LIMITED;
          retryable = true;
          break;
        }
        if (t instanceof java.io.InterruptedIOException
            || t instanceof java.util.concurrent.TimeoutException) {
          type = ErrorType.TIMEOUT;
          retryable = true;
          break;
        }
        if (t instanceof com.openai.errors.OpenAIInvalidDataException
            || t instanceof JsonProcessingException) {
          type = ErrorType.INVALID_RESPONSE;
          break;
        }
        if (t instanceof com.openai.errors.InternalServerException) {
          retryable = true;
        }
      }
      String message = e.getMessage() == null ? e.toString() : e.getMessage();
      return new ProviderException(type, message, retryable, e);
    }
  }
}
