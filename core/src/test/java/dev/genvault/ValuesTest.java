package dev.genvault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genvault.spi.BlobKeys;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ValuesTest {
  @Test
  void usage_keeps_unknown_counts_null_and_refuses_negatives() {
    Usage u = Usage.builder().inputTokens(5L).build();
    assertThat(u.outputTokens()).isNull();
    assertThat(u.totalTokens()).isNull();
    assertThat(Usage.of(0, 0).totalTokens()).isZero();
    assertThat(u.toBuilder().build()).isEqualTo(u);
    assertThatThrownBy(() -> Usage.builder().outputTokens(-1L))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void cost_is_exact_and_cents_are_a_rounded_view() {
    Cost c = new Cost(new BigDecimal("0.000123456789"), PriceSource.table("v"));
    assertThat(c.usd()).isEqualByComparingTo("0.000123456789");
    assertThat(c.toCents()).isEqualByComparingTo("0.01");
    assertThat(new Cost(new BigDecimal("1.23456"), PriceSource.table("v")).toCents())
        .isEqualByComparingTo("123.46");
    assertThatThrownBy(() -> new Cost(new BigDecimal("-0.01"), PriceSource.table("v")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void a_generation_checks_its_error_fields_against_its_status() {
    Generation.Builder b =
        Generation.builder()
            .id("id-0000000000000001")
            .request(GenerationRequest.prompt("m", "p"))
            .createdAt(Instant.EPOCH);
    assertThat(b.build().status()).isEqualTo(GenerationStatus.PENDING);
    assertThatThrownBy(() -> b.status(GenerationStatus.ERROR).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                Generation.builder()
                    .request(GenerationRequest.prompt("m", "p"))
                    .createdAt(Instant.EPOCH)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("id");
  }

  @Test
  void nanoids_are_21_url_safe_characters_and_unique() {
    IdGenerator ids = IdGenerator.nanoid();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String id = ids.newId();
      assertThat(id).matches("[A-Za-z0-9_-]{21}");
      assertThat(seen.add(id)).isTrue();
    }
    assertThat(IdGenerator.nanoid(16).newId()).hasSize(16);
    assertThatThrownBy(() -> IdGenerator.nanoid(15)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> IdGenerator.check("has/slash-0000000000"))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void generation_file_keys_use_only_the_id_and_an_allow_listed_extension() {
    assertThat(BlobKeys.forGeneration("abc", 0, "image/png")).isEqualTo("generations/abc/0.png");
    assertThat(BlobKeys.forGeneration("abc", 3, "image/jpeg; charset=x"))
        .isEqualTo("generations/abc/3.jpg");
    assertThat(BlobKeys.forGeneration("abc", 1, "text/html")).isEqualTo("generations/abc/1.bin");
    assertThat(BlobKeys.forGeneration("abc", 1, "../../evil")).isEqualTo("generations/abc/1.bin");
  }

  @Test
  void a_checkpoint_policy_must_be_positive() {
    assertThatThrownBy(() -> new CheckpointPolicy(Duration.ZERO, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CheckpointPolicy(Duration.ofMillis(1), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void a_price_source_read_back_from_a_store_is_never_mistaken_for_a_table_version() {
    assertThat(PriceSource.of(null)).isEqualTo(PriceSource.UNKNOWN);
    assertThat(PriceSource.of("")).isEqualTo(PriceSource.UNKNOWN);
    assertThat(PriceSource.of("x".repeat(65))).isEqualTo(PriceSource.UNKNOWN);
    assertThat(PriceSource.of("dedup")).isEqualTo(PriceSource.CACHE);
    assertThat(PriceSource.of("dedup").tableVersion()).isEmpty();
    assertThat(PriceSource.of("override").tableVersion()).isEmpty();
    assertThat(PriceSource.of("2026-08-21").tableVersion()).contains("2026-08-21");
  }
}
