package dev.genvault.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genvault.Attribution;
import dev.genvault.ErrorType;
import dev.genvault.Generation;
import dev.genvault.GenerationQuery;
import dev.genvault.GenerationStatus;
import dev.genvault.Message;
import dev.genvault.testsupport.LocalServerTest;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.service.AiServices;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

/** LangChain4j's own OpenAI model against a local OpenAI-format server, wrapped by Genvault. */
class PersistentChatModelTest extends LocalServerTest {
  static final String COMPLETION =
      "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,"
          + "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":"
          + "{\"role\":\"assistant\",\"content\":\"Old pond, frog\"},\"finish_reason\":\"stop\"}],"
          + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":5,\"total_tokens\":17}}";

  OpenAiChatModel openAi() {
    return OpenAiChatModel.builder()
        .baseUrl(baseUrl())
        .apiKey("test-key")
        .modelName("gpt-4o-mini")
        .maxRetries(0)
        .build();
  }

  @Test
  void a_plain_call_is_stored_with_its_usage_and_its_id_is_in_the_metadata() throws Exception {
    server.enqueue(json(200, COMPLETION));
    ChatModel model =
        PersistentChatModel.builder(openAi(), genvault)
            .attribution(() -> new Attribution("u1", "t1", java.util.Map.of()))
            .build();

    ChatResponse response =
        model.chat(
            ChatRequest.builder()
                .messages(SystemMessage.from("Be brief."), UserMessage.from("A haiku"))
                .temperature(0.2)
                .build());

    assertThat(response.aiMessage().text()).isEqualTo("Old pond, frog");
    assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(response.tokenUsage().inputTokenCount()).isEqualTo(12);
    GenvaultChatResponseMetadata meta = GenvaultChatResponseMetadata.of(response).orElseThrow();
    assertThat(meta.url()).isEqualTo("https://vault.example/chat/" + meta.generationId());
    assertThat(meta.cachedFrom()).isNull();
    assertThat(meta.providerMetadata()).isNotNull();
    assertThat(meta.providerMetadata().id()).isEqualTo("chatcmpl-1");

    Generation g = store.find(meta.generationId()).orElseThrow();
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
    assertThat(meta.costUsd()).isEqualByComparingTo(g.cost().usd());
    assertThat(g.userId()).isEqualTo("u1");
    assertThat(g.tenantId()).isEqualTo("t1");
    assertThat(g.request().messages())
        .containsExactly(Message.system("Be brief."), Message.user("A haiku"));
    assertThat(g.request().sampling().temperature()).isEqualTo(0.2);

    RecordedRequest sent = server.takeRequest();
    assertThat(sent.getBody().utf8()).contains("\"temperature\" : 0.2").contains("A haiku");
  }

  @Test
  void an_identical_request_is_served_from_the_dedup_cache_without_calling_the_model()
      throws Exception {
    server.enqueue(json(200, COMPLETION));
    ChatModel model = PersistentChatModel.wrap(openAi(), genvault);
    ChatResponse first = model.chat(UserMessage.from("A haiku"));
    ChatResponse second = model.chat(UserMessage.from("A haiku"));

    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(second.aiMessage().text()).isEqualTo("Old pond, frog");
    GenvaultChatResponseMetadata hit = GenvaultChatResponseMetadata.of(second).orElseThrow();
    String original = GenvaultChatResponseMetadata.of(first).orElseThrow().generationId();
    assertThat(hit.cachedFrom()).isEqualTo(original);
    assertThat(hit.generationId()).isNotEqualTo(original);
    assertThat(hit.providerMetadata()).as("the model was not called").isNull();
    assertThat(store.find(hit.generationId()).orElseThrow().cachedFrom()).isEqualTo(original);
  }

  @Test
  void a_tool_call_is_stored_and_given_back_and_the_next_turn_records_the_tool_messages()
      throws Exception {
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
    ToolSpecification weather =
        ToolSpecification.builder()
            .name("weather")
            .description("The weather in a city")
            .parameters(
                JsonObjectSchema.builder().addStringProperty("city").required("city").build())
            .build();
    UserMessage question = UserMessage.from("Weather in Oslo?");

    ChatResponse call =
        model.chat(ChatRequest.builder().messages(question).toolSpecifications(weather).build());

    assertThat(call.aiMessage().toolExecutionRequests()).hasSize(1);
    ToolExecutionRequest request = call.aiMessage().toolExecutionRequests().get(0);
    assertThat(request.name()).isEqualTo("weather");
    assertThat(request.arguments()).isEqualTo("{\"city\":\"Oslo\"}");
    assertThat(call.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
    Generation g =
        store
            .find(GenvaultChatResponseMetadata.of(call).orElseThrow().generationId())
            .orElseThrow();
    assertThat(g.toolCalls()).contains("\"call_1\"").contains("weather");
    assertThat(g.finishReason()).isEqualTo("tool_calls");
    assertThat(g.request().toolOptions().tools()).contains("\"weather\"").contains("city");

    ChatResponse answer =
        model.chat(
            ChatRequest.builder()
                .messages(
                    question,
                    call.aiMessage(),
                    ToolExecutionResultMessage.from(request, "12 degrees"))
                .toolSpecifications(weather)
                .build());
    assertThat(answer.aiMessage().text()).isEqualTo("Old pond, frog");
    Generation next =
        store
            .find(GenvaultChatResponseMetadata.of(answer).orElseThrow().generationId())
            .orElseThrow();
    List<Message> messages = next.request().messages();
    assertThat(messages).hasSize(3);
    assertThat(messages.get(1).role()).isEqualTo("assistant");
    assertThat(messages.get(1).content()).contains("\"tool_calls\"").contains("call_1");
    assertThat(messages.get(2).role()).isEqualTo("tool");
    assertThat(messages.get(2).content())
        .isEqualTo("{\"tool_call_id\":\"call_1\",\"name\":\"weather\",\"content\":\"12 degrees\"}");
  }

  @Test
  void a_rate_limit_is_recorded_as_such_and_reaches_the_caller_as_langchain4j_threw_it() {
    server.enqueue(
        json(429, "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\"}}"));
    ChatModel model = PersistentChatModel.wrap(openAi(), genvault);

    assertThatThrownBy(() -> model.chat(UserMessage.from("A haiku")))
        .isInstanceOf(RateLimitException.class);

    Generation g = stored().get(0);
    assertThat(g.status()).isEqualTo(GenerationStatus.ERROR);
    assertThat(g.errorType()).isEqualTo(ErrorType.RATE_LIMITED);
    assertThat(g.errorMessage()).contains("Rate limit reached");
  }

  @Test
  void a_request_without_a_model_name_is_refused_before_anything_is_stored_or_sent() {
    ChatModel bare =
        new ChatModel() {
          @Override
          public ChatResponse doChat(ChatRequest request) {
            return ChatResponse.builder().aiMessage(AiMessage.from("x")).build();
          }
        };
    ChatModel model = PersistentChatModel.wrap(bare, genvault);

    assertThatThrownBy(() -> model.chat(UserMessage.from("A haiku")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("modelName");
    assertThat(store.list(GenerationQuery.builder().build()).items()).isEmpty();

    ChatModel named = PersistentChatModel.builder(bare, genvault).modelName("my-model").build();
    assertThat(named.chat("A haiku")).isEqualTo("x");
    assertThat(stored().get(0).model()).isEqualTo("my-model");
  }

  interface Poet {
    String haiku(String topic);
  }

  @Test
  void an_ai_service_built_on_the_wrapped_model_is_persisted_too() {
    server.enqueue(json(200, COMPLETION));
    AtomicReference<String> user = new AtomicReference<>("alice");
    ChatModel model =
        PersistentChatModel.builder(openAi(), genvault)
            .attribution(() -> new Attribution(user.get(), null, java.util.Map.of()))
            .build();
    Poet poet = AiServices.create(Poet.class, model);

    assertThat(poet.haiku("frogs")).isEqualTo("Old pond, frog");

    Generation g = store.list(GenerationQuery.builder().userId("alice").build()).items().get(0);
    assertThat(g.status()).isEqualTo(GenerationStatus.COMPLETE);
    assertThat(g.request().messages().get(0).content()).contains("frogs");
  }

  @Test
  void a_providers_own_parameters_are_recorded_so_requests_differing_there_are_not_deduplicated() {
    server.enqueue(json(200, COMPLETION));
    server.enqueue(json(200, COMPLETION));
    ChatModel model = PersistentChatModel.wrap(openAi(), genvault);

    ChatResponse plain = model.chat(UserMessage.from("A haiku"));
    ChatResponse seeded =
        model.chat(
            ChatRequest.builder()
                .messages(UserMessage.from("A haiku"))
                .parameters(
                    dev.langchain4j.model.openai.OpenAiChatRequestParameters.builder()
                        .seed(7)
                        .build())
                .build());

    assertThat(server.getRequestCount()).isEqualTo(2);
    GenvaultChatResponseMetadata meta = GenvaultChatResponseMetadata.of(seeded).orElseThrow();
    assertThat(meta.cachedFrom()).isNull();
    assertThat(store.find(meta.generationId()).orElseThrow().request().parameters())
        .containsKey("langchain4j_parameters");
    assertThat(
            store
                .find(meta.generationId())
                .orElseThrow()
                .request()
                .parameters()
                .get("langchain4j_parameters"))
        .contains("\"seed\":\"7\"");
    assertThat(GenvaultChatResponseMetadata.of(plain).orElseThrow().cachedFrom()).isNull();
  }
}
