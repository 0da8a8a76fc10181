package dev.genvault.openaijava;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genvault.ErrorType;
import dev.genvault.Generation;
import dev.genvault.GenerationFailedException;
import dev.genvault.GenerationKind;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationStatus;
import dev.genvault.GenerationStream;
import dev.genvault.Message;
import dev.genvault.PersistentGenerator;
import dev.genvault.StreamClosePolicy;
import dev.genvault.spi.BlobStore;
import java.io.InputStream;
import java.util.Base64;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

/** The official openai-java SDK's own OkHttp client against a local server, through Genvault. */
class OpenAiJavaTest extends LocalServerTest {
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
                  + "{\"prompt_tokens\":1200,\"completion_tokens\":300,\"total_tokens\":1500,"
                  + "\"prompt_tokens_details\":{\"cached_tokens\":1024},"
                  + "\"completion_tokens_details\":{\"reasoning_tokens\":100}}}")
          + "data: [DONE]\n\n";

  static GenerationRequest haiku() {
    return GenerationRequest.builder()
        .model("gpt-4o-mini")
        .messages(java.util.List.of(Message.system("Be brief."), Message.user("A haiku")))
        .temperature(0.2)
        .maxOutputTokens(50)
        .build();
  }

  @Test
  void a_chat_completion_is_streamed_into_the_store_with_its_usage_in_detail() throws Exception {
    server.enqueue(sse(STREAM));

    Generation g = genvault.generate(haiku(), OpenAiJava.wrap(sdk()));

    assertCompleteInStore(g, "Old pond, frog");
    assertThat(g.finishReason()).isEqualTo("stop");
    assertThat(g.provider()).isEqualTo("openai");
    assertThat(g.providerModel()).isEqualTo("gpt-4o-mini-2024-07-18");
    assertThat(g.providerResponseId()).isEqualTo("chatcmpl-9");
    assertUsageInDetail(g);
    assertThat(g.cost()).isNotNull();

    RecordedRequest sent = server.takeRequest();
    String body = sent.getBody().utf8();
    assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer test-key");
    assertThat(body)
        .contains("\"stream\":true")
        .contains("\"include_usage\":true")
        .contains("\"temperature\":0.2")
        .contains("\"max_completion_tokens\":50")
        .contains("{\"content\":\"Be brief.\",\"role\":\"system\"}");
  }

  @Test
  void a_tool_call_is_stored_as_openai_json() {
    server.enqueue(
        sse(
            chunk(
                    "{\"id\":\"chatcmpl-2\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                        + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"role\":"
                        + "\"assistant\",\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":"
                        + "\"function\",\"function\":{\"name\":\"weather\",\"arguments\":\"\"}}]},"
                        + "\"finish_reason\":null}]}")
                + chunk(
                    "{\"id\":\"chatcmpl-2\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                        + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":"
                        + "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":"
                        + "\"{\\\"city\\\":\\\"Oslo\\\"}\"}}]},\"finish_reason\":null}]}")
                + chunk(
                    "{\"id\":\"chatcmpl-2\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                        + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{},"
                        + "\"finish_reason\":\"tool_calls\"}]}")
                + "data: [DONE]\n\n"));
    GenerationRequest request =
        GenerationRequest.builder()
            .model("gpt-4o-mini")
            .prompt("Weather in Oslo?")
            .tools(
                "[{\"type\":\"function\",\"function\":{\"name\":\"weather\",\"parameters\":"
                    + "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}]")
            .toolChoice("auto")
            .build();

    Generation g = genvault.generate(request, OpenAiJava.wrap(sdk()));

    assertThat(g.finishReason()).isEqualTo("tool_calls");
    assertThat(g.toolCalls())
        .contains("\"id\":\"call_1\"")
        .contains("\"name\":\"weather\"")
        .contains("{\\\"city\\\":\\\"Oslo\\\"}");
  }

  @Test
  void a_stream_cut_short_is_recorded_as_incomplete_with_the_text_that_had_arrived() {
    String first = STREAM.substring(0, STREAM.indexOf("data: ", 10));
    server.enqueue(cut(first));

    assertThatThrownBy(() -> genvault.generate(haiku(), OpenAiJava.wrap(sdk())))
        .isInstanceOf(GenerationFailedException.class);

    Generation row = onlyGenerationWhenEnded();
    assertThat(row.status()).isEqualTo(GenerationStatus.ERROR);
    assertThat(row.errorType()).isEqualTo(ErrorType.STREAM_INCOMPLETE);
    assertThat(row.text()).isEqualTo("Old pond");
  }

  @Test
  void an_error_mid_stream_is_recorded_with_the_text_that_had_arrived() {
    String first = STREAM.substring(0, STREAM.indexOf("data: ", 10));
    server.enqueue(
        sse(
            first
                + chunk(
                    "{\"error\":{\"message\":\"The server is overloaded\",\"type\":"
                        + "\"server_error\",\"code\":null}}")));

    assertThatThrownBy(() -> genvault.generate(haiku(), OpenAiJava.wrap(sdk())))
        .isInstanceOf(GenerationFailedException.class);

    Generation row = onlyGenerationWhenEnded();
    assertThat(row.status()).isEqualTo(GenerationStatus.ERROR);
    assertThat(row.errorType()).isEqualTo(ErrorType.PROVIDER_ERROR);
    assertThat(row.errorMessage()).contains("overloaded");
    assertThat(row.text()).isEqualTo("Old pond");
  }

  @Test
  void a_refusal_is_kept_as_an_attribute() {
    server.enqueue(
        sse(
            chunk(
                    "{\"id\":\"chatcmpl-4\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                        + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"role\":"
                        + "\"assistant\",\"refusal\":\"I can't \"},\"finish_reason\":null}]}")
                + chunk(
                    "{\"id\":\"chatcmpl-4\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                        + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":"
                        + "{\"refusal\":\"help with that.\"},\"finish_reason\":\"stop\"}]}")
                + "data: [DONE]\n\n"));

    Generation g = genvault.generate(haiku(), OpenAiJava.wrap(sdk()));

    assertThat(g.status()).isEqualTo(GenerationStatus.COMPLETE);
    assertThat(g.attributes()).containsEntry("refusal", "I can't help with that.");
  }

  @Test
  void a_rate_limit_is_recorded_as_such() {
    server.enqueue(
        json(429, "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\"}}"));

    assertThatThrownBy(() -> genvault.generate(haiku(), OpenAiJava.wrap(sdk())))
        .isInstanceOfSatisfying(
            GenerationFailedException.class,
            e -> assertThat(e.errorType()).isEqualTo(ErrorType.RATE_LIMITED));

    Generation row = onlyGenerationWhenEnded();
    assertThat(row.errorType()).isEqualTo(ErrorType.RATE_LIMITED);
  }

  @Test
  void an_identical_request_is_a_dedup_hit_without_calling_the_sdk() {
    server.enqueue(sse(STREAM));
    OpenAiJava openai = OpenAiJava.wrap(sdk());
    Generation first = genvault.generate(haiku(), openai);
    Generation second = genvault.generate(haiku(), openai);

    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(second.cachedFrom()).isEqualTo(first.id());
    assertThat(second.text()).isEqualTo("Old pond, frog");
  }

  @Test
  void cancelling_closes_the_sdk_stream_and_records_the_text_received() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    String first = STREAM.substring(0, STREAM.indexOf("data: ", 10));
    server.enqueue(stalling(first, STREAM.substring(first.length()), release));
    try (PersistentGenerator cancelling =
        PersistentGenerator.builder()
            .store(store)
            .streamClosePolicy(StreamClosePolicy.CANCEL)
            .build()) {
      GenerationStream stream = cancelling.stream(haiku(), OpenAiJava.wrap(sdk()));
      assertThat(stream.iterator().next()).isEqualTo("Old pond");
      Thread closing = new Thread(stream::close);
      closing.start();
      closing.join(TimeUnit.SECONDS.toMillis(10));
      assertThat(closing.isAlive())
          .as("cancelling does not wait for the SDK's read, blocked on the silent connection")
          .isFalse();

      Generation row = onlyGenerationWhenEnded();
      assertThat(row.errorType())
          .as("recorded while the SDK's read is still blocked")
          .isEqualTo(ErrorType.CANCELLED);
      assertThat(row.text()).isEqualTo("Old pond");
      // That read ends when data comes (or at the SDK's read timeout): let the server go on.
      release.countDown();
    } finally {
      release.countDown();
    }
  }

  @Test
  void an_image_is_stored_in_the_blob_store_with_its_usage() throws Exception {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
    server.enqueue(
        json(
            200,
            "{\"created\":1,\"data\":[{\"b64_json\":\""
                + Base64.getEncoder().encodeToString(png)
                + "\"}],\"output_format\":\"png\",\"usage\":{\"input_tokens\":50,"
                + "\"output_tokens\":4160,\"total_tokens\":4210,\"input_tokens_details\":"
                + "{\"text_tokens\":50,\"image_tokens\":0}}}"));
    BlobStore blobs = BlobStore.inMemory();
    try (PersistentGenerator withBlobs =
        PersistentGenerator.builder().store(store).blobs(blobs).build()) {
      Generation g =
          withBlobs.generate(
              GenerationRequest.builder()
                  .kind(GenerationKind.IMAGE)
                  .model("gpt-image-1")
                  .prompt("A frog")
                  .imageSize("1024x1024")
                  .build(),
              OpenAiJava.wrap(sdk()));

      assertThat(g.blobs()).hasSize(1);
      assertThat(g.blobs().get(0).contentType()).isEqualTo("image/png");
      try (InputStream in = blobs.open(g.blobs().get(0).key()).orElseThrow()) {
        assertThat(in.readAllBytes()).isEqualTo(png);
      }
      assertThat(g.usage().outputTokens()).isEqualTo(4160);
      assertThat(server.takeRequest().getBody().utf8()).contains("\"size\":\"1024x1024\"");
    }
  }

  @Test
  void values_of_the_wrong_shape_fail_before_anything_is_stored_or_sent() {
    OpenAiJava openai = OpenAiJava.wrap(sdk());
    GenerationRequest badSeed =
        GenerationRequest.builder()
            .model("gpt-4o-mini")
            .prompt("Hi")
            .parameter("seed", "\"abc\"")
            .build();
    GenerationRequest imageOptionsOnText =
        GenerationRequest.builder()
            .model("gpt-4o-mini")
            .prompt("Hi")
            .imageSize("1024x1024")
            .build();

    assertThatThrownBy(() -> genvault.generate(badSeed, openai))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("openai-java cannot send this request");
    assertThatThrownBy(() -> genvault.generate(imageOptionsOnText, openai))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("image size");
    assertThat(stored()).isEmpty();
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void a_value_the_sdk_refuses_fails_before_anything_is_stored() {
    GenerationRequest audio =
        GenerationRequest.builder().kind(GenerationKind.AUDIO).model("tts-1").prompt("Hi").build();

    assertThatThrownBy(() -> genvault.generate(audio, OpenAiJava.wrap(sdk())))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(stored()).isEmpty();
    assertThat(server.getRequestCount()).isZero();
  }
}
