package dev.genvault.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genvault.Cost;
import dev.genvault.Usage;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every usage field of each provider's API reference, from a whole report, into the bucket it is
 * billed in; and the cost of each report, computed by hand in its comment from the bundled table
 * (2026-08-21).
 */
class ProviderUsageTest {
  private static final Instant AT = Instant.parse("2026-06-01T20:00:00Z");

  /** A report as a client flattens it: dotted paths to whole numbers, in the order given. */
  private static Map<String, Long> report(Object... pathsAndCounts) {
    Map<String, Long> report = new LinkedHashMap<>();
    for (int i = 0; i < pathsAndCounts.length; i += 2) {
      report.put((String) pathsAndCounts[i], ((Number) pathsAndCounts[i + 1]).longValue());
    }
    return report;
  }

  private static BigDecimal usd(String model, Usage usage) {
    Cost cost = Pricing.bundled().cost(model, null, usage, AT);
    assertThat(cost).as("cost of " + model).isNotNull();
    return cost.usd();
  }

  private static UsageBuckets buckets(Usage usage) {
    return UsageBuckets.of(usage);
  }

  @Test
  void openai_chat_every_field_of_completion_usage() {
    Usage u =
        ProviderUsage.openAiChat(
            report(
                "prompt_tokens", 2000,
                "completion_tokens", 600,
                "total_tokens", 2600,
                "prompt_tokens_details.cached_tokens", 1000,
                "prompt_tokens_details.cache_write_tokens", 200,
                "prompt_tokens_details.audio_tokens", 300,
                "prompt_tokens_details.image_tokens", 0,
                "prompt_tokens_details.text_tokens", 1500,
                "completion_tokens_details.reasoning_tokens", 100,
                "completion_tokens_details.audio_tokens", 200,
                "completion_tokens_details.text_tokens", 300,
                "completion_tokens_details.accepted_prediction_tokens", 10,
                "completion_tokens_details.rejected_prediction_tokens", 5));
    assertThat(buckets(u))
        .isEqualTo(new UsageBuckets(500, 1000, 200, 300, 0, 300, 100, 200, 0, 0, 0, 0));
    assertThat(u.raw()).hasSize(13);
    // gpt-realtime (4 in, 0.4 cached, 16 out, 32 audio in, 64 audio out; no cache-write or
    // reasoning rate, so input and output rates): 500 x 4 + 1,000 x 0.4 + 200 x 4 + 300 x 32
    //   + 300 x 16 + 100 x 16 + 200 x 64 = 2,000 + 400 + 800 + 9,600 + 4,800 + 1,600 + 12,800
    //   = 32,000 per million
    assertThat(usd("gpt-realtime", u)).isEqualByComparingTo("0.032");
  }

  @Test
  void openai_chat_image_input_has_its_rate() {
    Usage u =
        ProviderUsage.openAiChat(
            report(
                "prompt_tokens", 1000,
                "completion_tokens", 100,
                "prompt_tokens_details.image_tokens", 600));
    assertThat(buckets(u)).isEqualTo(new UsageBuckets(400, 0, 0, 0, 600, 100, 0, 0, 0, 0, 0, 0));
    // gpt-realtime: 400 x 4 + 600 x 5 + 100 x 16 = 1,600 + 3,000 + 1,600 = 6,200 per million
    assertThat(usd("gpt-realtime", u)).isEqualByComparingTo("0.0062");
  }

  @Test
  void openai_responses_every_field_of_response_usage() {
    Usage u =
        ProviderUsage.openAiResponses(
            report(
                "input_tokens", 1000,
                "input_tokens_details.cached_tokens", 400,
                "input_tokens_details.cache_write_tokens", 100,
                "output_tokens", 500,
                "output_tokens_details.reasoning_tokens", 200,
                "total_tokens", 1500));
    assertThat(buckets(u))
        .isEqualTo(new UsageBuckets(500, 400, 100, 0, 0, 300, 200, 0, 0, 0, 0, 0));
    // gpt-4o-mini (0.15 in, 0.075 cached, 0.6 out; cache writes at the input rate):
    //   500 x 0.15 + 400 x 0.075 + 100 x 0.15 + 300 x 0.6 + 200 x 0.6 = 75 + 30 + 15 + 180 + 120
    //   = 420 per million
    assertThat(usd("gpt-4o-mini", u)).isEqualByComparingTo("0.00042");
  }

  @Test
  void openai_images_splits_output_into_image_and_text_tokens() {
    Usage split =
        ProviderUsage.openAiImages(
            report(
                "input_tokens", 50,
                "input_tokens_details.text_tokens", 10,
                "input_tokens_details.image_tokens", 40,
                "output_tokens", 1000,
                "output_tokens_details.image_tokens", 900,
                "output_tokens_details.text_tokens", 100,
                "total_tokens", 1050));
    assertThat(buckets(split))
        .isEqualTo(new UsageBuckets(10, 0, 0, 0, 40, 100, 0, 0, 900, 0, 0, 0));
    // gpt-image-1.5 (5 in, 8 image in, 10 out, 32 image out):
    //   10 x 5 + 40 x 8 + 100 x 10 + 900 x 32 = 50 + 320 + 1,000 + 28,800 = 30,170 per million
    assertThat(usd("gpt-image-1.5", split)).isEqualByComparingTo("0.03017");

    // Without output details, every output token is an image token:
    //   50 + 320 + 1,000 x 32 = 32,370 per million
    Usage whole =
        ProviderUsage.openAiImages(
            report(
                "input_tokens", 50,
                "input_tokens_details.image_tokens", 40,
                "output_tokens", 1000));
    assertThat(usd("gpt-image-1.5", whole)).isEqualByComparingTo("0.03237");
    // Only the text part given: the rest is image output.
    Usage textOnly =
        ProviderUsage.openAiImages(
            report(
                "input_tokens",
                50,
                "output_tokens",
                1000,
                "output_tokens_details.text_tokens",
                100));
    assertThat(textOnly.imageOutputTokens()).isEqualTo(900);
  }

  @Test
  void anthropic_one_hour_cache_writes_have_their_rate() {
    Map<String, Long> report =
        report(
            "input_tokens", 100,
            "cache_read_input_tokens", 2000,
            "cache_creation_input_tokens", 3000,
            "cache_creation.ephemeral_5m_input_tokens", 1000,
            "cache_creation.ephemeral_1h_input_tokens", 2000,
            "output_tokens", 500,
            "server_tool_use.web_search_requests", 2);
    Usage u = ProviderUsage.anthropic(report);
    assertThat(u.inputTokens()).isEqualTo(5100);
    assertThat(buckets(u))
        .isEqualTo(new UsageBuckets(100, 2000, 1000, 0, 0, 500, 0, 0, 0, 2000, 0, 0));
    assertThat(u.raw()).containsEntry("server_tool_use.web_search_requests", 2L);
    // claude-3-5-haiku (0.8 in, 0.08 read, 1 write, 1.6 one-hour write, 4 out):
    //   100 x 0.8 + 2,000 x 0.08 + 1,000 x 1 + 2,000 x 1.6 + 500 x 4
    //   = 80 + 160 + 1,000 + 3,200 + 2,000 = 6,440 per million
    assertThat(usd("claude-3-5-haiku-20241022", u)).isEqualByComparingTo("0.00644");

    // The split alone, without the total: the same.
    report.remove("cache_creation_input_tokens");
    assertThat(usd("claude-3-5-haiku-20241022", ProviderUsage.anthropic(report)))
        .isEqualByComparingTo("0.00644");
  }

  @Test
  void google_every_field_of_usage_metadata_with_modalities() {
    Usage u =
        ProviderUsage.google(
            report(
                "promptTokenCount", 10_000,
                "cachedContentTokenCount", 4000,
                "toolUsePromptTokenCount", 500,
                "candidatesTokenCount", 1000,
                "thoughtsTokenCount", 300,
                "totalTokenCount", 11_800,
                "promptTokensDetails.TEXT", 7000,
                "promptTokensDetails.AUDIO", 3000,
                "cacheTokensDetails.TEXT", 2000,
                "cacheTokensDetails.AUDIO", 2000,
                "toolUsePromptTokensDetails.TEXT", 500,
                "candidatesTokensDetails.TEXT", 1000));
    // Input 10,500 (prompt and tool-use prompt): 4,000 cached (2,000 of them audio), 3,000 audio
    // in all, so 1,000 uncached audio and 5,500 uncached text. Output 1,300: 300 thoughts.
    assertThat(u.inputTokens()).isEqualTo(10_500);
    assertThat(u.outputTokens()).isEqualTo(1300);
    assertThat(buckets(u))
        .isEqualTo(new UsageBuckets(5500, 2000, 0, 1000, 0, 1000, 300, 0, 0, 0, 2000, 0));
    // gemini-2.5-flash (0.3 in, 0.03 cached, 1 audio, 0.1 cached audio, 2.5 out):
    //   5,500 x 0.3 + 2,000 x 0.03 + 1,000 x 1 + 2,000 x 0.1 + 1,000 x 2.5 + 300 x 2.5
    //   = 1,650 + 60 + 1,000 + 200 + 2,500 + 750 = 6,160 per million
    assertThat(usd("gemini-2.5-flash", u)).isEqualByComparingTo("0.00616");
  }

  @Test
  void google_image_input_cached_or_not_and_image_output() {
    Usage u =
        ProviderUsage.google(
            report(
                "promptTokenCount", 2000,
                "cachedContentTokenCount", 1000,
                "candidatesTokenCount", 1500,
                "promptTokensDetails.TEXT", 500,
                "promptTokensDetails.IMAGE", 1500,
                "cacheTokensDetails.IMAGE", 1000,
                "candidatesTokensDetails.IMAGE", 1290,
                "candidatesTokensDetails.TEXT", 210));
    assertThat(buckets(u))
        .isEqualTo(new UsageBuckets(500, 0, 0, 0, 500, 210, 0, 0, 1290, 0, 0, 1000));
  }

  @Test
  void parts_larger_than_what_holds_them_are_refused() {
    Usage.Builder base = Usage.builder().inputTokens(100L).outputTokens(0L);
    refused(base.cacheWriteTokens(10L).cacheWrite1hTokens(20L), "one-hour cache writes");
    refused(
        base.cacheWriteTokens(null).cacheWrite1hTokens(null).cacheReadTokens(10L),
        "more than the cache reads",
        b -> b.audioInputTokens(50L).audioCacheReadTokens(20L));
    refused(
        base.cacheReadTokens(30L).audioInputTokens(null).audioCacheReadTokens(null),
        "more than the image input",
        b -> b.imageInputTokens(10L).imageCacheReadTokens(20L));
  }

  private static void refused(Usage.Builder b, String message) {
    refused(b, message, x -> x);
  }

  private static void refused(
      Usage.Builder b, String message, java.util.function.UnaryOperator<Usage.Builder> more) {
    Usage usage = more.apply(b).build();
    assertThatThrownBy(() -> UsageBuckets.of(usage))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void every_price_key_of_the_reference_is_used_or_listed_as_unsupported_with_its_reason()
      throws Exception {
    // The generator drops the keys the calculator cannot use; those must be exactly the listed
    // ones, so that a new key in the reference fails here until it is used or listed.
    assertThat(PriceTable.bundled().dropped).isEqualTo(Pricing.UNSUPPORTED_KEYS.keySet());
    String readme = Files.readString(Path.of("..", "README.md"));
    for (String key : Pricing.UNSUPPORTED_KEYS.keySet()) {
      assertThat(readme).as("the README lists " + key).contains("`" + key + "`");
    }
  }
}
