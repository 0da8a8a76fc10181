package dev.genvault.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genvault.ErrorType;
import dev.genvault.Generation;
import dev.genvault.GenerationFailedException;
import dev.genvault.GenerationQuery;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationStatus;
import dev.genvault.Message;
import dev.genvault.PersistentGenerator;
import dev.genvault.internal.RecordJson;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class OpenAiClientTest extends OpenAiServerTest {
  private static final String STREAM =
      chunk(
              "{\"id\":\"chatcmpl-9\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}],\"usage\":null}")
          + chunk(
              "{\"id\":\"chatcmpl-9\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Old pond\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null,\"new_field\":{\"x\":1}}")
          + chunk(
              "{\"id\":\"chatcmpl-9\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\", frog 🐸\"},\"finish_reason\":null}],\"usage\":null}")
          + chunk(
              "{\"id\":\"chatcmpl-9\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}")
          + chunk(
              "{\"id\":\"chatcmpl-9\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[],\"usage\":{\"prompt_tokens\":1200,\"completion_tokens\":300,\"total_tokens\":1500,\"prompt_tokens_details\":{\"cached_tokens\":1024,\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0}}}")
          + "data: [DONE]\n\n";

  @Nested
  class Chat {
    @Test
    void the_one_line_wrap_streams_persists_and_prices_a_chat_completion() throws Exception {
      server.enqueue(sse(STREAM));
      try (OpenAiClient openai = client().organization("org-1").project("proj-1").build()) {
        Generation g = genvault.generate(haiku(), openai);

        assertThat(g.status()).isEqualTo(GenerationStatus.COMPLETE);
        assertThat(g.text()).isEqualTo("Old pond, frog 🐸");
        assertThat(g.finishReason()).isEqualTo("stop");
        assertThat(g.provider()).isEqualTo("openai");
        assertThat(g.providerModel()).isEqualTo("gpt-4o-mini-2024-07-18");
        assertThat(g.providerResponseId()).isEqualTo("chatcmpl-9");
        assertThat(g.usage().inputTokens()).isEqualTo(1200);
        assertThat(g.usage().cacheReadTokens()).isEqualTo(1024);
        assertThat(g.usage().raw()).containsEntry("prompt_tokens_details.cached_tokens", 1024L);
        // 176 x 0.15 + 1,024 x 0.075 + 300 x 0.60 = 26.4 + 76.8 + 180 = 283.2 per million
        assertThat(g.cost().usd()).isEqualByComparingTo("0.0002832");
        assertThat(g.attributes()).containsEntry("system_fingerprint", "fp_1");
      }
      RecordedRequest request = server.takeRequest();
      assertThat(request.getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
      assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + KEY);
      assertThat(request.getHeaders().get("OpenAI-Organization")).isEqualTo("org-1");
      assertThat(request.getHeaders().get("OpenAI-Project")).isEqualTo("proj-1");
      String body = request.getBody().utf8();
      assertThat(body)
          .contains("\"model\":\"gpt-4o-mini\"")
          .contains("\"stream\":true")
          .contains("\"stream_options\":{\"include_usage\":true}")
          .contains(
              "\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Write a haiku\"}]");
    }

    @Test
    void an_azure_style_server_gets_its_key_header_and_api_version() throws Exception {
      server.enqueue(sse(STREAM));
      try (OpenAiClient azure =
          client()
              .provider("azure")
              .apiKeyHeader("api-key")
              .queryParameter("api-version", "2024-10-21")
              .build()) {
        assertThat(genvault.generate(haiku(), azure).provider()).isEqualTo("azure");
      }
      RecordedRequest request = server.takeRequest();
      assertThat(request.getHeaders().get("api-key")).isEqualTo(KEY);
      assertThat(request.getHeaders().get("Authorization")).isNull();
      assertThat(request.getUrl().queryParameter("api-version")).isEqualTo("2024-10-21");
      assertThat(request.getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
    }

    @Test
    void every_parameter_is_sent_and_raw_json_parameters_are_checked_first() throws Exception {
      server.enqueue(sse(STREAM));
      GenerationRequest r =
          haiku().toBuilder()
              .temperature(0.5)
              .topP(0.9)
              .maxOutputTokens(64)
              .seed(7L)
              .stop(List.of("\n\n"))
              .responseFormat("{\"type\":\"json_object\"}")
              .tools("[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]")
              .toolChoice("auto")
              .parameter("presence_penalty", "0.5")
              .build();
      try (OpenAiClient openai = client().build()) {
        genvault.generate(r, openai);
        assertThat(server.takeRequest().getBody().utf8())
            .contains(
                "\"temperature\":0.5",
                "\"top_p\":0.9",
                "\"max_completion_tokens\":64",
                "\"seed\":7")
            .contains("\"stop\":[\"\\n\\n\"]", "\"response_format\":{\"type\":\"json_object\"}")
            .contains(
                "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]",
                "\"tool_choice\":\"auto\"")
            .contains("\"presence_penalty\":0.5");
        GenerationRequest bad = haiku().toBuilder().parameter("logit_bias", "{not json").build();
        Throwable e = failure(() -> genvault.generate(bad, openai));
        assertThat(e)
            .as("refused before a row or a call")
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("not valid JSON");
        assertThat(server.getRequestCount()).as("nothing sent for bad input").isEqualTo(1);
        assertThat(store.list(GenerationQuery.builder().build()).items()).hasSize(1);
      }
    }

    @Test
    void a_plain_completion_keeps_its_tool_calls_as_data() throws Exception {
      server.enqueue(
          json(
              200,
              "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,"
                  + "\"message\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
                  + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\"}}]},"
                  + "\"finish_reason\":\"tool_calls\"}],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5}}"));
      try (OpenAiClient openai = client().streaming(false).build()) {
        Generation g = genvault.generate(haiku(), openai);
        assertThat(g.finishReason()).isEqualTo("tool_calls");
        assertThat(g.toolCalls())
            .isEqualTo(
                "[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\"}}]");
        assertThat(store.find(g.id()).orElseThrow().toolCalls()).isEqualTo(g.toolCalls());
      }
      assertThat(server.takeRequest().getBody().utf8()).doesNotContain("\"stream\"");
    }

    @Test
    void a_refusal_is_kept_as_an_attribute_whole_or_streamed() throws Exception {
      server.enqueue(
          json(
              200,
              "{\"id\":\"chatcmpl-3\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini\","
                  + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,"
                  + "\"refusal\":\"I can't help with that.\"},\"finish_reason\":\"stop\"}],"
                  + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":6}}"));
      server.enqueue(
          sse(
              chunk(
                      "{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,"
                          + "\"refusal\":\"I can't \"},\"finish_reason\":null}]}")
                  + chunk(
                      "{\"choices\":[{\"index\":0,\"delta\":{\"refusal\":\"help with that.\"},"
                          + "\"finish_reason\":\"stop\"}]}")
                  + "data: [DONE]\n\n"));
      try (OpenAiClient plain = client().streaming(false).build();
          OpenAiClient streamed = client().build()) {
        Generation a = genvault.generate(haiku(), plain);
        Generation b = genvault.generate(haiku().toBuilder().temperature(0.3).build(), streamed);

        for (Generation g : List.of(a, b)) {
          assertThat(g.text()).isEmpty();
          assertThat(g.attributes()).containsEntry("refusal", "I can't help with that.");
          assertThat(store.find(g.id()).orElseThrow().attributes())
              .containsEntry("refusal", "I can't help with that.");
        }
      }
    }

    @Test
    void streamed_tool_call_fragments_are_joined() throws Exception {
      server.enqueue(
          sse(
              chunk(
                      "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_9\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\"\"}}]},\"finish_reason\":null}]}")
                  + chunk(
                      "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\":1}\"}}]},\"finish_reason\":\"tool_calls\"}]}")
                  + "data: [DONE]\n\n"));
      try (OpenAiClient openai = client().build()) {
        Generation g = genvault.generate(haiku(), openai);
        assertThat(g.toolCalls())
            .isEqualTo(
                "[{\"id\":\"call_9\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\":1}\"}}]");
      }
    }

    @Test
    void a_body_delivered_one_byte_at_a_time_is_read_whole() throws Exception {
      server.enqueue(
          new MockResponse.Builder()
              .code(200)
              .setHeader("Content-Type", "text/event-stream")
              .body(STREAM)
              .throttleBody(1, 0, TimeUnit.MILLISECONDS)
              .build());
      try (OpenAiClient openai = client().build()) {
        assertThat(genvault.generate(haiku(), openai).text()).isEqualTo("Old pond, frog 🐸");
      }
    }
  }

  @Nested
  class BrokenStreams {
    @Test
    void a_stream_that_ends_without_done_or_finish_reason_is_incomplete_and_keeps_its_text()
        throws Exception {
      server.enqueue(
          sse(
              chunk(
                      "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Half a \"},\"finish_reason\":null}]}")
                  + chunk(
                      "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"haiku\"},\"finish_reason\":null}]}")));
      try (OpenAiClient openai = client().build()) {
        GenerationFailedException e =
            (GenerationFailedException) failure(() -> genvault.generate(haiku(), openai));
        assertThat(e.errorType()).isEqualTo(ErrorType.STREAM_INCOMPLETE);
        Generation row = store.find(e.generationId()).orElseThrow();
        assertThat(row.errorType()).isEqualTo(ErrorType.STREAM_INCOMPLETE);
        assertThat(row.text()).isEqualTo("Half a haiku");
      }
      assertThat(server.getRequestCount())
          .as("a stream that delivered tokens is never replayed")
          .isEqualTo(1);
    }

    @Test
    void a_finish_reason_without_done_is_a_complete_stream() throws Exception {
      server.enqueue(
          sse(
              chunk(
                  "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}")));
      try (OpenAiClient openai = client().build()) {
        assertThat(genvault.generate(haiku(), openai).status())
            .isEqualTo(GenerationStatus.COMPLETE);
      }
    }

    @Test
    void an_in_band_error_event_ends_the_row_provider_error_with_the_providers_message()
        throws Exception {
      server.enqueue(
          sse(
              chunk(
                      "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}")
                  + chunk(
                      "{\"error\":{\"message\":\"The server had an error while processing your request.\",\"type\":\"server_error\",\"code\":null}}")));
      server.enqueue(sse(chunk("{\"error\":\"overloaded\"}")));
      try (OpenAiClient openai = client().build()) {
        GenerationFailedException object =
            (GenerationFailedException) failure(() -> genvault.generate(haiku(), openai));
        assertThat(object.errorType()).isEqualTo(ErrorType.PROVIDER_ERROR);
        Generation row = store.find(object.generationId()).orElseThrow();
        assertThat(row.errorMessage())
            .contains("The server had an error while processing your request.");
        assertThat(row.text()).isEqualTo("Hi");
        GenerationFailedException string =
            (GenerationFailedException)
                failure(() -> genvault.generate(haiku().toBuilder().seed(2L).build(), openai));
        assertThat(string.errorType()).isEqualTo(ErrorType.PROVIDER_ERROR);
        assertThat(string).hasMessageContaining("overloaded");
      }
    }

    @Test
    void malformed_json_in_an_event_is_an_error_naming_the_event() throws Exception {
      server.enqueue(
          sse(
              chunk(
                      "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"finish_reason\":null}]}")
                  + chunk("{\"choices\":[{\"index\":0,\"delta\":{\"content\":")));
      try (OpenAiClient openai = client().build()) {
        GenerationFailedException e =
            (GenerationFailedException) failure(() -> genvault.generate(haiku(), openai));
        assertThat(e.errorType()).isEqualTo(ErrorType.INVALID_RESPONSE);
        assertThat(e).hasMessageContaining("event 1");
      }
    }

    /** A stream that sends {@code first}, then nothing until {@code release}, then {@code rest}. */
    private MockResponse stalling(
        String first, String rest, java.util.concurrent.CountDownLatch release) {
      return new MockResponse.Builder()
          .code(200)
          .setHeader("Content-Type", "text/event-stream")
          .body(
              new mockwebserver3.MockResponseBody() {
                @Override
                public long getContentLength() {
                  return -1;
                }

                @Override
                public void writeTo(okio.BufferedSink sink) throws java.io.IOException {
                  sink.writeUtf8(first).flush();
                  try {
                    release.await(30, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                  }
                  sink.writeUtf8(rest).flush();
                }
              })
          .build();
    }

    @Test
    void cancelling_a_stream_aborts_a_read_blocked_on_the_socket_at_once() throws Exception {
      String first =
          chunk(
              "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"before the stall\"},\"finish_reason\":null}]}");
      java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
      // The server holds the stream open for 30 s; the idle timeout is 120 s.
      server.enqueue(stalling(first, "data: [DONE]\n\n", release));
      try (OpenAiClient openai = client().build();
          PersistentGenerator cancelling =
              PersistentGenerator.builder()
                  .store(store)
                  .streamClosePolicy(dev.genvault.StreamClosePolicy.CANCEL)
                  .build()) {
        dev.genvault.GenerationStream stream = cancelling.stream(haiku(), openai);
        assertThat(stream.iterator().next()).isEqualTo("before the stall");
        stream.close();
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> store.find(stream.id()).orElseThrow().isTerminal());
        Generation row = store.find(stream.id()).orElseThrow();
        assertThat(row.errorType()).isEqualTo(ErrorType.CANCELLED);
        assertThat(row.text()).isEqualTo("before the stall");
      } finally {
        release.countDown();
      }
    }

    @Test
    void a_stall_between_events_ends_with_a_timeout() throws Exception {
      String first =
          chunk(
              "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"before the stall\"},\"finish_reason\":null}]}");
      String rest =
          chunk("{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}")
              + "data: [DONE]\n\n";
      // The first event, flushed, then silence (up to 10 s): far past the 300 ms idle timeout.
      java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
      server.enqueue(stalling(first, rest, release));
      try (OpenAiClient openai = client().idleTimeout(Duration.ofMillis(300)).build()) {
        GenerationFailedException e =
            (GenerationFailedException) failure(() -> genvault.generate(haiku(), openai));
        assertThat(e.errorType()).isEqualTo(ErrorType.TIMEOUT);
        assertThat(store.find(e.generationId()).orElseThrow().text()).isEqualTo("before the stall");
        release.countDown();
      }
    }

    @Test
    void the_whole_call_cap_ends_a_slow_but_never_idle_stream() throws Exception {
      StringBuilder body = new StringBuilder();
      for (int i = 0; i < 200; i++) {
        body.append(
            chunk(
                "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"t\"},\"finish_reason\":null}]}"));
      }
      body.append("data: [DONE]\n\n");
      // about one event every 10 ms: never idle for long, but 2 s in all
      server.enqueue(
          new MockResponse.Builder()
              .code(200)
              .setHeader("Content-Type", "text/event-stream")
              .body(body.toString())
              .throttleBody(80, 10, TimeUnit.MILLISECONDS)
              .build());
      try (OpenAiClient openai =
          client().idleTimeout(Duration.ofSeconds(5)).callTimeout(Duration.ofMillis(500)).build()) {
        GenerationFailedException e =
            (GenerationFailedException) failure(() -> genvault.generate(haiku(), openai));
        assertThat(e.errorType()).isEqualTo(ErrorType.TIMEOUT);
        assertThat(store.find(e.generationId()).orElseThrow().text()).isNotEmpty();
      }
    }

    @Test
    void unknown_fields_and_finish_reasons_are_kept_as_they_came() throws Exception {
      server.enqueue(
          sse(
              chunk(
                      "{\"id\":\"x\",\"brand_new\":[1,{\"a\":null}],\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\",\"audio\":{\"id\":\"a\"}},\"finish_reason\":\"a_new_reason\"}]}")
                  + "data: [DONE]\n\n"));
      try (OpenAiClient openai = client().build()) {
        Generation g = genvault.generate(haiku(), openai);
        assertThat(g.finishReason()).isEqualTo("a_new_reason");
        assertThat(g.text()).isEqualTo("ok");
      }
    }

    @Test
    void an_oversized_body_or_event_line_is_an_invalid_response() throws Exception {
      server.enqueue(
          json(
              200,
              "{\"choices\":[{\"index\":0,\"message\":{\"content\":\""
                  + "x".repeat(5000)
                  + "\"},\"finish_reason\":\"stop\"}]}"));
      server.enqueue(sse("data: {\"pad\":\"" + "y".repeat(5000) + "\"}\n\n"));
      try (OpenAiClient plain = client().streaming(false).maxBodyBytes(1024).build();
          OpenAiClient streamed = client().maxLineBytes(1024).build()) {
        GenerationFailedException a =
            (GenerationFailedException) failure(() -> genvault.generate(haiku(), plain));
        assertThat(a.errorType()).isEqualTo(ErrorType.INVALID_RESPONSE);
        assertThat(a).hasMessageContaining("larger than 1024 bytes");
        GenerationFailedException b =
            (GenerationFailedException)
                failure(() -> genvault.generate(haiku().toBuilder().seed(3L).build(), streamed));
        assertThat(b.errorType()).isEqualTo(ErrorType.INVALID_RESPONSE);
        assertThat(b).hasMessageContaining("longer than 1024 bytes");
      }
    }
  }

  @Nested
  class Retries {
    @Test
    void a_5xx_is_retried_with_backoff_and_each_attempt_is_seen() throws Exception {
      server.enqueue(json(500, "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}"));
      server.enqueue(json(503, "{\"error\":{\"message\":\"busy\",\"type\":\"server_error\"}}"));
      server.enqueue(sse(STREAM));
      try (OpenAiClient openai = client().build()) {
        assertThat(genvault.generate(haiku(), openai).status())
            .isEqualTo(GenerationStatus.COMPLETE);
      }
      assertThat(server.getRequestCount()).isEqualTo(3);
      assertThat(slept).hasSize(2);
      assertThat(slept.get(0)).isBetween(Duration.ofMillis(375), Duration.ofMillis(500));
      assertThat(slept.get(1)).isBetween(Duration.ofMillis(750), Duration.ofMillis(1000));
      assertThat(attempts).containsExactly("1:500", "2:503", "3:200");
    }

    @Test
    void backoff_doubles_up_to_eight_seconds() {
      for (int attempt = 1; attempt <= 8; attempt++) {
        long cap = Math.min(8000, 500L << (attempt - 1));
        assertThat(RetryingTransport.backoff(attempt))
            .isBetween(Duration.ofMillis(cap * 3 / 4), Duration.ofMillis(cap));
      }
    }

    @Test
    void retry_after_ms_and_retry_after_in_seconds_or_as_a_date_are_honoured() throws Exception {
      server.enqueue(
          new MockResponse.Builder()
              .code(429)
              .setHeader("retry-after-ms", "1500")
              .body(
                  "{\"error\":{\"message\":\"slow\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}")
              .build());
      server.enqueue(
          new MockResponse.Builder().code(429).setHeader("Retry-After", "2").body("{}").build());
      server.enqueue(sse(STREAM));
      try (OpenAiClient openai = client().build()) {
        genvault.generate(haiku(), openai);
      }
      assertThat(slept).containsExactly(Duration.ofMillis(1500), Duration.ofSeconds(2));
      Clock clock = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);
      String date =
          ZonedDateTime.now(clock).plusSeconds(30).format(DateTimeFormatter.RFC_1123_DATE_TIME);
      assertThat(RetryingTransport.retryAfter(okhttp3.Headers.of("Retry-After", date), clock))
          .isEqualTo(Duration.ofSeconds(30));
      String past =
          ZonedDateTime.now(clock).minusSeconds(5).format(DateTimeFormatter.RFC_1123_DATE_TIME);
      assertThat(RetryingTransport.retryAfter(okhttp3.Headers.of("Retry-After", past), clock))
          .isEqualTo(Duration.ZERO);
    }

    @Test
    void a_retry_after_date_is_read_against_the_clients_clock() throws Exception {
      Clock clock = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);
      String date =
          ZonedDateTime.now(clock).plusSeconds(42).format(DateTimeFormatter.RFC_1123_DATE_TIME);
      server.enqueue(
          new MockResponse.Builder()
              .code(503)
              .setHeader("Retry-After", date)
              .body("{\"error\":{\"message\":\"busy\",\"type\":\"server_error\"}}")
              .build());
      server.enqueue(sse(STREAM));
      try (OpenAiClient openai = client().clock(clock).build()) {
        assertThat(genvault.generate(haiku(), openai).status())
            .isEqualTo(GenerationStatus.COMPLETE);
      }
      assertThat(slept).containsExactly(Duration.ofSeconds(42));
      assertThat(attempts).containsExactly("1:503", "2:200");
    }

    @Test
    void a_retry_after_above_the_cap_is_not_waited_for() throws Exception {
      server.enqueue(
          new MockResponse.Builder()
              .code(429)
              .setHeader("Retry-After", "120")
              .body(
                  "{\"error\":{\"message\":\"later\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}")
              .build());
      try (OpenAiClient openai = client().build()) {
        GenerationFailedException e =
            (GenerationFailedException) failure(() -> genvault.generate(haiku(), openai));
        assertThat(e.errorType()).isEqualTo(ErrorType.RATE_LIMITED);
        assertThat(e.getCause()).isInstanceOf(OpenAiException.RateLimitException.class);
        assertThat(((OpenAiException) e.getCause()).retryAfter()).contains(Duration.ofSeconds(120));
      }
      assertThat(slept).isEmpty();
      assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void client_errors_and_insufficient_quota_are_never_retried() throws Exception {
      int[] statuses = {400, 401, 403, 404, 422};
      Class<?>[] types = {
        OpenAiException.BadRequestException.class,
        OpenAiException.AuthenticationException.class,
        OpenAiException.PermissionDeniedException.class,
        OpenAiException.NotFoundException.class,
        OpenAiException.BadRequestException.class
      };
      try (OpenAiClient openai = client().build()) {
        for (int i = 0; i < statuses.length; i++) {
          server.enqueue(
              json(
                  statuses[i],
                  "{\"error\":{\"message\":\"no "
                      + statuses[i]
                      + "\",\"type\":\"invalid_request_error\",\"code\":\"c"
                      + i
                      + "\",\"param\":null}}"));
          GenerationFailedException e =
              (GenerationFailedException) failure(() -> genvault.generate(haiku(), openai));
          OpenAiException cause = (OpenAiException) e.getCause();
          assertThat(cause).isInstanceOf(types[i]);
          assertThat(cause.status()).isEqualTo(statuses[i]);
          assertThat(cause.type()).isEqualTo("invalid_request_error");
          assertThat(cause.code()).isEqualTo("c" + i);
          assertThat(cause.providerMessage()).isEqualTo("no " + statuses[i]);
        }
        server.enqueue(
            json(
                429,
                "{\"error\":{\"message\":\"You exceeded your current quota\",\"type\":\"insufficient_quota\",\"code\":\"insufficient_quota\"}}"));
        GenerationFailedException quota =
            (GenerationFailedException) failure(() -> genvault.generate(haiku(), openai));
        assertThat(quota.errorType()).isEqualTo(ErrorType.RATE_LIMITED);
      }
      assertThat(slept).isEmpty();
      assertThat(server.getRequestCount()).isEqualTo(6);
    }

    @Test
    void x_should_retry_overrides_the_status() throws Exception {
      server.enqueue(
          new MockResponse.Builder()
              .code(500)
              .setHeader("x-should-retry", "false")
              .body("{}")
              .build());
      server.enqueue(
          new MockResponse.Builder()
              .code(400)
              .setHeader("x-should-retry", "true")
              .body("{}")
              .build());
      server.enqueue(sse(STREAM));
      try (OpenAiClient openai = client().build()) {
        assertThat(failure(() -> genvault.generate(haiku(), openai)))
            .isInstanceOf(GenerationFailedException.class);
        assertThat(genvault.generate(haiku().toBuilder().seed(5L).build(), openai).status())
            .isEqualTo(GenerationStatus.COMPLETE);
      }
      assertThat(server.getRequestCount()).isEqualTo(3);
    }

    @Test
    void a_dropped_connection_is_retried_and_then_gives_up_after_the_retries() throws Exception {
      for (int i = 0; i < 3; i++) {
        server.enqueue(
            new MockResponse.Builder()
                .onResponseStart(SocketEffect.ShutdownConnection.INSTANCE)
                .build());
      }
      try (OpenAiClient openai = client().build()) {
        GenerationFailedException e =
            (GenerationFailedException) failure(() -> genvault.generate(haiku(), openai));
        assertThat(e.errorType()).isEqualTo(ErrorType.PROVIDER_ERROR);
      }
      assertThat(attempts).containsExactly("1:null", "2:null", "3:null");
      assertThat(slept).hasSize(2);
    }
  }

  @Nested
  class Images {
    @Test
    void b64_json_images_go_to_the_blob_store_with_size_quality_and_image_token_cost()
        throws Exception {
      byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 1, 2, 3, 4, 5};
      String b64 = Base64.getEncoder().encodeToString(png).replace("/", "\\/");
      server.enqueue(
          json(
              200,
              "{\"created\":1,\"background\":\"opaque\",\"data\":[{\"b64_json\":\""
                  + b64
                  + "\"}],\"output_format\":\"png\",\"quality\":\"high\",\"size\":\"1024x1024\","
                  + "\"usage\":{\"input_tokens\":600,\"input_tokens_details\":{\"image_tokens\":500,\"text_tokens\":100},\"output_tokens\":4160,\"total_tokens\":4760}}"));
      try (OpenAiClient openai = client().build()) {
        Generation g =
            genvault.generate(
                GenerationRequest.image("gpt-image-1", "a red square").toBuilder()
                    .imageSize("1024x1024")
                    .imageQuality("high")
                    .build(),
                openai);
        assertThat(g.blobs())
            .singleElement()
            .satisfies(
                ref -> {
                  assertThat(ref.key()).isEqualTo("generations/" + g.id() + "/0.png");
                  assertThat(ref.contentType()).isEqualTo("image/png");
                  assertThat(ref.size()).isEqualTo(png.length);
                });
        try (InputStream in = blobs.open(g.blobs().get(0).key()).orElseThrow()) {
          assertThat(in.readAllBytes()).isEqualTo(png);
        }
        assertThat(g.attributes())
            .containsEntry("size", "1024x1024")
            .containsEntry("quality", "high");
        // 100 x 5 + 500 x 10 + 4,160 x 40 = 171,900 per million
        assertThat(g.cost().usd()).isEqualByComparingTo("0.1719");
      }
      String body = server.takeRequest().getBody().utf8();
      assertThat(body)
          .contains("\"model\":\"gpt-image-1\"", "\"size\":\"1024x1024\"", "\"quality\":\"high\"")
          .doesNotContain("response_format");
    }

    @Test
    void an_image_body_over_the_cap_is_an_invalid_response_not_a_store_failure() throws Exception {
      server.enqueue(
          json(200, "{\"created\":1,\"data\":[{\"b64_json\":\"" + "QUJD".repeat(2000) + "\"}]}"));
      try (OpenAiClient openai = client().maxBodyBytes(1024).build()) {
        GenerationFailedException e =
            (GenerationFailedException)
                failure(
                    () -> genvault.generate(GenerationRequest.image("gpt-image-1", "x"), openai));
        assertThat(e.errorType()).isEqualTo(ErrorType.INVALID_RESPONSE);
        assertThat(e).hasMessageContaining("larger than 1024 bytes");
      }
    }

    @Test
    void an_image_url_is_downloaded_at_once_without_the_api_key() throws Exception {
      server.enqueue(
          json(
              200,
              "{\"created\":1,\"data\":[{\"url\":\"" + server.url("/files/img.png") + "\"}]}"));
      server.enqueue(
          new MockResponse.Builder()
              .code(200)
              .setHeader("Content-Type", "image/png")
              .body(new okio.Buffer().write(new byte[] {9, 8, 7}))
              .build());
      try (OpenAiClient openai = client().allowImageHosts(server.getHostName()).build()) {
        Generation g = genvault.generate(GenerationRequest.image("dall-e-3", "a cat"), openai);
        try (InputStream in = blobs.open(g.blobs().get(0).key()).orElseThrow()) {
          assertThat(in.readAllBytes()).containsExactly(9, 8, 7);
        }
      }
      assertThat(server.takeRequest().getBody().utf8())
          .contains("\"response_format\":\"b64_json\"");
      RecordedRequest download = server.takeRequest();
      assertThat(download.getUrl().encodedPath()).isEqualTo("/files/img.png");
      assertThat(download.getHeaders().get("Authorization")).isNull();
    }
  }

  @Nested
  class Responses {
    @Test
    void a_streamed_response_gives_text_and_usage() throws Exception {
      server.enqueue(
          sse(
              "event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"id\":\"resp_1\",\"status\":\"in_progress\"}}\n\n"
                  + "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"Hello\"}\n\n"
                  + "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\" world\"}\n\n"
                  + "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":\"resp_1\",\"model\":\"gpt-4o-mini-2024-07-18\",\"status\":\"completed\","
                  + "\"usage\":{\"input_tokens\":1000,\"input_tokens_details\":{\"cached_tokens\":600},\"output_tokens\":500,\"output_tokens_details\":{\"reasoning_tokens\":100},\"total_tokens\":1500}}}\n\n"));
      try (OpenAiClient openai = client().api(OpenAiClient.Api.RESPONSES).build()) {
        Generation g = genvault.generate(haiku(), openai);
        assertThat(g.text()).isEqualTo("Hello world");
        assertThat(g.finishReason()).isEqualTo("completed");
        assertThat(g.usage().cacheReadTokens()).isEqualTo(600);
        assertThat(g.usage().reasoningTokens()).isEqualTo(100);
        assertThat(g.providerResponseId()).isEqualTo("resp_1");
        // 400 x 0.15 + 600 x 0.075 + 500 x 0.60 = 60 + 45 + 300 = 405 per million
        assertThat(g.cost().usd()).isEqualByComparingTo("0.000405");
      }
      RecordedRequest r = server.takeRequest();
      assertThat(r.getUrl().encodedPath()).isEqualTo("/v1/responses");
      assertThat(r.getBody().utf8())
          .contains(
              "\"instructions\":\"Be brief.\"", "\"input\":\"Write a haiku\"", "\"stream\":true");
    }

    @Test
    void function_calls_in_a_response_are_kept_as_tool_calls() throws Exception {
      server.enqueue(
          json(
              200,
              "{\"id\":\"resp_3\",\"model\":\"gpt-4o-mini\",\"status\":\"completed\",\"output\":[{\"type\":\"function_call\",\"id\":\"fc_1\","
                  + "\"call_id\":\"call_7\",\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\",\"status\":\"completed\"}],"
                  + "\"usage\":{\"input_tokens\":5,\"output_tokens\":2}}"));
      try (OpenAiClient openai =
          client().api(OpenAiClient.Api.RESPONSES).streaming(false).build()) {
        Generation g = genvault.generate(haiku(), openai);
        assertThat(g.toolCalls())
            .isEqualTo(
                "[{\"id\":\"call_7\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\"}}]");
      }
    }

    @Test
    void a_plain_response_gives_its_output_text() throws Exception {
      server.enqueue(
          json(
              200,
              "{\"id\":\"resp_2\",\"object\":\"response\",\"model\":\"gpt-4o-mini\",\"status\":\"completed\",\"output\":[{\"type\":\"message\",\"role\":\"assistant\","
                  + "\"content\":[{\"type\":\"output_text\",\"text\":\"Plain answer\",\"annotations\":[]}]}],\"usage\":{\"input_tokens\":5,\"output_tokens\":2}}"));
      try (OpenAiClient openai =
          client().api(OpenAiClient.Api.RESPONSES).streaming(false).build()) {
        Generation g =
            genvault.generate(
                GenerationRequest.chat("gpt-4o-mini", List.of(Message.user("hi"))), openai);
        assertThat(g.text()).isEqualTo("Plain answer");
        assertThat(g.usage().outputTokens()).isEqualTo(2);
      }
    }
  }

  @Nested
  class Secrets {
    @Test
    void the_key_appears_in_no_log_exception_string_or_stored_record() throws Exception {
      ByteArrayOutputStream captured = new ByteArrayOutputStream();
      PrintStream original = System.err;
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      List<String> seen = new ArrayList<>();
      try (OpenAiClient openai = client().build()) {
        seen.add(openai.toString());
        server.enqueue(
            json(
                401,
                "{\"error\":{\"message\":\"Incorrect API key provided: "
                    + KEY
                    + ".\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}"));
        Throwable e = failure(() -> genvault.generate(haiku(), openai));
        for (Throwable t = e; t != null; t = t.getCause()) {
          seen.add(t.toString());
          if (t instanceof OpenAiException) {
            seen.add(((OpenAiException) t).body());
            seen.add(String.valueOf(((OpenAiException) t).providerMessage()));
          }
        }
        server.enqueue(sse(STREAM));
        genvault.generate(haiku().toBuilder().seed(1L).build(), openai);
      } finally {
        System.setErr(original);
      }
      for (Generation g : store.list(GenerationQuery.builder().build()).items()) {
        seen.add(g.toString());
        seen.add(RecordJson.request(g.request()));
        seen.add(String.valueOf(g.errorMessage()));
        seen.add(g.text());
      }
      seen.add(captured.toString(StandardCharsets.UTF_8));
      assertThat(String.join("\n", seen)).doesNotContain(KEY).doesNotContain("sk-canary");
      assertThat(String.join("\n", seen)).contains("Incorrect API key provided");
    }

    @Test
    void building_without_a_key_fails_clearly_and_the_environment_is_read() {
      assertThatThrownBy(() -> OpenAiClient.builder().environment(name -> null).build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("OPENAI_API_KEY");
      OpenAiClient fromEnv =
          OpenAiClient.builder()
              .environment(
                  name ->
                      name.equals("OPENAI_API_KEY")
                          ? KEY
                          : name.equals("OPENAI_BASE_URL") ? "http://127.0.0.1:1/v1/" : null)
              .build();
      assertThat(fromEnv.baseUrl()).isEqualTo("http://127.0.0.1:1/v1");
      assertThat(fromEnv.toString()).doesNotContain(KEY);
      fromEnv.close();
    }
  }
}
