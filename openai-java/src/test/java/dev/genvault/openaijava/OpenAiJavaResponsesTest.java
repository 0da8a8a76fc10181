package dev.genvault.openaijava;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genvault.ErrorType;
import dev.genvault.Generation;
import dev.genvault.GenerationFailedException;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationStatus;
import dev.genvault.GenerationStream;
import dev.genvault.Message;
import dev.genvault.PersistentGenerator;
import dev.genvault.StreamClosePolicy;
import dev.genvault.openaijava.OpenAiJava.Api;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

/**
 * The Responses API through the official openai-java SDK's own OkHttp client, against a local
 * server sending the events OpenAI documents, through Genvault.
 */
class OpenAiJavaResponsesTest extends LocalServerTest {
  static final String USAGE =
      "{\"input_tokens\":1200,\"input_tokens_details\":{\"cached_tokens\":1024},"
          + "\"output_tokens\":300,\"output_tokens_details\":{\"reasoning_tokens\":100},"
          + "\"total_tokens\":1500}";

  /** A response object with this status, output and extra members. */
  static String response(String status, String output, String extra) {
    return "{\"id\":\"resp_7\",\"object\":\"response\",\"created_at\":1,\"status\":\""
        + status
        + "\",\"model\":\"gpt-4.1-mini-2025-04-14\",\"output\":["
        + output
        + "],\"parallel_tool_calls\":true,\"tool_choice\":\"auto\",\"tools\":[],"
        + "\"metadata\":{},\"error\":null,\"incomplete_details\":null,\"instructions\":null,"
        + "\"temperature\":1.0,\"top_p\":1.0"
        + extra
        + "}";
  }

  static String message(String text) {
    return "{\"type\":\"message\",\"id\":\"msg_1\",\"status\":\"completed\",\"role\":\"assistant\","
        + "\"content\":[{\"type\":\"output_text\",\"text\":\""
        + text
        + "\",\"annotations\":[]}]}";
  }

  static String delta(int seq, String text) {
    return chunk(
        "{\"type\":\"response.output_text.delta\",\"item_id\":\"msg_1\",\"output_index\":0,"
            + "\"content_index\":0,\"delta\":\""
            + text
            + "\",\"logprobs\":[],\"sequence_number\":"
            + seq
            + "}");
  }

  static String end(String type, int seq, String response) {
    return chunk(
        "{\"type\":\""
            + type
            + "\",\"sequence_number\":"
            + seq
            + ",\"response\":"
            + response
            + "}");
  }

  static final String CREATED = end("response.created", 0, response("in_progress", "", ""));

  static final String STREAM =
      CREATED
          + delta(1, "Old pond")
          + delta(2, ", frog")
          + end(
              "response.completed",
              3,
              response("completed", message("Old pond, frog"), ",\"usage\":" + USAGE));

  static GenerationRequest haiku() {
    return GenerationRequest.builder()
        .model("gpt-4.1-mini")
        .messages(List.of(Message.system("Be brief."), Message.user("A haiku")))
        .temperature(0.2)
        .maxOutputTokens(50)
        .build();
  }

  OpenAiJava responses() {
    return OpenAiJava.wrap(sdk(), Api.RESPONSES);
  }

  @Test
  void a_response_is_streamed_into_the_store_with_its_usage_in_detail() throws Exception {
    server.enqueue(sse(STREAM));
    GenerationRequest request =
        haiku().toBuilder()
            .responseFormat(
                "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"haiku\",\"schema\":"
                    + "{\"type\":\"object\"},\"strict\":true}}")
            .build();

    Generation g = genvault.generate(request, responses());

    assertCompleteInStore(g, "Old pond, frog");
    assertThat(g.finishReason()).isEqualTo("completed");
    assertThat(g.providerModel()).isEqualTo("gpt-4.1-mini-2025-04-14");
    assertThat(g.providerResponseId()).isEqualTo("resp_7");
    assertUsageInDetail(g);

    RecordedRequest sent = server.takeRequest();
    assertThat(sent.getTarget()).isEqualTo("/v1/responses");
    assertThat(sent.getBody().utf8())
        .contains("\"stream\":true")
        .contains(
            "\"input\":[{\"content\":\"Be brief.\",\"role\":\"system\",\"type\":\"message\"},"
                + "{\"content\":\"A haiku\",\"role\":\"user\",\"type\":\"message\"}]")
        .contains("\"max_output_tokens\":50")
        .contains("\"temperature\":0.2")
        .contains("\"format\":{\"name\":\"haiku\",\"schema\":{\"type\":\"object\"},")
        .contains("\"type\":\"json_schema\",\"strict\":true}")
        .doesNotContain("\"json_schema\":{");
  }

  @Test
  void a_function_call_is_stored_as_openai_tool_calls() throws Exception {
    String call =
        "{\"type\":\"function_call\",\"id\":\"fc_1\",\"call_id\":\"call_1\",\"name\":\"weather\","
            + "\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\",\"status\":\"completed\"}";
    server.enqueue(sse(CREATED + end("response.completed", 1, response("completed", call, ""))));
    GenerationRequest request =
        GenerationRequest.builder()
            .model("gpt-4.1-mini")
            .system("Use the tools.")
            .prompt("Weather in Oslo?")
            .tools(
                "[{\"type\":\"function\",\"name\":\"weather\",\"parameters\":{\"type\":\"object\","
                    + "\"properties\":{\"city\":{\"type\":\"string\"}}}}]")
            .build();

    Generation g = genvault.generate(request, responses());

    assertThat(g.status()).isEqualTo(GenerationStatus.COMPLETE);
    assertThat(g.toolCalls())
        .isEqualTo(
            "[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"weather\","
                + "\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\"}}]");
    assertThat(server.takeRequest().getBody().utf8())
        .contains("\"input\":\"Weather in Oslo?\"")
        .contains("\"instructions\":\"Use the tools.\"")
        .contains("\"tools\":[{\"name\":\"weather\",\"parameters\"");
  }

  @Test
  void a_refusal_is_kept_as_an_attribute() {
    String refusal =
        "{\"type\":\"message\",\"id\":\"msg_1\",\"status\":\"completed\",\"role\":"
            + "\"assistant\",\"content\":[{\"type\":\"refusal\",\"refusal\":"
            + "\"I can't help with that.\"}]}";
    server.enqueue(sse(CREATED + end("response.completed", 1, response("completed", refusal, ""))));

    Generation g = genvault.generate(haiku(), responses());

    assertThat(g.status()).isEqualTo(GenerationStatus.COMPLETE);
    assertThat(g.attributes()).containsEntry("refusal", "I can't help with that.");
  }

  @Test
  void an_incomplete_response_keeps_its_text_and_its_reason() {
    server.enqueue(
        sse(
            CREATED
                + delta(1, "Old pond")
                + end(
                    "response.incomplete",
                    2,
                    response("incomplete", message("Old pond"), "")
                        .replace(
                            "\"incomplete_details\":null",
                            "\"incomplete_details\":{\"reason\":\"max_output_tokens\"}"))));

    Generation g = genvault.generate(haiku(), responses());

    assertThat(g.status()).isEqualTo(GenerationStatus.COMPLETE);
    assertThat(g.finishReason()).isEqualTo("max_output_tokens");
    assertThat(g.text()).isEqualTo("Old pond");
  }

  @Test
  void an_error_mid_stream_fails_with_the_text_that_had_arrived() {
    server.enqueue(
        sse(
            CREATED
                + delta(1, "Old pond")
                + chunk(
                    "{\"type\":\"error\",\"code\":\"server_error\",\"message\":\"overloaded\","
                        + "\"param\":null,\"sequence_number\":2}")));

    assertThatThrownBy(() -> genvault.generate(haiku(), responses()))
        .isInstanceOf(GenerationFailedException.class);

    Generation row = onlyGenerationWhenEnded();
    assertThat(row.errorType()).isEqualTo(ErrorType.PROVIDER_ERROR);
    assertThat(row.errorMessage()).contains("server_error").contains("overloaded");
    assertThat(row.text()).isEqualTo("Old pond");
  }

  @Test
  void a_failed_response_fails_the_generation() {
    server.enqueue(
        sse(
            CREATED
                + end(
                    "response.failed",
                    1,
                    response("failed", "", "")
                        .replace(
                            "\"error\":null",
                            "\"error\":{\"code\":\"server_error\",\"message\":\"it broke\"}"))));

    assertThatThrownBy(() -> genvault.generate(haiku(), responses()))
        .isInstanceOf(GenerationFailedException.class);
    assertThat(onlyGenerationWhenEnded().errorMessage()).contains("it broke");
  }

  @Test
  void a_stream_cut_short_is_recorded_as_incomplete_with_the_text_that_had_arrived() {
    server.enqueue(cut(CREATED + delta(1, "Old pond")));

    assertThatThrownBy(() -> genvault.generate(haiku(), responses()))
        .isInstanceOf(GenerationFailedException.class);

    Generation row = onlyGenerationWhenEnded();
    assertThat(row.errorType()).isEqualTo(ErrorType.STREAM_INCOMPLETE);
    assertThat(row.text()).isEqualTo("Old pond");
  }

  @Test
  void a_rate_limit_is_recorded_as_such() {
    server.enqueue(
        json(429, "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\"}}"));

    assertThatThrownBy(() -> genvault.generate(haiku(), responses()))
        .isInstanceOf(GenerationFailedException.class);
    assertThat(onlyGenerationWhenEnded().errorType()).isEqualTo(ErrorType.RATE_LIMITED);
  }

  @Test
  void an_identical_request_is_a_dedup_hit_without_calling_the_sdk() {
    server.enqueue(sse(STREAM));
    OpenAiJava openai = responses();
    Generation first = genvault.generate(haiku(), openai);
    Generation second = genvault.generate(haiku(), openai);

    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(second.cachedFrom()).isEqualTo(first.id());
  }

  @Test
  void cancelling_closes_the_sdk_stream_and_records_the_text_received() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    String first = CREATED + delta(1, "Old pond");
    server.enqueue(stalling(first, STREAM.substring(first.length()), release));
    try (PersistentGenerator cancelling =
        PersistentGenerator.builder()
            .store(store)
            .streamClosePolicy(StreamClosePolicy.CANCEL)
            .build()) {
      GenerationStream stream = cancelling.stream(haiku(), responses());
      assertThat(stream.iterator().next()).isEqualTo("Old pond");
      Thread closing = new Thread(stream::close);
      closing.start();
      closing.join(TimeUnit.SECONDS.toMillis(10));
      assertThat(closing.isAlive()).isFalse();

      Generation row = onlyGenerationWhenEnded();
      assertThat(row.errorType()).isEqualTo(ErrorType.CANCELLED);
      assertThat(row.text()).isEqualTo("Old pond");
    } finally {
      release.countDown();
    }
  }

  @Test
  void what_the_responses_api_does_not_take_fails_before_anything_is_stored_or_sent() {
    OpenAiJava openai = responses();
    GenerationRequest seeded = haiku().toBuilder().seed(7L).build();
    GenerationRequest stopped = haiku().toBuilder().stop(List.of("\n")).build();
    GenerationRequest tiny = haiku().toBuilder().maxOutputTokens(8).build();
    GenerationRequest background = haiku().toBuilder().parameter("background", "true").build();

    assertThatThrownBy(() -> genvault.generate(seeded, openai))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("takes no seed")
        .hasMessageContaining("Api.CHAT_COMPLETIONS");
    assertThatThrownBy(() -> genvault.generate(stopped, openai))
        .hasMessageContaining("takes no stop");
    assertThatThrownBy(() -> genvault.generate(tiny, openai)).hasMessageContaining("at least 16");
    assertThatThrownBy(() -> genvault.generate(background, openai))
        .hasMessageContaining("background");
    assertThat(stored()).isEmpty();
    assertThat(server.getRequestCount()).isZero();
  }
}
