package dev.genvault.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.genvault.Generation;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationStatus;
import dev.genvault.ModelClient;
import dev.genvault.ModelResult;
import dev.genvault.PersistenceException;
import dev.genvault.PersistentGenerator;
import dev.genvault.Usage;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * On real PostgreSQL, values a provider chooses that do not fit a column (or hold a NUL, which
 * PostgreSQL text and JSONB refuse) no longer make the terminal write fail for good.
 */
class ProviderValuesPostgresTest {
  private final JdbcGenerationStore store = JdbcGenerationStore.create(Postgres.pool());

  @Test
  void an_odd_response_is_stored_complete_with_its_values_cut_and_cleaned() {
    ModelClient odd =
        ModelClient.of(
            "p".repeat(200),
            call -> {
              call.emit("the answer");
              return ModelResult.builder()
                  .finishReason("content_filter_" + "x".repeat(100))
                  .providerModel("model-" + "m".repeat(300))
                  .providerResponseId("resp-\0-" + "r".repeat(300))
                  .toolCalls("[{\"id\":\"call\0\",\"type\":\"function\"}]")
                  .attribute("service_tier", "flex\0")
                  .usage(
                      Usage.builder()
                          .inputTokens(5L)
                          .outputTokens(2L)
                          .raw(Map.of("odd\0key", 1L))
                          .build())
                  .build();
            });
    try (PersistentGenerator genvault =
        PersistentGenerator.builder().store(store).persistTimeout(Duration.ofSeconds(30)).build()) {
      Generation g = genvault.generate(GenerationRequest.prompt("gpt-4o-mini", "hi"), odd);

      Generation row = store.find(g.id()).orElseThrow();
      assertThat(row.status()).isEqualTo(GenerationStatus.COMPLETE);
      assertThat(row.text()).isEqualTo("the answer");
      assertThat(row.provider()).hasSize(128).endsWith("\u2026");
      assertThat(row.finishReason()).hasSize(64).startsWith("content_filter_xx").endsWith("\u2026");
      assertThat(row.providerModel()).hasSize(256).startsWith("model-m");
      assertThat(row.providerResponseId()).hasSize(256).startsWith("resp-\uFFFD-r");
      assertThat(row.toolCalls()).isEqualTo("[{\"id\":\"call\uFFFD\",\"type\":\"function\"}]");
      assertThat(row.attributes()).containsEntry("service_tier", "flex\uFFFD");
      assertThat(row.usage().outputTokens()).isEqualTo(2L);
      assertThat(row).isEqualTo(g);
    }
  }

  @Test
  void a_value_postgresql_cannot_hold_is_reported_as_not_retryable() {
    Generation pending =
        Generation.builder()
            .id("providervaluestest001")
            .request(GenerationRequest.prompt("gpt-4o-mini", "hi"))
            .createdAt(java.time.Instant.parse("2026-11-01T00:00:00Z"))
            .updatedAt(java.time.Instant.parse("2026-11-01T00:00:00Z"))
            .build();
    store.delete(pending.id());
    store.insert(pending);
    Generation tooLong =
        pending.toBuilder()
            .status(GenerationStatus.COMPLETE)
            .finishReason("f".repeat(65))
            .completedAt(pending.createdAt())
            .build();
    PersistenceException e =
        catchThrowableOfType(PersistenceException.class, () -> store.finish(tooLong));
    assertThat(e.isRetryable()).as("no retry can make 65 characters fit in 64").isFalse();
  }
}
