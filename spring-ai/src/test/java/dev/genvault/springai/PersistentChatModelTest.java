package dev.genvault.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genvault.Attribution;
import dev.genvault.ErrorType;
import dev.genvault.Generation;
import dev.genvault.GenerationStatus;
import dev.genvault.Message;
import dev.genvault.PersistentGenerator;
import dev.genvault.StreamClosePolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.openai.api.OpenAiApi;
import org.springframework.ai.tool.function.FunctionToolCallback;
import org.springframework.retry.support.RetryTemplate;
import reactor.core.Disposable;

/** Spring AI's own OpenAI model against a local OpenAI-format server, wrapped by Genvault. */
class PersistentChatModelTest extends LocalServerTest {
  static final String COMPLETION =
      "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,"
          + "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":"
          + "{\"role\":\"assistant\",\"content\":\"Old pond, frog\"},\"finish_reason\":\"stop\"}],"
          + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":5,\"total_tokens\":17}}";

  static final String STREAM =
      chunk(
              "{\"id\":\"chatcmpl-9\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                  + "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"delta\":"
                  + "{\"role\":\"assistant\",\"content\":\"Old pond\"},\"finish_reason\":null}]}")
          + chunk(
              "{\"id\":\"chatcmpl-9\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                  + "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"delta\":"
                  + "{\"content\":\", frog\"},\"finish_reason\":null}]}")
          + chunk(
              "{\"id\":\"chatcmpl-9\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                  + "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"delta\":{},"
                  + "\"finish_reason\":\"stop\"}]}")
          + chunk(
              "{\"id\":\"chatcmpl-9\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                  + "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[],\"usage\":"
                  + "{\"prompt_tokens\":12,\"completion_tokens\":5,\"total_tokens\":17}}")
          + "data: [DONE]\n\n";

  OpenAiChatModel openAi() {
    return openAi(baseUrl());
  }

  /** Spring AI's own OpenAI model for a local server, without retries, reporting stream usage. */
  OpenAiChatModel openAi(String baseUrl) {
    return OpenAiChatModel.builder()
        .openAiApi(OpenAiApi.builder().baseUrl(baseUrl).apiKey("test-key").build())
        .defaultOptions(OpenAiChatOptions.builder().model("gpt-4o-mini").streamUsage(true).build())
        .retryTemplate(RetryTemplate.builder().maxAttempts(1).build())
        .build();
  }

  @Test
  void a_call_is_stored_with_its_usage_and_its_id_is_in_the_metadata() throws Exception {
    server.enqueue(json(200, COMPLETION));
    ChatModel model =
        PersistentChatModel.builder(openAi(), genvault)
            .attribution(() -> new Attribution("u1", "t1", Map.of()))
            .build();

    ChatResponse response =
        model.call(
            new Prompt(
                List.of(new SystemMessage("Be brief."), new UserMessage("A haiku")),
                OpenAiChatOptions.builder().temperature(0.2).build()));

    assertThat(response.getResult().getOutput().getText()).isEqualTo("Old pond, frog");
    assertThat(response.getResult().getMetadata().getFinishReason()).isEqualTo("STOP");
    assertThat(response.getMetadata().getUsage().getPromptTokens()).isEqualTo(12);
    assertThat(response.getMetadata().getId()).isEqualTo("chatcmpl-1");
    String id = GenvaultMetadata.generationId(response).orElseThrow();
    assertThat(GenvaultMetadata.url(response)).contains("https://vault.example/chat/" + id);
    assertThat(GenvaultMetadata.cachedFrom(response)).isEmpty();

    Generation g = store.find(id).orElseThrow();
    assertThat(g.status()).isEqualTo(GenerationStatus.COMPLETE);
    assertThat(g.text()).isEqualTo("Old pond, frog");
    assertThat(g.model()).isEqualTo("gpt-4o-mini");
    assertThat(g.provider()).isEqualTo("openai");
    assertThat(g.providerModel()).isEqualTo("gpt-4o-mini-2024-07-18");
    assertThat(g.providerResponseId()).isEqualTo("chatcmpl-1");
    assertThat(g.finishReason()).isEqualTo("stop");
    assertThat(g.usage().inputTokens()).isEqualTo(12);
    assertThat(g.usage().outputTokens()).isEqualTo(5);
    assertThat(g.cost()).as("gpt-4o-mini is in the bundled price table").isNotNull();
    assertThat(GenvaultMetadata.costUsd(response)).contains(g.cost().usd());
    assertThat(g.userId()).isEqualTo("u1");
    assertThat(g.request().messages())
        .containsExactly(Message.system("Be brief."), Message.user("A haiku"));
    assertThat(g.request().sampling().temperature()).isEqualTo(0.2);

    RecordedRequest sent = server.takeRequest();
    assertThat(sent.getBody().utf8()).contains("A haiku").contains("0.2");
  }

  @Test
  void a_stream_reaches_the_subscriber_and_the_store_and_its_last_piece_names_the_record() {
    server.enqueue(sse(STREAM));
    ChatModel model = PersistentChatModel.wrap(openAi(), genvault);

    List<ChatResponse> pieces =
        model.stream(new Prompt("A haiku")).collectList().block(Duration.ofSeconds(10));

    StringBuilder text = new StringBuilder();
    for (ChatResponse p : pieces) {
      text.append(p.getResult().getOutput().getText());
    }
    assertThat(text.toString()).isEqualTo("Old pond, frog");
    ChatResponse last = pieces.get(pieces.size() - 1);
    String id = GenvaultMetadata.generationId(last).orElseThrow();
    assertThat(GenvaultMetadata.generationId(pieces.get(0))).contains(id);
    assertThat(last.getResult().getMetadata().getFinishReason()).isEqualTo("STOP");
    assertThat(last.getMetadata().getUsage().getCompletionTokens()).isEqualTo(5);
    Generation g = store.find(id).orElseThrow();
    assertThat(g.status()).isEqualTo(GenerationStatus.COMPLETE);
    assertThat(g.text()).isEqualTo("Old pond, frog");
    assertThat(g.usage().outputTokens()).isEqualTo(5);
    assertThat(g.finishReason()).isEqualTo("stop");
    assertThat(g.providerResponseId()).isEqualTo("chatcmpl-9");
  }

  @Test
  void an_identical_prompt_is_served_from_the_dedup_cache_without_calling_the_model() {
    server.enqueue(json(200, COMPLETION));
    ChatModel model = PersistentChatModel.wrap(openAi(), genvault);
    ChatResponse first = model.call(new Prompt("A haiku"));
    ChatResponse second = model.call(new Prompt("A haiku"));
    List<ChatResponse> streamed =
        model.stream(new Prompt("A haiku")).collectList().block(Duration.ofSeconds(10));

    assertThat(server.getRequestCount()).isEqualTo(1);
    String original = GenvaultMetadata.generationId(first).orElseThrow();
    assertThat(second.getResult().getOutput().getText()).isEqualTo("Old pond, frog");
    assertThat(GenvaultMetadata.cachedFrom(second)).contains(original);
    assertThat(GenvaultMetadata.cachedFrom(streamed.get(streamed.size() - 1))).contains(original);
    assertThat(streamed.get(0).getResult().getOutput().getText()).isEqualTo("Old pond, frog");
  }

  record City(String city) {}

  @Test
  void a_tool_call_is_stored_and_given_back_and_the_next_turn_records_the_tool_messages() {
    server.enqueue(
        json(
            200,
            "{\"id\":\"chatcmpl-2\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":"
                + "\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"weather\","
                + "\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\"}}]},\"finish_reason\":"
                + "\"tool_calls\"}],\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":9,"
                + "\"total_tokens\":39}}"));
    server.enqueue(json(200, COMPLETION));
    ChatModel model = PersistentChatModel.wrap(openAi(), genvault);
    OpenAiChatOptions options =
        OpenAiChatOptions.builder()
            .toolCallbacks(
                FunctionToolCallback.builder("weather", (Function<City, String>) c -> "12 degrees")
                    .description("The weather in a city")
                    .inputType(City.class)
                    .build())
            .internalToolExecutionEnabled(false)
            .build();
    UserMessage question = new UserMessage("Weather in Oslo?");

    ChatResponse call = model.call(new Prompt(List.of(question), options));

    AssistantMessage out = call.getResult().getOutput();
    assertThat(out.getToolCalls()).hasSize(1);
    assertThat(out.getToolCalls().get(0).name()).isEqualTo("weather");
    assertThat(out.getToolCalls().get(0).arguments()).isEqualTo("{\"city\":\"Oslo\"}");
    Generation g = store.find(GenvaultMetadata.generationId(call).orElseThrow()).orElseThrow();
    assertThat(g.toolCalls()).contains("\"call_1\"").contains("weather");
    assertThat(g.finishReason()).isEqualTo("tool_calls");
    assertThat(g.request().toolOptions().tools()).contains("\"weather\"").contains("city");

    ToolResponseMessage result =
        ToolResponseMessage.builder()
            .responses(
                List.of(new ToolResponseMessage.ToolResponse("call_1", "weather", "12 degrees")))
            .build();
    ChatResponse answer = model.call(new Prompt(List.of(question, out, result), options));
    assertThat(answer.getResult().getOutput().getText()).isEqualTo("Old pond, frog");
    List<Message> messages =
        store
            .find(GenvaultMetadata.generationId(answer).orElseThrow())
            .orElseThrow()
            .request()
            .messages();
    assertThat(messages).hasSize(3);
    assertThat(messages.get(1).content()).contains("\"tool_calls\"").contains("call_1");
    assertThat(messages.get(2).role()).isEqualTo("tool");
    assertThat(messages.get(2).content())
        .isEqualTo(
            "[{\"tool_call_id\":\"call_1\",\"name\":\"weather\",\"content\":\"12 degrees\"}]");
  }

  @Test
  void a_rate_limit_is_recorded_as_such_and_reaches_the_caller_as_spring_ai_threw_it() {
    server.enqueue(
        json(429, "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\"}}"));
    ChatModel model = PersistentChatModel.wrap(openAi(), genvault);

    assertThatThrownBy(() -> model.call(new Prompt("A haiku")))
        .satisfies(e -> assertThat(e.getClass().getName()).startsWith("org.springframework"));

    Generation g = stored().get(0);
    assertThat(g.status()).isEqualTo(GenerationStatus.ERROR);
    assertThat(g.errorType()).isEqualTo(ErrorType.RATE_LIMITED);
    assertThat(g.errorMessage()).contains("Rate limit reached");
  }

  @Test
  void a_stream_cut_short_is_recorded_as_incomplete_with_the_text_that_had_arrived() {
    String first = STREAM.substring(0, STREAM.indexOf("data: ", 10));
    server.enqueue(cut(first));
    ChatModel model = PersistentChatModel.wrap(openAi(), genvault);

    assertThatThrownBy(
            () -> model.stream(new Prompt("A haiku")).collectList().block(Duration.ofSeconds(10)))
        .hasMessageContaining("without a finish reason");

    Generation row = onlyGenerationWhenEnded();
    assertThat(row.status()).isEqualTo(GenerationStatus.ERROR);
    assertThat(row.errorType()).isEqualTo(ErrorType.STREAM_INCOMPLETE);
    assertThat(row.text()).isEqualTo("Old pond");
  }

  @Test
  void an_error_mid_stream_is_recorded_with_the_text_that_had_arrived() {
    // Spring AI's OpenAI stream hands on a chunk when the next one arrives: two, then the error.
    String first = STREAM.substring(0, STREAM.indexOf("data: ", STREAM.indexOf(", frog")));
    server.enqueue(
        sse(
            first
                + chunk(
                    "{\"error\":{\"message\":\"The server is overloaded\",\"type\":"
                        + "\"server_error\",\"code\":null}}")));
    ChatModel model = PersistentChatModel.wrap(openAi(), genvault);

    assertThatThrownBy(
        () -> model.stream(new Prompt("A haiku")).collectList().block(Duration.ofSeconds(10)));

    Generation row = onlyGenerationWhenEnded();
    assertThat(row.status()).isEqualTo(GenerationStatus.ERROR);
    assertThat(row.text()).startsWith("Old pond");
    // Spring AI's OpenAI stream skips the in-band error and completes: what is left to see is an
    // answer without a finish reason.
    assertThat(row.errorType()).isEqualTo(ErrorType.STREAM_INCOMPLETE);
  }

  @Test
  void a_cancelled_subscription_leaves_the_generation_to_finish_and_be_stored() {
    CountDownLatch release = new CountDownLatch(1);
    // Spring AI's OpenAI stream hands on a chunk when the next one arrives: two, then a stall.
    String first = STREAM.substring(0, STREAM.indexOf("data: ", STREAM.indexOf(", frog")));
    server.enqueue(stalling(first, STREAM.substring(first.length()), release));
    ChatModel model = PersistentChatModel.wrap(openAi(), genvault);
    CountDownLatch got = new CountDownLatch(1);

    Disposable subscription = model.stream(new Prompt("A haiku")).subscribe(r -> got.countDown());
    try {
      assertThat(got.await(10, TimeUnit.SECONDS)).isTrue();
      subscription.dispose();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    } finally {
      release.countDown();
    }

    Generation row = onlyGenerationWhenEnded();
    assertThat(row.status()).isEqualTo(GenerationStatus.COMPLETE);
    assertThat(row.text()).isEqualTo("Old pond, frog");
  }

  @Test
  void under_the_cancel_close_policy_a_cancelled_subscription_stops_the_model() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    String first = STREAM.substring(0, STREAM.indexOf("data: ", STREAM.indexOf(", frog")));
    server.enqueue(stalling(first, STREAM.substring(first.length()), release));
    try (PersistentGenerator cancelling =
        PersistentGenerator.builder()
            .store(store)
            .streamClosePolicy(StreamClosePolicy.CANCEL)
            .build()) {
      ChatModel model = PersistentChatModel.wrap(openAi(), cancelling);
      CountDownLatch got = new CountDownLatch(1);
      Disposable subscription = model.stream(new Prompt("A haiku")).subscribe(r -> got.countDown());
      assertThat(got.await(10, TimeUnit.SECONDS)).isTrue();
      subscription.dispose();

      Generation row = onlyGenerationWhenEnded();
      assertThat(row.status()).isEqualTo(GenerationStatus.ERROR);
      assertThat(row.errorType()).isEqualTo(ErrorType.CANCELLED);
      assertThat(row.text())
          .as("what had arrived when the stream was cancelled")
          .startsWith("Old pond");
    } finally {
      release.countDown();
    }
  }

  @Test
  void a_chat_client_on_the_wrapped_model_is_persisted_too() {
    server.enqueue(json(200, COMPLETION));
    ChatClient chat = ChatClient.create(PersistentChatModel.wrap(openAi(), genvault));

    assertThat(chat.prompt().user("A haiku about frogs").call().content())
        .isEqualTo("Old pond, frog");

    Generation g = stored().get(0);
    assertThat(g.status()).isEqualTo(GenerationStatus.COMPLETE);
    assertThat(g.request().messages().get(0).content()).isEqualTo("A haiku about frogs");
  }

  @Test
  void a_prompt_without_a_model_name_is_refused_before_anything_is_stored_or_sent() {
    ChatModel bare = prompt -> new ChatResponse(List.of());
    ChatModel model = PersistentChatModel.wrap(bare, genvault);

    assertThatThrownBy(() -> model.call(new Prompt("A haiku")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("modelName");
    assertThat(stored()).isEmpty();
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void provider_options_are_recorded_so_prompts_that_differ_only_there_are_not_deduplicated() {
    server.enqueue(json(200, COMPLETION));
    server.enqueue(json(200, COMPLETION));
    ChatModel model = PersistentChatModel.wrap(openAi(), genvault);

    ChatResponse plain = model.call(new Prompt("A haiku"));
    ChatResponse seeded =
        model.call(new Prompt("A haiku", OpenAiChatOptions.builder().seed(7).build()));

    assertThat(server.getRequestCount()).isEqualTo(2);
    assertThat(GenvaultMetadata.cachedFrom(seeded)).isEmpty();
    Generation g = store.find(GenvaultMetadata.generationId(seeded).orElseThrow()).orElseThrow();
    assertThat(g.request().parameters().get("spring_ai_options"))
        .contains("\"seed\":7")
        .contains("\"model\":\"gpt-4o-mini\"");
    assertThat(GenvaultMetadata.cachedFrom(plain)).isEmpty();
  }

  @Test
  void a_prompt_whose_tools_spring_ai_runs_itself_is_never_served_from_the_cache() {
    String toolCall =
        "{\"id\":\"chatcmpl-2\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,"
            + "\"message\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":"
            + "\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"balance\","
            + "\"arguments\":\"{}\"}}]},\"finish_reason\":\"tool_calls\"}]}";
    for (int i = 0; i < 2; i++) {
      server.enqueue(json(200, toolCall));
      server.enqueue(json(200, COMPLETION));
    }
    ChatModel model = PersistentChatModel.wrap(openAi(), genvault);
    OpenAiChatOptions options =
        OpenAiChatOptions.builder()
            .toolCallbacks(
                FunctionToolCallback.builder("balance", (Function<City, String>) c -> "12 EUR")
                    .description("The caller's balance")
                    .inputType(City.class)
                    .build())
            .build();

    ChatResponse first = model.call(new Prompt("What is my balance?", options));
    ChatResponse second = model.call(new Prompt("What is my balance?", options));

    assertThat(server.getRequestCount())
        .as("each call ran the tool: the answer depends on what it returns now")
        .isEqualTo(4);
    assertThat(GenvaultMetadata.cachedFrom(second)).isEmpty();
    assertThat(
            store
                .find(GenvaultMetadata.generationId(first).orElseThrow())
                .orElseThrow()
                .fingerprint())
        .isNull();
  }

  @Test
  void a_stream_that_goes_silent_ends_as_a_timeout_after_the_idle_time() {
    CountDownLatch release = new CountDownLatch(1);
    // Two chunks (Spring AI hands a chunk on when the next arrives), then silence.
    String first = STREAM.substring(0, STREAM.indexOf("data: ", STREAM.indexOf(", frog")));
    server.enqueue(stalling(first, STREAM.substring(first.length()), release));
    try {
      ChatModel model =
          PersistentChatModel.builder(openAi(), genvault)
              .idleTimeout(Duration.ofMillis(300))
              .build();

      assertThatThrownBy(
              () -> model.stream(new Prompt("A haiku")).collectList().block(Duration.ofSeconds(10)))
          .hasMessageContaining("nothing arrived from the model");

      Generation row = onlyGenerationWhenEnded();
      assertThat(row.errorType()).isEqualTo(ErrorType.TIMEOUT);
      assertThat(row.text()).startsWith("Old pond");
    } finally {
      release.countDown();
    }
  }
}
