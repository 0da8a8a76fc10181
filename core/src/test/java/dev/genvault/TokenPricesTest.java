package dev.genvault;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TokenPricesTest {
  private final TokenPrices prices =
      TokenPrices.builder()
          .price(
              "gpt-4o-mini",
              new BigDecimal("0.15"),
              new BigDecimal("0.075"),
              new BigDecimal("0.60"))
          .price("plain", new BigDecimal("1"), new BigDecimal("2"))
          .version("2026-01-01")
          .build();

  private static Generation withUsage(String model, Usage usage) {
    return Generation.builder()
        .id("id-0000000000000001")
        .request(GenerationRequest.prompt(model, "p"))
        .status(GenerationStatus.COMPLETE)
        .usage(usage)
        .createdAt(Instant.EPOCH)
        .build();
  }

  @Test
  void cached_input_is_billed_once_at_the_cached_rate() {
    // 1,000 input of which 800 cached: 200 x 0.15 + 800 x 0.075 + 100 x 0.60 = 30 + 60 + 60 = 150 /
    // 1e6
    Usage usage =
        Usage.builder().inputTokens(1000L).cacheReadTokens(800L).outputTokens(100L).build();
    Cost cost = prices.cost(withUsage("gpt-4o-mini", usage));
    assertThat(cost.usd()).isEqualByComparingTo("0.000150");
    assertThat(cost.priceTable()).isEqualTo("2026-01-01");
  }

  @Test
  void without_a_cached_price_cached_tokens_cost_the_input_price() {
    // 10 x 1 + 5 x 2 = 20 / 1e6
    Usage usage = Usage.builder().inputTokens(10L).cacheReadTokens(4L).outputTokens(5L).build();
    assertThat(prices.cost(withUsage("plain", usage)).usd()).isEqualByComparingTo("0.00002");
  }

  @Test
  void unknown_models_and_unknown_usage_cost_null_never_zero() {
    assertThat(prices.cost(withUsage("nobody-prices-this", Usage.of(1, 1)))).isNull();
    assertThat(prices.cost(withUsage("gpt-4o-mini", Usage.builder().inputTokens(5L).build())))
        .isNull();
    assertThat(prices.cost(withUsage("gpt-4o-mini", Usage.of(0, 0))).usd())
        .isEqualByComparingTo("0");
  }

  @Test
  void the_provider_reported_model_is_tried_after_the_requested_one() {
    Generation g =
        withUsage("my-alias", Usage.of(1_000_000, 0)).toBuilder()
            .providerModel("gpt-4o-mini")
            .build();
    assertThat(prices.cost(g).usd()).isEqualByComparingTo("0.15");
  }
}
