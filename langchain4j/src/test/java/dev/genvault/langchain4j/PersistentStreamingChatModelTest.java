package dev.genvault.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genvault.ErrorType;
import dev.genvault.Generation;
import dev.genvault.GenerationStatus;
import dev.genvault.PersistentGenerator;
import dev.genvault.StreamClosePolicy;
import dev.genvault.testsupport.LocalServerTest;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** LangChain4j's own streaming OpenAI model against a local server, wrapped by Genvault. */
class PersistentStreamingChatModelTest extends LocalServerTest {
  static final String STREAM =
      chunk(
              "{\"id\":\"chatcmpl-9\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,"
                  + "\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}")
          + chunk(
              "{\"id\":\"chatcmpl-9\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,"
                  + "\"delta\":{\"content\":\"Old pond\"},\"finish_reason\":null}]}")
          + chunk(
              "{\"id\":\"chatcmpl-9\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,"
                  + "\"delta\":{\"content\":\", frog\"},\"finish_reason\":null}]}")
          + chunk(
              "{\"id\":\"chatcmpl-9\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,"
                  + "\"delta\":{},\"finish_reason\":\"stop\"}]}")
          + chunk(
              "{\"id\":\"chatcmpl-9\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[],"
                  + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":5,\"total_tokens\":17}}")
          + "data: [DONE]\n\n";

  OpenAiStreamingChatModel openAi() {
    return OpenAiStreamingChatModel.builder()
        .baseUrl(baseUrl())
        .apiKey("test-key")
        .modelName("gpt-4o-mini")
        .build();
  }

  /** What a handler received. */
  static final class Received implements StreamingChatResponseHandler {
    final List<String> partials = new CopyOnWriteArrayList<>();
    final CompletableFuture<ChatResponse> done = new CompletableFuture<>();

    @Override
    public void onPartialResponse(String partialResponse) {
      partials.add(partialResponse);
    }

    @Override
    public void onCompleteResponse(ChatResponse completeResponse) {
      done.complete(completeResponse);
    }

    @Override
    public void onError(Throwable error) {
      done.completeExceptionally(error);
    }

    ChatResponse response() throws Exception {
      return done.get(10, TimeUnit.SECONDS);
    }

    Throwable error() {
      return Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> done.isCompletedExceptionally() ? done.handle((r, e) -> e).join() : null,
              e -> e != null);
    }
  }

  @Test
  void a_stream_reaches_the_handler_and_the_store_with_its_usage() throws Exception {
    server.enqueue(sse(STREAM));
    StreamingChatModel model = PersistentChatModel.wrap(openAi(), genvault);
    Received received = new Received();

    model.chat(ChatRequest.builder().messages(UserMessage.from("A haiku")).build(), received);

    ChatResponse response = received.response();
    assertThat(String.join("", received.partials)).isEqualTo("Old pond, frog");
    assertThat(response.aiMessage().text()).isEqualTo("Old pond, frog");
    GenvaultChatResponseMetadata meta = GenvaultChatResponseMetadata.of(response).orElseThrow();
    assertThat(meta.providerMetadata().id()).isEqualTo("chatcmpl-9");
    Generation g = store.find(meta.generationId()).orElseThrow();
    assertThat(g.status()).isEqualTo(GenerationStatus.COMPLETE);
    assertThat(g.text()).isEqualTo("Old pond, frog");
    assertThat(g.usage().outputTokens()).isEqualTo(5);
    assertThat(g.providerModel()).isEqualTo("gpt-4o-mini-2024-07-18");
    assertThat(g.finishReason()).isEqualTo("stop");
    assertThat(g.cost()).isNotNull();
  }

  @Test
  void a_stream_cut_midway_is_recorded_as_an_error_with_the_text_that_had_arrived()
      throws Exception {
    String first =
        chunk(
            "{\"id\":\"chatcmpl-9\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\"before the cut\"},\"finish_reason\":null}]}");
    server.enqueue(cut(first));
    StreamingChatModel model = PersistentChatModel.wrap(openAi(), genvault);
    Received received = new Received();

    model.chat(ChatRequest.builder().messages(UserMessage.from("A haiku")).build(), received);

    Throwable error = received.error();
    assertThat(error)
        .isInstanceOf(dev.genvault.GenerationFailedException.class)
        .hasMessageContaining("without a finish reason");
    Generation row = onlyGenerationWhenEnded();
    assertThat(row.status()).isEqualTo(GenerationStatus.ERROR);
    assertThat(row.text()).isEqualTo("before the cut");
    assertThat(row.errorType()).isEqualTo(ErrorType.STREAM_INCOMPLETE);
  }

  @Test
  void an_error_mid_stream_is_recorded_with_the_text_that_had_arrived() throws Exception {
    server.enqueue(
        sse(
            chunk(
                    "{\"id\":\"chatcmpl-9\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,"
                        + "\"delta\":{\"content\":\"before the error\"},\"finish_reason\":null}]}")
                + chunk(
                    "{\"error\":{\"message\":\"The server is overloaded\",\"type\":"
                        + "\"server_error\",\"code\":null}}")));
    StreamingChatModel model = PersistentChatModel.wrap(openAi(), genvault);
    Received received = new Received();

    model.chat(ChatRequest.builder().messages(UserMessage.from("A haiku")).build(), received);

    assertThat(received.error()).isInstanceOf(dev.genvault.GenerationFailedException.class);
    Generation row = onlyGenerationWhenEnded();
    assertThat(row.status()).isEqualTo(GenerationStatus.ERROR);
    assertThat(row.text()).isEqualTo("before the error");
    // LangChain4j's OpenAI client skips the in-band error and completes the stream: what is left
    // to see is an answer without a finish reason.
    assertThat(row.errorType()).isEqualTo(ErrorType.STREAM_INCOMPLETE);
  }

  @Test
  void an_identical_streamed_request_is_served_from_the_cache_without_calling_the_model()
      throws Exception {
    server.enqueue(sse(STREAM));
    StreamingChatModel model = PersistentChatModel.wrap(openAi(), genvault);
    Received first = new Received();
    model.chat(ChatRequest.builder().messages(UserMessage.from("A haiku")).build(), first);
    String original =
        GenvaultChatResponseMetadata.of(first.response()).orElseThrow().generationId();

    Received second = new Received();
    model.chat(ChatRequest.builder().messages(UserMessage.from("A haiku")).build(), second);

    ChatResponse hit = second.response();
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(String.join("", second.partials)).isEqualTo("Old pond, frog");
    assertThat(hit.aiMessage().text()).isEqualTo("Old pond, frog");
    assertThat(GenvaultChatResponseMetadata.of(hit).orElseThrow().cachedFrom()).isEqualTo(original);
  }

  @Test
  void a_handler_that_cancels_gets_nothing_more_and_the_generation_is_still_stored()
      throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    String first =
        chunk(
            "{\"id\":\"chatcmpl-9\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\"Old pond\"},\"finish_reason\":null}]}");
    String rest = STREAM.substring(STREAM.indexOf("data: ", STREAM.indexOf("Old pond")));
    server.enqueue(stalling(first, rest, release));
    StreamingChatModel model = PersistentChatModel.wrap(openAi(), genvault);
    List<String> partials = new CopyOnWriteArrayList<>();
    CompletableFuture<Object> ended = new CompletableFuture<>();
    model.chat(
        ChatRequest.builder().messages(UserMessage.from("A haiku")).build(),
        new StreamingChatResponseHandler() {
          @Override
          public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
            partials.add(partial.text());
            context.streamingHandle().cancel();
            release.countDown();
          }

          @Override
          public void onCompleteResponse(ChatResponse completeResponse) {
            ended.complete(completeResponse);
          }

          @Override
          public void onError(Throwable error) {
            ended.complete(error);
          }
        });

    Generation row = onlyGenerationWhenEnded();
    assertThat(partials).containsExactly("Old pond");
    assertThat(ended).as("no callback after a cancel").isNotDone();
    assertThat(row.status())
        .as("the default close policy lets the generation finish and keeps it")
        .isEqualTo(GenerationStatus.COMPLETE);
    assertThat(row.text()).isEqualTo("Old pond, frog");
  }

  @Test
  void with_the_cancel_close_policy_a_cancelled_stream_stops_the_model_and_records_it()
      throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    String first =
        chunk(
            "{\"id\":\"chatcmpl-9\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\"Old pond\"},\"finish_reason\":null}]}");
    server.enqueue(stalling(first, STREAM, release));
    try (PersistentGenerator cancelling =
        PersistentGenerator.builder()
            .store(store)
            .streamClosePolicy(StreamClosePolicy.CANCEL)
            .build()) {
      StreamingChatModel model = PersistentChatModel.wrap(openAi(), cancelling);
      model.chat(
          ChatRequest.builder().messages(UserMessage.from("A haiku")).build(),
          new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
              context.streamingHandle().cancel();
            }

            @Override
            public void onCompleteResponse(ChatResponse completeResponse) {}

            @Override
            public void onError(Throwable error) {}
          });

      Generation row = onlyGenerationWhenEnded();
      assertThat(row.status()).isEqualTo(GenerationStatus.ERROR);
      assertThat(row.errorType()).isEqualTo(ErrorType.CANCELLED);
      assertThat(row.text()).isEqualTo("Old pond");
    } finally {
      release.countDown();
    }
  }

  @Test
  void a_stream_that_goes_silent_ends_as_a_timeout_after_the_idle_time() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    String first =
        chunk(
            "{\"id\":\"chatcmpl-9\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\"Old pond\"},\"finish_reason\":null}]}");
    server.enqueue(stalling(first, STREAM, release));
    try {
      StreamingChatModel model =
          PersistentStreamingChatModel.builder(openAi(), genvault)
              .idleTimeout(Duration.ofMillis(300))
              .build();
      Received received = new Received();

      model.chat(ChatRequest.builder().messages(UserMessage.from("A haiku")).build(), received);

      assertThat(received.error()).hasMessageContaining("nothing arrived from the model");
      Generation row = onlyGenerationWhenEnded();
      assertThat(row.errorType()).isEqualTo(ErrorType.TIMEOUT);
      assertThat(row.text()).isEqualTo("Old pond");
    } finally {
      release.countDown();
    }
  }
}
