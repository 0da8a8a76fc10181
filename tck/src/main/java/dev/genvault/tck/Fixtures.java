package dev.genvault.tck;

import dev.genvault.BlobRef;
import dev.genvault.Cost;
import dev.genvault.Generation;
import dev.genvault.GenerationKind;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationStatus;
import dev.genvault.IdGenerator;
import dev.genvault.Message;
import dev.genvault.PriceSource;
import dev.genvault.Usage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Sample records for contract tests. Instants are whole microseconds, as every store keeps them.
 */
public final class Fixtures {
  /** A fixed start time for tests. */
  public static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123456Z");

  private static final IdGenerator IDS = IdGenerator.nanoid();

  private Fixtures() {}

  /** A unique 21-character ID. */
  public static String newId() {
    return IDS.newId();
  }

  /** A pending text generation. */
  public static Generation pending(
      String id,
      @Nullable String userId,
      @Nullable String tenantId,
      String model,
      Instant createdAt) {
    GenerationRequest request =
        GenerationRequest.builder()
            .model(model)
            .prompt("Say hello to " + id)
            .userId(userId)
            .tenantId(tenantId)
            .build();
    return Generation.builder()
        .id(id)
        .request(request)
        .provider("test")
        .fingerprint("fp-" + id)
        .createdAt(createdAt)
        .heartbeatAt(createdAt)
        .build();
  }

  /** A pending generation of user {@code u1}, tenant {@code t1}, model {@code m1}. */
  public static Generation pending(String id, Instant createdAt) {
    return pending(id, "u1", "t1", "m1", createdAt);
  }

  /** A request that sets every field, with text that stresses encodings. */
  public static GenerationRequest richRequest() {
    return GenerationRequest.builder()
        .kind(GenerationKind.TEXT)
        .model("gpt-4o-mini")
        .system("You are terse. Ünïcödé, 中文, emoji 🧪, quotes \" ' and a backslash \\")
        .messages(
            List.of(
                Message.user("first question 𝄞"),
                Message.assistant("first answer"),
                Message.user("second question; DROP TABLE generations; --")))
        .temperature(0.7)
        .topP(0.9)
        .maxOutputTokens(256)
        .seed(42L)
        .n(1)
        .stop(List.of("\n\n", "END"))
        .responseFormat("{\"type\":\"json_object\"}")
        .tools("[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]")
        .toolChoice("auto")
        .parameter("presence_penalty", "0.5")
        .parameter("logit_bias", "{\"50256\":-100}")
        .userId("user-ü")
        .tenantId("tenant-1")
        .metadata("source", "tck")
        .metadata("ünïcödé", "värde 🧪")
        .build();
  }

  /** A complete record with every result field set. */
  public static Generation complete(Generation pending, Instant at, String text) {
    return pending.toBuilder()
        .status(GenerationStatus.COMPLETE)
        .text(text)
        .finishReason("tool_calls")
        .toolCalls(
            "[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\","
                + "\"arguments\":\"{\\\"x\\\":1}\"}}]")
        .attributes(java.util.Map.of("size", "1024x1024", "quality", "high"))
        .providerModel("gpt-4o-mini-2024-07-18")
        .providerResponseId("chatcmpl-123")
        .usage(
            Usage.builder()
                .inputTokens(1200L)
                .cacheReadTokens(1024L)
                .cacheWriteTokens(0L)
                .outputTokens(300L)
                .reasoningTokens(64L)
                .imageInputTokens(10L)
                .imageOutputTokens(20L)
                .audioInputTokens(3L)
                .audioOutputTokens(4L)
                .cacheWrite1hTokens(0L)
                .audioCacheReadTokens(2L)
                .imageCacheReadTokens(5L)
                .raw(
                    java.util.Map.of(
                        "prompt_tokens", 1200L, "prompt_tokens_details.cached_tokens", 1024L))
                .build())
        .cost(new Cost(new BigDecimal("0.000123456789012345"), PriceSource.table("2026-01-01")))
        .blobs(
            List.of(
                new BlobRef(
                    "generations/" + pending.id() + "/0.png",
                    "https://cdn.example.test/g/0.png",
                    "image/png",
                    1234,
                    "ab".repeat(32))))
        .firstTokenAt(at.minusMillis(500))
        .completedAt(at)
        .updatedAt(at)
        .heartbeatAt(null)
        .build();
  }

  /** A record made terminal with an error. */
  public static Generation failed(Generation live, Instant at, String text) {
    return live.toBuilder()
        .error(dev.genvault.ErrorType.PROVIDER_ERROR, "upstream said no")
        .text(text)
        .completedAt(at)
        .updatedAt(at)
        .heartbeatAt(null)
        .build();
  }
}
