package dev.genvault.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genvault.ErrorType;
import dev.genvault.Generation;
import dev.genvault.GenerationFailedException;
import dev.genvault.GenerationQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The API key, and anything that looks like a bearer token or an OpenAI key, never leaves the
 * client in a message: not in an exception, not on the stored row, not to the attempt listener. The
 * key is never sent anywhere but the configured server.
 */
class OpenAiClientSecretsTest extends OpenAiServerTest {
  /** A key in no well-known token format: only the literal key can find it. */
  private static final String PLAIN_KEY = "azure-canary-7f3e9b1c5d2a4e6f8091a2b3c4d5e6f7";

  private final List<Throwable> heard = new CopyOnWriteArrayList<>();

  private OpenAiClient.Builder keyed(String key) {
    return client()
        .apiKey(key)
        .attemptListener(
            (n, status, wait, error) -> {
              if (error != null) {
                heard.add(error);
              }
            });
  }

  /** Every message a failure, its causes, the listener and the stored rows show. */
  private String shown(Throwable failure) {
    List<String> seen = new ArrayList<>();
    List<Throwable> all = new ArrayList<>(heard);
    all.add(failure);
    for (Throwable root : all) {
      for (Throwable t = root; t != null; t = t.getCause()) {
        seen.add(t.toString());
        for (Throwable s : t.getSuppressed()) {
          seen.add(s.toString());
        }
        if (t instanceof OpenAiException) {
          seen.add(((OpenAiException) t).body());
          seen.add(String.valueOf(((OpenAiException) t).providerMessage()));
        }
      }
    }
    for (Generation g : store.list(GenerationQuery.builder().build()).items()) {
      seen.add(g.toString());
      seen.add(String.valueOf(g.errorMessage()));
    }
    return String.join("\n", seen);
  }

  @Test
  void an_error_event_in_a_responses_stream_loses_the_key() throws Exception {
    server.enqueue(
        sse(
            chunk("{\"type\":\"response.output_text.delta\",\"delta\":\"Hi\"}")
                + chunk(
                    "{\"type\":\"error\",\"code\":null,\"message\":\"upstream refused Authorization: Bearer "
                        + PLAIN_KEY
                        + " for this model\",\"param\":null,\"sequence_number\":2}")));
    try (OpenAiClient openai = keyed(PLAIN_KEY).api(OpenAiClient.Api.RESPONSES).build()) {
      GenerationFailedException e = failed(haiku(), openai);
      assertThat(e.errorType()).isEqualTo(ErrorType.PROVIDER_ERROR);
      assertThat(shown(e)).doesNotContain(PLAIN_KEY).contains("upstream refused");
      assertThat(store.find(e.generationId()).orElseThrow().text()).isEqualTo("Hi");
    }
  }

  @Test
  void in_band_chat_errors_lose_the_key_bearer_tokens_and_sk_keys() throws Exception {
    String message =
        "echo: key "
            + PLAIN_KEY
            + ", header Bearer eyJhbGciOiJIUzI1NiJ9.other-token, key sk-proj-abcdefghijklmnop";
    server.enqueue(
        json(200, "{\"error\":{\"message\":\"" + message + "\",\"type\":\"server_error\"}}"));
    server.enqueue(sse(chunk("{\"error\":\"" + message + "\"}")));
    try (OpenAiClient whole = keyed(PLAIN_KEY).streaming(false).build();
        OpenAiClient streamed = keyed(PLAIN_KEY).build()) {
      long seed = 0;
      for (OpenAiClient openai : List.of(whole, streamed)) {
        GenerationFailedException e = failed(haiku().toBuilder().seed(++seed).build(), openai);
        assertThat(shown(e))
            .doesNotContain(PLAIN_KEY)
            .doesNotContain("eyJhbGciOiJIUzI1NiJ9")
            .doesNotContain("abcdefghijklmnop")
            .contains("echo: key");
      }
    }
  }

  @Test
  void json_paths_in_malformed_json_messages_lose_the_key() throws Exception {
    // Moshi names the path it was reading: here, a member named after the key.
    server.enqueue(sse(chunk("{\"choices\":[],\"Bearer " + PLAIN_KEY + "\": nope}")));
    server.enqueue(json(200, "{\"sk-proj-abcdefghijklmnop\": nope}"));
    try (OpenAiClient streamed = keyed(PLAIN_KEY).build();
        OpenAiClient whole = keyed(PLAIN_KEY).streaming(false).build()) {
      GenerationFailedException a = failed(haiku(), streamed);
      GenerationFailedException b = failed(haiku().toBuilder().seed(2L).build(), whole);
      assertThat(a.errorType()).isEqualTo(ErrorType.INVALID_RESPONSE);
      assertThat(b.errorType()).isEqualTo(ErrorType.INVALID_RESPONSE);
      assertThat(shown(a) + shown(b))
          .doesNotContain(PLAIN_KEY)
          .doesNotContain("abcdefghijklmnop")
          .contains("malformed JSON");
    }
  }

  @Test
  void a_key_that_cannot_go_in_a_header_is_never_shown() {
    String key = "azure-canary-\u00fcnicode-0123456789abcdef";
    Throwable t =
        failure(
            () -> {
              try (OpenAiClient openai = keyed(key).apiKeyHeader("api-key").build()) {
                return genvault.generate(haiku(), openai);
              }
            });
    assertThat(shown(t)).doesNotContain(key).doesNotContain("\u00fcnicode");
    assertThat(server.getRequestCount()).isZero();
  }

  @ParameterizedTest
  @CsvSource({"307,", "307,api-key", "302,", "308,api-key"})
  void a_redirect_from_the_api_is_not_followed_and_is_a_typed_error(int status, String header)
      throws Exception {
    try (MockWebServer other = startServer()) {
      String target = other.url("/v1/chat/completions").toString();
      server.enqueue(new MockResponse.Builder().code(status).setHeader("Location", target).build());
      other.enqueue(sse(chunk("{\"choices\":[{\"index\":0,\"finish_reason\":\"stop\"}]}")));
      OpenAiClient.Builder b = keyed(KEY);
      if (header != null) {
        b.apiKeyHeader(header);
      }
      try (OpenAiClient openai = b.build()) {
        GenerationFailedException e = failed(haiku(), openai);
        assertThat(other.getRequestCount()).as("the key and the prompt stay home").isZero();
        assertThat(e.getCause()).isInstanceOf(OpenAiException.RedirectException.class);
        assertThat(((OpenAiException) e.getCause()).status()).isEqualTo(status);
        assertThat(e).hasMessageContaining("redirect").hasMessageContaining(target);
        assertThat(server.getRequestCount()).as("not retried").isEqualTo(1);
      }
    }
  }
}
