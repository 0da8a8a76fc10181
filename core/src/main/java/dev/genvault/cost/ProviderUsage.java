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

  /**
   * An OpenAI Chat Completions {@code usage} object: {@code prompt_tokens} with its cached, cache
   * write, audio and image parts ({@code prompt_tokens_details}), {@code completion_tokens} with
   * its reasoning and audio parts ({@code completion_tokens_details}). Predicted-output tokens are
   * billed as completion tokens, which count them already.
   */
  public static Usage openAiChat(Map<String, ? extends Number> report) {
    return Usage.builder()
        .inputTokens(get(report, "prompt_tokens"))
        .cacheReadTokens(get(report, "prompt_tokens_details.cached_tokens"))
        .cacheWriteTokens(get(report, "prompt_tokens_details.cache_write_tokens"))
        .audioInputTokens(get(report, "prompt_tokens_details.audio_tokens"))
        .imageInputTokens(get(report, "prompt_tokens_details.image_tokens"))
        .outputTokens(get(report, "completion_tokens"))
        .reasoningTokens(get(report, "completion_tokens_details.reasoning_tokens"))
        .audioOutputTokens(get(report, "completion_tokens_details.audio_tokens"))
        .raw(raw(report))
        .build();
  }

  /**
   * An OpenAI Responses API {@code usage} object: {@code input_tokens} with its cached and cache
   * write parts, {@code output_tokens} with its reasoning part.
   */
  public static Usage openAiResponses(Map<String, ? extends Number> report) {
    return Usage.builder()
        .inputTokens(get(report, "input_tokens"))
        .cacheReadTokens(get(report, "input_tokens_details.cached_tokens"))
        .cacheWriteTokens(get(report, "input_tokens_details.cache_write_tokens"))
        .outputTokens(get(report, "output_tokens"))
        .reasoningTokens(get(report, "output_tokens_details.reasoning_tokens"))
        .raw(raw(report))
        .build();
  }

  /**
   * An OpenAI Images API {@code usage} object ({@code gpt-image-1}): input split into text and
   * image tokens; output split into image and text tokens by {@code output_tokens_details}, and all
   * image tokens when it does not say.
   */
  public static Usage openAiImages(Map<String, ? extends Number> report) {
    Long output = get(report, "output_tokens");
    Long imageOutput = get(report, "output_tokens_details.image_tokens");
    Long textOutput = get(report, "output_tokens_details.text_tokens");
    if (imageOutput == null && output != null) {
      imageOutput = textOutput == null ? output : Math.max(0, output - textOutput);
    }
    return Usage.builder()
        .inputTokens(get(report, "input_tokens"))
        .imageInputTokens(get(report, "input_tokens_details.image_tokens"))
        .outputTokens(output)
        .imageOutputTokens(imageOutput)
        .raw(raw(report))
        .build();
  }

  /**
   * An Anthropic Messages {@code usage} object: {@code input_tokens} plus the cache reads and
   * writes it leaves out, the writes split by {@code cache_creation} into five-minute and one-hour
   * ones.
   */
  public static Usage anthropic(Map<String, ? extends Number> report) {
    Long uncached = get(report, "input_tokens");
    Long cacheRead = get(report, "cache_read_input_tokens");
    Long write1h = get(report, "cache_creation.ephemeral_1h_input_tokens");
    Long cacheWrite = get(report, "cache_creation_input_tokens");
    if (cacheWrite == null) {
      cacheWrite = sum(get(report, "cache_creation.ephemeral_5m_input_tokens"), write1h);
    }
    return Usage.builder()
        .inputTokens(uncached == null ? null : sum(sum(uncached, cacheRead), cacheWrite))
        .cacheReadTokens(cacheRead)
        .cacheWriteTokens(cacheWrite)
        .cacheWrite1hTokens(write1h)
        .outputTokens(get(report, "output_tokens"))
        .raw(raw(report))
        .build();
  }

  /**
   * A Google Gemini {@code usageMetadata} object. Its lists of counts by modality ({@code
   * promptTokensDetails}, {@code cacheTokensDetails}, {@code candidatesTokensDetails}, {@code
   * toolUsePromptTokensDetails}: {@code [{"modality": "AUDIO", "tokenCount": 10}]}) are given
   * flattened by modality: {@code promptTokensDetails.AUDIO}. Input is the prompt plus the tool-use
   * prompt ({@code toolUsePromptTokenCount}); output the candidates plus the thoughts. Audio and
   * image counts, cached or not, get their own rates; other modalities (text, video, documents) are
   * billed as text.
   */
  public static Usage google(Map<String, ? extends Number> report) {
    Long candidates = get(report, "candidatesTokenCount");
    Long thoughts = get(report, "thoughtsTokenCount");
    Long prompt = get(report, "promptTokenCount");
    Long toolUse = get(report, "toolUsePromptTokenCount");
    return Usage.builder()
        .inputTokens(prompt == null && toolUse == null ? null : sum(prompt, toolUse))
        .cacheReadTokens(get(report, "cachedContentTokenCount"))
        .audioInputTokens(
            sum(
                get(report, "promptTokensDetails.AUDIO"),
                get(report, "toolUsePromptTokensDetails.AUDIO")))
        .imageInputTokens(
            sum(
                get(report, "promptTokensDetails.IMAGE"),
                get(report, "toolUsePromptTokensDetails.IMAGE")))
        .audioCacheReadTokens(get(report, "cacheTokensDetails.AUDIO"))
        .imageCacheReadTokens(get(report, "cacheTokensDetails.IMAGE"))
        .outputTokens(candidates == null && thoughts == null ? null : sum(candidates, thoughts))
        .reasoningTokens(thoughts)
        .audioOutputTokens(get(report, "candidatesTokensDetails.AUDIO"))
        .imageOutputTokens(get(report, "candidatesTokensDetails.IMAGE"))
        .raw(raw(report))
        .build();
  }
}
