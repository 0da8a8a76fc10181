package dev.genvault.cost;

import dev.genvault.Usage;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Turns each provider's usage report into a {@link Usage} with Genvault's inclusive totals, keeping
 * the report itself in {@link Usage#raw()}. Reports are given flattened to dotted paths, e.g.
 * {@code Map.of("prompt_tokens", 1200L, "prompt_tokens_details.cached_tokens", 1024L)}.
 *
 * <p>The providers count differently, and getting it wrong bills tokens twice:
 *
 * <ul>
 *   <li>OpenAI chat: {@code prompt_tokens} includes {@code cached_tokens}; {@code
 *       completion_tokens} includes {@code reasoning_tokens}.
 *   <li>OpenAI Responses: {@code input_tokens} includes {@code input_tokens_details.cached_tokens};
 *       {@code output_tokens} includes {@code output_tokens_details.reasoning_tokens}.
 *   <li>Anthropic: {@code input_tokens} <em>excludes</em> {@code cache_read_input_tokens} and
 *       {@code cache_creation_input_tokens}.
 *   <li>Google: {@code promptTokenCount} includes {@code cachedContentTokenCount}; {@code
 *       thoughtsTokenCount} is billed as output but not counted in {@code candidatesTokenCount}.
 * </ul>
 */
public final class ProviderUsage {
  private ProviderUsage() {}

  private static @Nullable Long get(Map<String, ? extends Number> report, String path) {
    Number n = report.get(path);
    return n == null ? null : n.longValue();
  }

  private static Map<String, Long> raw(Map<String, ? extends Number> report) {
    Map<String, Long> raw = new java.util.TreeMap<>();
    report.forEach((k, v) -> raw.put(k, v.longValue()));
    return raw;
  }

  private static @Nullable Long sum(@Nullable Long a, @Nullable Long b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : a + b;
  }

  /** An OpenAI Chat Completions {@code usage} object. */
  public static Usage openAiChat(Map<String, ? extends Number> report) {
    return Usage.builder()
        .inputTokens(get(report, "prompt_tokens"))
        .cacheReadTokens(get(report, "prompt_tokens_details.cached_tokens"))
        .audioInputTokens(get(report, "prompt_tokens_details.audio_tokens"))
        .outputTokens(get(report, "completion_tokens"))
        .reasoningTokens(get(report, "completion_tokens_details.reasoning_tokens"))
        .audioOutputTokens(get(report, "completion_tokens_details.audio_tokens"))
        .raw(raw(report))
        .build();
  }

  /** An OpenAI Responses API {@code usage} object. */
  public static Usage openAiResponses(Map<String, ? extends Number> report) {
    return Usage.builder()
        .inputTokens(get(report, "input_tokens"))
        .cacheReadTokens(get(report, "input_tokens_details.cached_tokens"))
        .outputTokens(get(report, "output_tokens"))
        .reasoningTokens(get(report, "output_tokens_details.reasoning_tokens"))
        .raw(raw(report))
        .build();
  }

  /**
   * An OpenAI Images API {@code usage} object ({@code gpt-image-1}): input split into text and
   * image tokens; every output token is an image token.
   */
  public static Usage openAiImages(Map<String, ? extends Number> report) {
    Long output = get(report, "output_tokens");
    return Usage.builder()
        .inputTokens(get(report, "input_tokens"))
        .imageInputTokens(get(report, "input_tokens_details.image_tokens"))
        .outputTokens(output)
        .imageOutputTokens(output)
        .raw(raw(report))
        .build();
  }

  /** An Anthropic Messages {@code usage} object. */
  public static Usage anthropic(Map<String, ? extends Number> report) {
    Long uncached = get(report, "input_tokens");
    Long cacheRead = get(report, "cache_read_input_tokens");
    Long cacheWrite = get(report, "cache_creation_input_tokens");
    return Usage.builder()
        .inputTokens(uncached == null ? null : sum(sum(uncached, cacheRead), cacheWrite))
        .cacheReadTokens(cacheRead)
        .cacheWriteTokens(cacheWrite)
        .outputTokens(get(report, "output_tokens"))
        .raw(raw(report))
        .build();
  }

  /** A Google Gemini {@code usageMetadata} object. */
  public static Usage google(Map<String, ? extends Number> report) {
    Long candidates = get(report, "candidatesTokenCount");
    Long thoughts = get(report, "thoughtsTokenCount");
    return Usage.builder()
        .inputTokens(get(report, "promptTokenCount"))
        .cacheReadTokens(get(report, "cachedContentTokenCount"))
        .outputTokens(candidates == null && thoughts == null ? null : sum(candidates, thoughts))
        .reasoningTokens(thoughts)
        .raw(raw(report))
        .build();
  }
}
