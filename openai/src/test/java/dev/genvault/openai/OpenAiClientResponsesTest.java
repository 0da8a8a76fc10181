package dev.genvault.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genvault.ErrorType;
import dev.genvault.Generation;
import dev.genvault.GenerationFailedException;
import dev.genvault.GenerationQuery;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationStatus;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Responses API: what each response status is recorded as, and what each request sends. */
class OpenAiClientResponsesTest extends OpenAiServerTest {
  private int seed;

  private OpenAiClient whole() {
    return client().api(OpenAiClient.Api.RESPONSES).streaming(false).build();
  }

  private GenerationRequest request() {
    return haiku().toBuilder().temperature(0.01 * ++seed).build();
  }

  private static String response(String status, String extra) {
    return "{\"id\":\"resp_1\",\"object\":\"response\",\"model\":\"gpt-4o-mini\",\"status\":\""
        + status
        + "\""
        + extra
        + ",\"output\":[{\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"Half\",\"annotations\":[]}]}],"
        + "\"usage\":{\"input_tokens\":5,\"output_tokens\":2}}";
  }

  @Test
  void an_incomplete_response_keeps_its_text_with_the_reason_as_finish_reason() throws Exception {
    server.enqueue(
        json(
            200,
            response("incomplete", ",\"incomplete_details\":{\"reason\":\"max_output_tokens\"}")));
    server.enqueue(
        sse(
            chunk("{\"type\":\"response.output_text.delta\",\"delta\":\"Half\"}")
                + chunk(
                    "{\"type\":\"response.incomplete\",\"response\":"
                        + response(
                            "incomplete", ",\"incomplete_details\":{\"reason\":\"content_filter\"}")
                        + "}")));
    try (OpenAiClient plain = whole();
        OpenAiClient streamed = client().api(OpenAiClient.Api.RESPONSES).build()) {
      Generation a = genvault.generate(request(), plain);
      assertThat(a.status()).isEqualTo(GenerationStatus.COMPLETE);
      assertThat(a.text()).isEqualTo("Half");
      assertThat(a.finishReason()).isEqualTo("max_output_tokens");
      Generation b = genvault.generate(request(), streamed);
      assertThat(b.text()).isEqualTo("Half");
      assertThat(b.finishReason()).isEqualTo("content_filter");
    }
  }

  @Test
  void a_refusal_is_recorded_whole_or_streamed() throws Exception {
    String refused =
        "{\"id\":\"resp_2\",\"object\":\"response\",\"model\":\"gpt-4o-mini\","
            + "\"status\":\"completed\",\"output\":[{\"type\":\"message\",\"role\":"
            + "\"assistant\",\"content\":[{\"type\":\"refusal\",\"refusal\":"
            + "\"I can't help with that.\"}]}],\"usage\":{\"input_tokens\":5,\"output_tokens\":6}}";
    server.enqueue(json(200, refused));
    server.enqueue(
        sse(
            chunk("{\"type\":\"response.refusal.delta\",\"delta\":\"I can't \"}")
                + chunk("{\"type\":\"response.refusal.delta\",\"delta\":\"help with that.\"}")
                + chunk("{\"type\":\"response.completed\",\"response\":" + refused + "}")));
    try (OpenAiClient plain = whole();
        OpenAiClient streamed = client().api(OpenAiClient.Api.RESPONSES).build()) {
      Generation a = genvault.generate(request(), plain);
      Generation b = genvault.generate(request(), streamed);

      for (Generation g : List.of(a, b)) {
        assertThat(g.status()).isEqualTo(GenerationStatus.COMPLETE);
        assertThat(g.text()).isEmpty();
        assertThat(g.attributes()).containsEntry("refusal", "I can't help with that.");
      }
    }
  }

  @Test
  void a_cancelled_response_is_recorded_cancelled_with_its_text() throws Exception {
    server.enqueue(json(200, response("cancelled", "")));
    try (OpenAiClient openai = whole()) {
      GenerationFailedException e = failed(request(), openai);
      assertThat(e.errorType()).isEqualTo(ErrorType.CANCELLED);
      assertThat(store.find(e.generationId()).orElseThrow().text()).isEqualTo("Half");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"queued", "in_progress"})
  void a_response_still_running_in_the_background_is_not_complete(String status) throws Exception {
    server.enqueue(json(200, response(status, "")));
    try (OpenAiClient openai = whole()) {
      GenerationFailedException e = failed(request(), openai);
      assertThat(e.errorType()).isEqualTo(ErrorType.PROVIDER_ERROR);
      assertThat(e).hasMessageContaining(status).hasMessageContaining("does not poll");
    }
  }

  @Test
  void a_failed_response_is_a_provider_error_with_its_message() throws Exception {
    server.enqueue(
        json(
            200,
            response(
                "failed", ",\"error\":{\"code\":\"server_error\",\"message\":\"model crashed\"}")));
    server.enqueue(json(200, response("failed", ",\"error\":null")));
    try (OpenAiClient openai = whole()) {
      GenerationFailedException e = failed(request(), openai);
      assertThat(e.errorType()).isEqualTo(ErrorType.PROVIDER_ERROR);
      assertThat(e).hasMessageContaining("model crashed");
      assertThat(failed(request(), openai).errorType()).isEqualTo(ErrorType.PROVIDER_ERROR);
    }
  }

  @Test
  void an_unknown_status_is_an_invalid_response() throws Exception {
    server.enqueue(json(200, response("thinking_hard", "")));
    try (OpenAiClient openai = whole()) {
      GenerationFailedException e = failed(request(), openai);
      assertThat(e.errorType()).isEqualTo(ErrorType.INVALID_RESPONSE);
      assertThat(e).hasMessageContaining("thinking_hard");
    }
  }

  @Test
  void seed_stop_n_and_short_max_output_tokens_are_refused_before_any_call() {
    List<GenerationRequest> refused =
        List.of(
            haiku().toBuilder().seed(7L).build(),
            haiku().toBuilder().stop(List.of("\n")).build(),
            haiku().toBuilder().n(2).build(),
            haiku().toBuilder().maxOutputTokens(8).build(),
            haiku().toBuilder().parameter("background", "true").build());
    try (OpenAiClient openai = client().api(OpenAiClient.Api.RESPONSES).build()) {
      for (GenerationRequest r : refused) {
        assertThatThrownBy(() -> genvault.generate(r, openai))
            .as(r.toString())
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("Responses API");
      }
    }
    assertThat(store.list(GenerationQuery.builder().build()).items())
        .as("refused before a row is stored")
        .isEmpty();
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void response_format_goes_in_text_format_and_only_defined_parameters_are_sent() throws Exception {
    server.enqueue(json(200, response("completed", "")));
    server.enqueue(json(200, response("completed", "")));
    GenerationRequest schema =
        haiku().toBuilder()
            .temperature(0.5)
            .topP(0.9)
            .maxOutputTokens(64)
            .responseFormat(
                "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"poem\",\"strict\":true,\"schema\":{\"type\":\"object\"}}}")
            .build();
    GenerationRequest object =
        haiku().toBuilder().responseFormat("{\"type\":\"json_object\"}").build();
    try (OpenAiClient openai = whole()) {
      genvault.generate(schema, openai);
      genvault.generate(object, openai);
    }
    String first = server.takeRequest().getBody().utf8();
    assertThat(first)
        .contains(
            "\"temperature\":0.5",
            "\"top_p\":0.9",
            "\"max_output_tokens\":64",
            "\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"poem\",\"strict\":true,\"schema\":{\"type\":\"object\"}}}")
        .doesNotContain("response_format", "seed", "\"stop\"", "\"n\"", "max_completion_tokens");
    assertThat(server.takeRequest().getBody().utf8())
        .contains("\"text\":{\"format\":{\"type\":\"json_object\"}}");
  }
}
