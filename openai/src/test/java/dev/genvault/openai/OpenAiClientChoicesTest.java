package dev.genvault.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genvault.ErrorType;
import dev.genvault.Generation;
import dev.genvault.GenerationFailedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which choice is kept, impossible usage reports, and configuration checked at build. */
class OpenAiClientChoicesTest extends OpenAiServerTest {

  @Test
  void the_first_choice_is_kept_whatever_its_index() throws Exception {
    server.enqueue(
        json(
            200,
            "{\"choices\":[{\"index\":1,\"message\":{\"content\":\"first\",\"tool_calls\":[{\"id\":\"c1\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},\"finish_reason\":\"tool_calls\"},"
                + "{\"index\":0,\"message\":{\"content\":\"second\",\"tool_calls\":[{\"id\":\"c2\",\"function\":{\"name\":\"g\",\"arguments\":\"{}\"}}]},\"finish_reason\":\"length\"}]}"));
    server.enqueue(
        sse(
            chunk(
                    "{\"choices\":[{\"index\":2,\"delta\":{\"content\":\"A\"},\"finish_reason\":null}]}")
                + chunk(
                    "{\"choices\":[{\"index\":3,\"delta\":{\"content\":\"X\",\"tool_calls\":[{\"index\":0,\"id\":\"c3\",\"function\":{\"name\":\"h\"}}]},\"finish_reason\":null}]}")
                + chunk(
                    "{\"choices\":[{\"index\":2,\"delta\":{\"content\":\"B\"},\"finish_reason\":\"stop\"},{\"index\":3,\"delta\":{},\"finish_reason\":\"length\"}]}")
                + "data: [DONE]\n\n"));
    try (OpenAiClient whole = client().streaming(false).build();
        OpenAiClient streamed = client().build()) {
      Generation a = genvault.generate(haiku(), whole);
      assertThat(a.text()).isEqualTo("first");
      assertThat(a.finishReason()).isEqualTo("tool_calls");
      assertThat(a.toolCalls()).contains("c1").doesNotContain("c2");
      Generation b = genvault.generate(haiku().toBuilder().seed(2L).build(), streamed);
      assertThat(b.text()).isEqualTo("AB");
      assertThat(b.finishReason()).isEqualTo("stop");
      assertThat(b.toolCalls()).isNull();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "-5.0", "1e308", "9223372036854775807"})
  void an_impossible_token_count_is_an_invalid_response_that_keeps_the_text(String count)
      throws Exception {
    String usage = "{\"prompt_tokens\":" + count + ",\"completion_tokens\":2}";
    server.enqueue(
        json(
            200,
            "{\"choices\":[{\"index\":0,\"message\":{\"content\":\"kept\"},\"finish_reason\":\"stop\"}],\"usage\":"
                + usage
                + "}"));
    server.enqueue(
        sse(
            chunk(
                    "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"kept\"},\"finish_reason\":\"stop\"}]}")
                + chunk("{\"choices\":[],\"usage\":" + usage + "}")
                + "data: [DONE]\n\n"));
    try (OpenAiClient whole = client().streaming(false).build();
        OpenAiClient streamed = client().build()) {
      GenerationFailedException a = failed(haiku(), whole);
      GenerationFailedException b = failed(haiku().toBuilder().seed(2L).build(), streamed);
      for (GenerationFailedException e : new GenerationFailedException[] {a, b}) {
        assertThat(e.errorType()).isEqualTo(ErrorType.INVALID_RESPONSE);
        assertThat(e).hasMessageContaining("prompt_tokens");
        assertThat(store.find(e.generationId()).orElseThrow().text()).isEqualTo("kept");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"api.openai.com/v1", "localhost:11434", "localhost:11434/v1", "ftp://x/v1"})
  void a_base_url_without_an_http_scheme_fails_at_build_saying_what_to_add(String url) {
    assertThatThrownBy(() -> client().baseUrl(url).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("https://")
        .hasMessageContaining("http://")
        .hasMessageContaining(url);
  }

  @Test
  void a_bad_base_url_from_the_environment_names_the_variable() {
    assertThatThrownBy(
            () ->
                OpenAiClient.builder()
                    .environment(
                        name ->
                            name.equals("OPENAI_API_KEY")
                                ? "sk-test"
                                : name.equals("OPENAI_BASE_URL") ? "localhost:1234" : null)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("OPENAI_BASE_URL: ")
        .hasMessageContaining("https://");
  }
}
