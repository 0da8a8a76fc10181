package dev.genvault;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Token usage as the provider reported it.
 *
 * <p>Every count is {@code null} when the provider said nothing about it; a {@code null} is never
 * replaced by a made-up {@code 0}. Totals are inclusive, the way OpenAI reports them: {@link
 * #inputTokens()} includes {@link #cacheReadTokens()}, {@link #cacheWriteTokens()} and the image
 * and audio input tokens; {@link #outputTokens()} includes {@link #reasoningTokens()} and the image
 * and audio output tokens. Clients for providers that report exclusive counts (Anthropic's {@code
 * input_tokens} excludes cache reads and writes) add them up before building a {@code Usage}.
 *
 * <p>Immutable and thread safe.
 */
public final class Usage {
  private final @Nullable Long inputTokens;
  private final @Nullable Long cacheReadTokens;
  private final @Nullable Long cacheWriteTokens;
  private final @Nullable Long outputTokens;
  private final @Nullable Long reasoningTokens;
  private final @Nullable Long imageInputTokens;
  private final @Nullable Long imageOutputTokens;
  private final @Nullable Long audioInputTokens;
  private final @Nullable Long audioOutputTokens;
  private final @Nullable Long cacheWrite1hTokens;
  private final @Nullable Long audioCacheReadTokens;
  private final @Nullable Long imageCacheReadTokens;
  private final Map<String, Long> raw;

  private Usage(Builder b) {
    this.inputTokens = b.inputTokens;
    this.cacheReadTokens = b.cacheReadTokens;
    this.cacheWriteTokens = b.cacheWriteTokens;
    this.outputTokens = b.outputTokens;
    this.reasoningTokens = b.reasoningTokens;
    this.imageInputTokens = b.imageInputTokens;
    this.imageOutputTokens = b.imageOutputTokens;
    this.audioInputTokens = b.audioInputTokens;
    this.audioOutputTokens = b.audioOutputTokens;
    this.cacheWrite1hTokens = b.cacheWrite1hTokens;
    this.audioCacheReadTokens = b.audioCacheReadTokens;
    this.imageCacheReadTokens = b.imageCacheReadTokens;
    this.raw = Collections.unmodifiableMap(new TreeMap<>(b.raw));
  }

  /** A new builder with every count unknown. */
  public static Builder builder() {
    return new Builder();
  }

  /** Usage with only input and output totals known. */
  public static Usage of(long inputTokens, long outputTokens) {
    return builder().inputTokens(inputTokens).outputTokens(outputTokens).build();
  }

  /** A builder holding this usage's counts. */
  public Builder toBuilder() {
    return new Builder()
        .inputTokens(inputTokens)
        .cacheReadTokens(cacheReadTokens)
        .cacheWriteTokens(cacheWriteTokens)
        .outputTokens(outputTokens)
        .reasoningTokens(reasoningTokens)
        .imageInputTokens(imageInputTokens)
        .imageOutputTokens(imageOutputTokens)
        .audioInputTokens(audioInputTokens)
        .audioOutputTokens(audioOutputTokens)
        .cacheWrite1hTokens(cacheWrite1hTokens)
        .audioCacheReadTokens(audioCacheReadTokens)
        .imageCacheReadTokens(imageCacheReadTokens)
        .raw(raw);
  }

  /** All input tokens, cached and image/audio ones included; null if not reported. */
  public @Nullable Long inputTokens() {
    return inputTokens;
  }

  /** Input tokens read from the provider's prompt cache (part of {@link #inputTokens()}). */
  public @Nullable Long cacheReadTokens() {
    return cacheReadTokens;
  }

  /** Input tokens written to the provider's prompt cache (part of {@link #inputTokens()}). */
  public @Nullable Long cacheWriteTokens() {
    return cacheWriteTokens;
  }

  /** All output tokens, reasoning and image/audio ones included; null if not reported. */
  public @Nullable Long outputTokens() {
    return outputTokens;
  }

  /** Reasoning tokens (part of {@link #outputTokens()}). */
  public @Nullable Long reasoningTokens() {
    return reasoningTokens;
  }

  /** Image input tokens (part of {@link #inputTokens()}). */
  public @Nullable Long imageInputTokens() {
    return imageInputTokens;
  }

  /** Image output tokens (part of {@link #outputTokens()}). */
  public @Nullable Long imageOutputTokens() {
    return imageOutputTokens;
  }

  /** Audio input tokens (part of {@link #inputTokens()}). */
  public @Nullable Long audioInputTokens() {
    return audioInputTokens;
  }

  /** Audio output tokens (part of {@link #outputTokens()}). */
  public @Nullable Long audioOutputTokens() {
    return audioOutputTokens;
  }

  /**
   * Input tokens written to the cache for one hour rather than the default few minutes (part of
   * {@link #cacheWriteTokens()}), at the one-hour write rate: Anthropic's {@code
   * cache_creation.ephemeral_1h_input_tokens}.
   */
  public @Nullable Long cacheWrite1hTokens() {
    return cacheWrite1hTokens;
  }

  /**
   * Audio input tokens read from the cache: part of both {@link #cacheReadTokens()} and {@link
   * #audioInputTokens()}, at the cached audio rate.
   */
  public @Nullable Long audioCacheReadTokens() {
    return audioCacheReadTokens;
  }

  /**
   * Image input tokens read from the cache: part of both {@link #cacheReadTokens()} and {@link
   * #imageInputTokens()}, at the cached image rate.
   */
  public @Nullable Long imageCacheReadTokens() {
    return imageCacheReadTokens;
  }

  /**
   * The provider's own usage report, flattened to dotted paths (e.g. {@code
   * prompt_tokens_details.cached_tokens}); empty when the client kept none.
   */
  public Map<String, Long> raw() {
    return raw;
  }

  /** Input plus output tokens, or null if either is unknown. */
  public @Nullable Long totalTokens() {
    return inputTokens == null || outputTokens == null ? null : inputTokens + outputTokens;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Usage)) {
      return false;
    }
    Usage u = (Usage) o;
    return Objects.equals(inputTokens, u.inputTokens)
        && Objects.equals(cacheReadTokens, u.cacheReadTokens)
        && Objects.equals(cacheWriteTokens, u.cacheWriteTokens)
        && Objects.equals(outputTokens, u.outputTokens)
        && Objects.equals(reasoningTokens, u.reasoningTokens)
        && Objects.equals(imageInputTokens, u.imageInputTokens)
        && Objects.equals(imageOutputTokens, u.imageOutputTokens)
        && Objects.equals(audioInputTokens, u.audioInputTokens)
        && Objects.equals(audioOutputTokens, u.audioOutputTokens)
        && Objects.equals(cacheWrite1hTokens, u.cacheWrite1hTokens)
        && Objects.equals(audioCacheReadTokens, u.audioCacheReadTokens)
        && Objects.equals(imageCacheReadTokens, u.imageCacheReadTokens)
        && raw.equals(u.raw);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        inputTokens,
        cacheReadTokens,
        cacheWriteTokens,
        outputTokens,
        reasoningTokens,
        imageInputTokens,
        imageOutputTokens,
        audioInputTokens,
        audioOutputTokens,
        cacheWrite1hTokens,
        audioCacheReadTokens,
        imageCacheReadTokens);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Usage{");
    append(sb, "input", inputTokens);
    append(sb, "cacheRead", cacheReadTokens);
    append(sb, "cacheWrite", cacheWriteTokens);
    append(sb, "output", outputTokens);
    append(sb, "reasoning", reasoningTokens);
    append(sb, "imageInput", imageInputTokens);
    append(sb, "imageOutput", imageOutputTokens);
    append(sb, "audioInput", audioInputTokens);
    append(sb, "audioOutput", audioOutputTokens);
    append(sb, "cacheWrite1h", cacheWrite1hTokens);
    append(sb, "audioCacheRead", audioCacheReadTokens);
    append(sb, "imageCacheRead", imageCacheReadTokens);
    if (sb.charAt(sb.length() - 1) == ' ') {
      sb.setLength(sb.length() - 1);
    }
    return sb.append('}').toString();
  }

  private static void append(StringBuilder sb, String name, @Nullable Long value) {
    if (value != null) {
      sb.append(name).append('=').append(value).append(' ');
    }
  }

  /** Builds a {@link Usage}; every count defaults to unknown ({@code null}). */
  public static final class Builder {
    private @Nullable Long inputTokens;
    private @Nullable Long cacheReadTokens;
    private @Nullable Long cacheWriteTokens;
    private @Nullable Long outputTokens;
    private @Nullable Long reasoningTokens;
    private @Nullable Long imageInputTokens;
    private @Nullable Long imageOutputTokens;
    private @Nullable Long audioInputTokens;
    private @Nullable Long audioOutputTokens;
    private @Nullable Long cacheWrite1hTokens;
    private @Nullable Long audioCacheReadTokens;
    private @Nullable Long imageCacheReadTokens;
    private final Map<String, Long> raw = new TreeMap<>();

    private Builder() {}

    /** Sets {@link Usage#inputTokens()}. */
    public Builder inputTokens(@Nullable Long v) {
      this.inputTokens = check("inputTokens", v);
      return this;
    }

    /** Sets {@link Usage#cacheReadTokens()}. */
    public Builder cacheReadTokens(@Nullable Long v) {
      this.cacheReadTokens = check("cacheReadTokens", v);
      return this;
    }

    /** Sets {@link Usage#cacheWriteTokens()}. */
    public Builder cacheWriteTokens(@Nullable Long v) {
      this.cacheWriteTokens = check("cacheWriteTokens", v);
      return this;
    }

    /** Sets {@link Usage#outputTokens()}. */
    public Builder outputTokens(@Nullable Long v) {
      this.outputTokens = check("outputTokens", v);
      return this;
    }

    /** Sets {@link Usage#reasoningTokens()}. */
    public Builder reasoningTokens(@Nullable Long v) {
      this.reasoningTokens = check("reasoningTokens", v);
      return this;
    }

    /** Sets {@link Usage#imageInputTokens()}. */
    public Builder imageInputTokens(@Nullable Long v) {
      this.imageInputTokens = check("imageInputTokens", v);
      return this;
    }

    /** Sets {@link Usage#imageOutputTokens()}. */
    public Builder imageOutputTokens(@Nullable Long v) {
      this.imageOutputTokens = check("imageOutputTokens", v);
      return this;
    }

    /** Sets {@link Usage#audioInputTokens()}. */
    public Builder audioInputTokens(@Nullable Long v) {
      this.audioInputTokens = check("audioInputTokens", v);
      return this;
    }

    /** Sets {@link Usage#audioOutputTokens()}. */
    public Builder audioOutputTokens(@Nullable Long v) {
      this.audioOutputTokens = check("audioOutputTokens", v);
      return this;
    }

    /** Sets {@link Usage#cacheWrite1hTokens()}. */
    public Builder cacheWrite1hTokens(@Nullable Long v) {
      this.cacheWrite1hTokens = check("cacheWrite1hTokens", v);
      return this;
    }

    /** Sets {@link Usage#audioCacheReadTokens()}. */
    public Builder audioCacheReadTokens(@Nullable Long v) {
      this.audioCacheReadTokens = check("audioCacheReadTokens", v);
      return this;
    }

    /** Sets {@link Usage#imageCacheReadTokens()}. */
    public Builder imageCacheReadTokens(@Nullable Long v) {
      this.imageCacheReadTokens = check("imageCacheReadTokens", v);
      return this;
    }

    /** Replaces {@link Usage#raw()}: the provider's report flattened to dotted paths. */
    public Builder raw(Map<String, Long> raw) {
      this.raw.clear();
      raw.forEach(
          (k, v) ->
              this.raw.put(
                  Objects.requireNonNull(k, "raw key"), Objects.requireNonNull(v, "raw value")));
      return this;
    }

    /** The usage. */
    public Usage build() {
      return new Usage(this);
    }

    private static @Nullable Long check(String name, @Nullable Long v) {
      if (v != null && v < 0) {
        throw new IllegalArgumentException(name + " must be >= 0: " + v);
      }
      return v;
    }
  }
}
