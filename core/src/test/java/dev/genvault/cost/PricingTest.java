package dev.genvault.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genvault.Cost;
import dev.genvault.Generation;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationStatus;
import dev.genvault.PriceSource;
import dev.genvault.Usage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Golden costs, each computed by hand in its comment from the bundled table (2026-08-21). */
class PricingTest {
  private static final Instant AT = Instant.parse("2026-06-01T20:00:00Z");
  private final Pricing pricing = Pricing.bundled();

  private BigDecimal usd(String model, Usage usage) {
    return usd(model, usage, AT);
  }

  private BigDecimal usd(String model, Usage usage, Instant at) {
    Cost cost = pricing.cost(model, null, usage, at);
    assertThat(cost).as("cost of " + model).isNotNull();
    assertThat(cost.source().id()).isEqualTo("2026-08-21");
    return cost.usd();
  }

  @Nested
  class OpenAi {
    @Test
    void gpt_4o_mini_without_cached_tokens() {
      // 1,000 x $0.15 + 500 x $0.60 = 150 + 300 = 450 per million = $0.00045
      Usage u = ProviderUsage.openAiChat(Map.of("prompt_tokens", 1000, "completion_tokens", 500));
      assertThat(usd("gpt-4o-mini", u)).isEqualByComparingTo("0.00045");
    }

    @Test
    void gpt_4o_mini_bills_cached_tokens_once_at_the_cached_rate() {
      // prompt_tokens 1,000 includes 600 cached: 400 x 0.15 + 600 x 0.075 + 500 x 0.60
      //   = 60 + 45 + 300 = 405 per million = $0.000405 (not 1,000 x 0.15 + 600 x 0.075)
      Usage u =
          ProviderUsage.openAiChat(
              Map.of(
                  "prompt_tokens",
                  1000,
                  "prompt_tokens_details.cached_tokens",
                  600,
                  "completion_tokens",
                  500));
      assertThat(usd("gpt-4o-mini", u)).isEqualByComparingTo("0.000405");
      assertThat(u.raw()).containsEntry("prompt_tokens_details.cached_tokens", 600L);
    }

    @Test
    void an_o_series_model_bills_reasoning_tokens_as_output_once() {
      // o4-mini: completion_tokens 3,000 includes 2,500 reasoning:
      //   2,000 x 1.1 + 3,000 x 4.4 = 2,200 + 13,200 = 15,400 per million = $0.0154
      Usage u =
          ProviderUsage.openAiChat(
              Map.of(
                  "prompt_tokens",
                  2000,
                  "completion_tokens",
                  3000,
                  "completion_tokens_details.reasoning_tokens",
                  2500));
      assertThat(u.reasoningTokens()).isEqualTo(2500);
      assertThat(usd("o4-mini", u)).isEqualByComparingTo("0.0154");
    }

    @Test
    void o3_changed_price_on_2025_06_10() {
      // before: 1,000 x 10 + 1,000 x 40 = 50,000 per million = $0.05
      // from that day: 1,000 x 2 + 1,000 x 8 = 10,000 per million = $0.01
      Usage u = Usage.of(1000, 1000);
      assertThat(usd("o3", u, Instant.parse("2025-06-09T23:59:59Z"))).isEqualByComparingTo("0.05");
      assertThat(usd("o3", u, Instant.parse("2025-06-10T00:00:00Z"))).isEqualByComparingTo("0.01");
      assertThat(usd("o3-2025-04-16", u, Instant.parse("2025-05-01T00:00:00Z")))
          .isEqualByComparingTo("0.05");
    }

    @Test
    void gpt_image_1_prices_text_and_image_input_and_image_output_tokens() {
      // input 600 = 100 text + 500 image; 4,160 output image tokens (no output image rate: output
      // rate)
      //   100 x 5 + 500 x 10 + 4,160 x 40 = 500 + 5,000 + 166,400 = 171,900 per million = $0.1719
      Usage u =
          ProviderUsage.openAiImages(
              Map.of(
                  "input_tokens",
                  600,
                  "input_tokens_details.image_tokens",
                  500,
                  "input_tokens_details.text_tokens",
                  100,
                  "output_tokens",
                  4160));
      assertThat(u.imageOutputTokens()).isEqualTo(4160);
      assertThat(usd("gpt-image-1", u)).isEqualByComparingTo("0.1719");
    }

    @Test
    void the_responses_api_usage_is_read_like_chat() {
      // 1,000 input incl. 600 cached, 500 output incl. 100 reasoning, gpt-4o-mini: same as chat,
      // $0.000405
      Usage u =
          ProviderUsage.openAiResponses(
              Map.of(
                  "input_tokens",
                  1000,
                  "input_tokens_details.cached_tokens",
                  600,
                  "output_tokens",
                  500,
                  "output_tokens_details.reasoning_tokens",
                  100));
      assertThat(usd("gpt-4o-mini", u)).isEqualByComparingTo("0.000405");
    }
  }

  @Nested
  class Anthropic {
    @Test
    void claude_with_cache_reads_and_writes() {
      // input_tokens 100 excludes 50,000 cache reads and 10,000 cache writes; total 60,100 < 200k:
      //   100 x 3 + 50,000 x 0.3 + 10,000 x 3.75 + 1,000 x 15 = 300 + 15,000 + 37,500 + 15,000
      //   = 67,800 per million = $0.0678
      Usage u =
          ProviderUsage.anthropic(
              Map.of(
                  "input_tokens",
                  100,
                  "cache_read_input_tokens",
                  50_000,
                  "cache_creation_input_tokens",
                  10_000,
                  "output_tokens",
                  1000));
      assertThat(u.inputTokens()).isEqualTo(60_100);
      assertThat(usd("claude-sonnet-4-5-20250929", u)).isEqualByComparingTo("0.0678");
    }

    @Test
    void sonnet_4_5_above_200k_input_prices_the_whole_request_at_the_higher_rate() {
      // above: 200,001 x 6 + 1,000 x 22.5 = 1,200,006 + 22,500 = 1,222,506 per million = $1.222506
      assertThat(usd("claude-sonnet-4-5", Usage.of(200_001, 1000)))
          .isEqualByComparingTo("1.222506");
      // at the threshold it is not above it: 200,000 x 3 + 1,000 x 15 = 615,000 = $0.615
      assertThat(usd("claude-sonnet-4-5", Usage.of(200_000, 1000))).isEqualByComparingTo("0.615");
      // below: 199,999 x 3 + 1,000 x 15 = 599,997 + 15,000 = 614,997 = $0.614997
      assertThat(usd("claude-sonnet-4-5", Usage.of(199_999, 1000)))
          .isEqualByComparingTo("0.614997");
    }

    @Test
    void cache_reads_count_toward_the_tier_threshold() {
      // 1,000 uncached + 250,000 cache reads = 251,000 input > 200k, 100 output:
      //   1,000 x 6 + 250,000 x 0.6 + 100 x 22.5 = 6,000 + 150,000 + 2,250 = 158,250 = $0.15825
      Usage u =
          ProviderUsage.anthropic(
              Map.of(
                  "input_tokens", 1000, "cache_read_input_tokens", 250_000, "output_tokens", 100));
      assertThat(usd("claude-sonnet-4-5", u)).isEqualByComparingTo("0.15825");
    }
  }

  @Nested
  class Google {
    @Test
    void gemini_2_5_pro_above_at_and_below_200k_with_thoughts_billed_as_output() {
      // output = 1,500 candidates + 500 thoughts = 2,000
      // above: 250,000 x 2.5 + 2,000 x 15 = 625,000 + 30,000 = 655,000 = $0.655
      Usage above =
          ProviderUsage.google(
              Map.of(
                  "promptTokenCount",
                  250_000,
                  "candidatesTokenCount",
                  1500,
                  "thoughtsTokenCount",
                  500));
      assertThat(above.outputTokens()).isEqualTo(2000);
      assertThat(usd("gemini-2.5-pro", above)).isEqualByComparingTo("0.655");
      // at: 200,000 x 1.25 + 2,000 x 10 = 250,000 + 20,000 = 270,000 = $0.27
      Usage at =
          ProviderUsage.google(
              Map.of(
                  "promptTokenCount",
                  200_000,
                  "candidatesTokenCount",
                  1500,
                  "thoughtsTokenCount",
                  500));
      assertThat(usd("gemini-2.5-pro", at)).isEqualByComparingTo("0.27");
      // below, with 40,000 of 100,000 prompt tokens cached:
      //   60,000 x 1.25 + 40,000 x 0.125 + 2,000 x 10 = 75,000 + 5,000 + 20,000 = 100,000 = $0.1
      Usage cached =
          ProviderUsage.google(
              Map.of(
                  "promptTokenCount",
                  100_000,
                  "cachedContentTokenCount",
                  40_000,
                  "candidatesTokenCount",
                  1500,
                  "thoughtsTokenCount",
                  500));
      assertThat(usd("gemini-2.5-pro", cached)).isEqualByComparingTo("0.1");
    }
  }

  @Nested
  class Names {
    @Test
    void a_provider_prefix_or_a_dated_suffix_finds_the_same_price() {
      // 1,000,000 input x $0.15 = $0.15
      Usage u = Usage.of(1_000_000, 0);
      assertThat(usd("openai/gpt-4o-mini", u)).isEqualByComparingTo("0.15");
      assertThat(usd("gpt-4o-mini-2024-07-18", u)).isEqualByComparingTo("0.15");
      assertThat(usd("GPT-4o-mini", u)).isEqualByComparingTo("0.15");
      // a date the table does not list is stripped: gpt-4o-mini-2099-01-01 -> gpt-4o-mini
      assertThat(usd("gpt-4o-mini-2099-01-01", u)).isEqualByComparingTo("0.15");
    }

    @Test
    void an_unknown_model_costs_null_and_is_reported() {
      Pricing fresh = Pricing.builder().build();
      assertThat(fresh.cost("totally-unknown-model-x", null, Usage.of(10, 10), AT)).isNull();
      assertThat(fresh.cost("totally-unknown-model-x", null, Usage.of(10, 10), AT)).isNull();
      assertThat(fresh.unpricedModels()).containsExactly("totally-unknown-model-x");
    }

    @Test
    void the_deepseek_off_peak_window_is_applied_by_time_of_day() {
      // 1,000,000 input: 16:30-00:30 UTC $0.135; 00:30-16:30 UTC $0.27
      Usage u = Usage.of(1_000_000, 0);
      assertThat(usd("deepseek-chat", u, Instant.parse("2026-06-01T20:00:00Z")))
          .isEqualByComparingTo("0.135");
      assertThat(usd("deepseek-chat", u, Instant.parse("2026-06-01T12:00:00Z")))
          .isEqualByComparingTo("0.27");
      assertThat(usd("deepseek-chat", u, Instant.parse("2026-06-01T16:30:00Z")))
          .isEqualByComparingTo("0.135");
    }

    @Test
    void a_generation_is_priced_by_its_requested_then_its_reported_model() {
      Generation g =
          Generation.builder()
              .id("id-0000000000000001")
              .request(GenerationRequest.prompt("my-alias", "p"))
              .providerModel("gpt-4o-mini-2024-07-18")
              .status(GenerationStatus.COMPLETE)
              .usage(Usage.of(1_000_000, 0))
              .createdAt(AT)
              .build();
      assertThat(pricing.cost(g).usd()).isEqualByComparingTo("0.15");
    }
  }

  @Nested
  class Overrides {
    @Test
    void an_override_beats_the_table_and_can_start_on_a_day() {
      // override from 2026-01-01: 1,000,000 x $1 + 1,000,000 x $2 = $3; before that the table: 0.15
      // + 0.60
      Pricing custom =
          Pricing.builder()
              .override("gpt-4o-mini", LocalDate.parse("2026-01-01"), ModelPrice.of("1", "2"))
              .build();
      Usage u = Usage.of(1_000_000, 1_000_000);
      Cost after = custom.cost("gpt-4o-mini", null, u, AT);
      assertThat(after.usd()).isEqualByComparingTo("3");
      assertThat(after.source()).isEqualTo(PriceSource.OVERRIDE);
      Cost before = custom.cost("gpt-4o-mini", null, u, Instant.parse("2025-12-31T23:00:00Z"));
      assertThat(before.usd()).isEqualByComparingTo("0.75");
      assertThat(before.source().id()).isEqualTo("2026-08-21");
    }

    @Test
    void a_self_hosted_model_is_priced_by_its_override_alone() {
      // 2,000 x 0.3 + 1,000 x 1.2 = 600 + 1,200 = 1,800 per million = $0.0018
      Pricing custom =
          Pricing.builder()
              .withoutBundledTable()
              .override("my-llama", ModelPrice.of("0.3", "1.2"))
              .build();
      assertThat(custom.cost("my-llama", null, Usage.of(2000, 1000), AT).usd())
          .isEqualByComparingTo("0.0018");
      assertThat(custom.cost("gpt-4o-mini", null, Usage.of(2000, 1000), AT)).isNull();
    }
  }

  @Nested
  class Edges {
    @Test
    void zero_tokens_cost_exactly_zero_and_unknown_usage_costs_null() {
      assertThat(pricing.cost("gpt-4o-mini", null, Usage.of(0, 0), AT).usd())
          .isEqualByComparingTo("0");
      assertThat(pricing.cost("gpt-4o-mini", null, null, AT)).isNull();
      assertThat(pricing.cost("gpt-4o-mini", null, Usage.builder().inputTokens(5L).build(), AT))
          .isNull();
    }

    @Test
    void usage_whose_parts_exceed_its_total_is_refused() {
      Usage bad = Usage.builder().inputTokens(10L).cacheReadTokens(20L).outputTokens(0L).build();
      assertThatThrownBy(() -> UsageBuckets.of(bad)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void cents_are_a_rounded_view_of_the_exact_cost() {
      Cost c = pricing.cost("gpt-4o-mini", null, Usage.of(1000, 500), AT); // $0.00045
      assertThat(c.toCents()).isEqualByComparingTo("0.05");
      assertThat(c.usd()).isEqualByComparingTo("0.00045");
    }
  }

  @Nested
  class Table {
    @Test
    void the_whole_bundled_table_parses() throws Exception {
      try (InputStream in = PriceTable.class.getResourceAsStream(PriceTable.RESOURCE)) {
        PriceTable table = PriceTableReader.load(in);
        table.validateAll();
        assertThat(table.version).isEqualTo("2026-08-21");
        assertThat(table.source).contains("genai-prices").contains("MIT");
        assertThat(table.modelCount()).isEqualTo(1466);
        for (String provider :
            new String[] {"openai", "anthropic", "google", "mistral", "deepseek", "x-ai", "groq"}) {
          assertThat(table.provider(provider)).as(provider).isNotNull();
          assertThat(table.provider(provider).models()).as(provider).isNotEmpty();
        }
        for (PriceTable.Provider p : table.providers) {
          for (PriceTable.Model m : p.models()) {
            assertThat(m.periods()).as(p.id() + "/" + m.id()).isNotEmpty();
            assertThat(m.match().matches(m.id()) || !m.periods().isEmpty()).isTrue();
          }
        }
      }
    }

    @Test
    void the_licence_of_the_source_is_shipped_beside_the_table() throws Exception {
      try (InputStream in = PriceTable.class.getResourceAsStream("prices-LICENSE.txt")) {
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
            .contains("MIT License")
            .contains("Pydantic");
      }
    }

    @Test
    void an_entry_the_parser_cannot_read_fails_the_load_naming_its_line() {
      String good =
          "genvault-prices\t1\nversion\tx\nsource\ty\nprovider\tp\n"
              + "model\tm\tor\t2\tequals\tm\tregex\t^m-\\d\nprice\t-\tinput_mtok=1;200000:2\toutput_mtok=3\n";
      assertThat(PriceTable.bundled()).isNotNull();
      assertThat(load(good).modelCount()).isEqualTo(1);
      assertThat(load(good).find("m-1", null)).isNotNull();
      assertThat(load(good).find("M", null)).as("equals ignores case").isNotNull();
      assertThatThrownBy(() -> load(good.replace("output_mtok=3", "video_mtok=3")).validateAll())
          .isInstanceOf(PriceTable.FormatException.class)
          .hasMessageContaining("line 6")
          .hasMessageContaining("video_mtok");
      assertThatThrownBy(
              () -> load(good.replace("output_mtok=3", "output_mtok=three")).validateAll())
          .hasMessageContaining("not a decimal");
      assertThatThrownBy(() -> load(good.replace("equals\tm", "soundslike\tm")))
          .hasMessageContaining("soundslike");
      assertThatThrownBy(() -> load(good.replace("^m-\\d", "(unclosed")))
          .hasMessageContaining("line 5");
      assertThatThrownBy(
              () -> load(good.replace("price\t-", "price\tsince:yesterday")).validateAll())
          .hasMessageContaining("line 6");
      assertThatThrownBy(() -> load(good.replace("genvault-prices\t1", "genvault-prices\t2")))
          .hasMessageContaining("unsupported");
      assertThatThrownBy(
              () -> load(good.replace("price\t-\tinput_mtok=1;200000:2\toutput_mtok=3\n", "")))
          .hasMessageContaining("needs a match and prices");
    }

    private PriceTable load(String text) {
      try {
        return PriceTableReader.load(stream(text));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    private InputStream stream(String json) {
      return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
    }
  }
}
