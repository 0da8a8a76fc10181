package dev.genvault.cost;

import java.math.BigDecimal;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What one model costs, per million tokens of each kind. A kind without its own rate is priced at
 * the general one: cache reads and writes, audio and image input at the input rate; reasoning,
 * audio and image output at the output rate. Immutable.
 */
public final class ModelPrice {
  private final @Nullable Rate input;
  private final @Nullable Rate cacheRead;
  private final @Nullable Rate cacheWrite;
  private final @Nullable Rate output;
  private final @Nullable Rate reasoning;
  private final @Nullable Rate audioInput;
  private final @Nullable Rate audioOutput;
  private final @Nullable Rate imageInput;
  private final @Nullable Rate imageOutput;
  private final @Nullable Rate cacheWrite1h;
  private final @Nullable Rate audioCacheRead;
  private final @Nullable Rate imageCacheRead;
  private final @Nullable BigDecimal perThousandRequests;

  private ModelPrice(Builder b) {
    this.input = b.input;
    this.cacheRead = b.cacheRead;
    this.cacheWrite = b.cacheWrite;
    this.output = b.output;
    this.reasoning = b.reasoning;
    this.audioInput = b.audioInput;
    this.audioOutput = b.audioOutput;
    this.imageInput = b.imageInput;
    this.imageOutput = b.imageOutput;
    this.cacheWrite1h = b.cacheWrite1h;
    this.audioCacheRead = b.audioCacheRead;
    this.imageCacheRead = b.imageCacheRead;
    this.perThousandRequests = b.perThousandRequests;
  }

  /** A new builder with no rates. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A price with flat input and output rates per million tokens, e.g. {@code of("0.15", "0.60")}.
   */
  public static ModelPrice of(String inputPerMillion, String outputPerMillion) {
    return builder()
        .input(Rate.perMillion(inputPerMillion))
        .output(Rate.perMillion(outputPerMillion))
        .build();
  }

  /** Uncached text input. */
  public @Nullable Rate input() {
    return input;
  }

  /** Input read from the provider's prompt cache. */
  public @Nullable Rate cacheRead() {
    return cacheRead;
  }

  /** Input written to the provider's prompt cache. */
  public @Nullable Rate cacheWrite() {
    return cacheWrite;
  }

  /** Text output (and reasoning, audio and image output without their own rate). */
  public @Nullable Rate output() {
    return output;
  }

  /** Reasoning output, when priced apart from output. */
  public @Nullable Rate reasoning() {
    return reasoning;
  }

  /** Audio input. */
  public @Nullable Rate audioInput() {
    return audioInput;
  }

  /** Audio output. */
  public @Nullable Rate audioOutput() {
    return audioOutput;
  }

  /** Image input. */
  public @Nullable Rate imageInput() {
    return imageInput;
  }

  /** Image output. */
  public @Nullable Rate imageOutput() {
    return imageOutput;
  }

  /**
   * Input written to the cache for an hour ({@code cache_write_1h_mtok}); without it, the cache
   * write rate applies, then the input rate.
   */
  public @Nullable Rate cacheWrite1h() {
    return cacheWrite1h;
  }

  /**
   * Audio input read from the cache ({@code cache_audio_read_mtok}); without it, the audio input
   * rate applies, then the input rate.
   */
  public @Nullable Rate audioCacheRead() {
    return audioCacheRead;
  }

  /**
   * Image input read from the cache ({@code cache_image_read_mtok}); without it, the image input
   * rate applies, then the input rate.
   */
  public @Nullable Rate imageCacheRead() {
    return imageCacheRead;
  }

  /** A flat price per thousand requests, or null. */
  public @Nullable BigDecimal perThousandRequests() {
    return perThousandRequests;
  }

  /** True when no rate at all is set. */
  public boolean isEmpty() {
    return input == null
        && cacheRead == null
        && cacheWrite == null
        && output == null
        && reasoning == null
        && audioInput == null
        && audioOutput == null
        && imageInput == null
        && imageOutput == null
        && cacheWrite1h == null
        && audioCacheRead == null
        && imageCacheRead == null
        && perThousandRequests == null;
  }

  @Override
  public String toString() {
    return "ModelPrice{input="
        + (input == null ? "-" : input.base().toPlainString())
        + ", output="
        + (output == null ? "-" : output.base().toPlainString())
        + " per million}";
  }

  /** Builds a {@link ModelPrice}. */
  public static final class Builder {
    private @Nullable Rate input;
    private @Nullable Rate cacheRead;
    private @Nullable Rate cacheWrite;
    private @Nullable Rate output;
    private @Nullable Rate reasoning;
    private @Nullable Rate audioInput;
    private @Nullable Rate audioOutput;
    private @Nullable Rate imageInput;
    private @Nullable Rate imageOutput;
    private @Nullable Rate cacheWrite1h;
    private @Nullable Rate audioCacheRead;
    private @Nullable Rate imageCacheRead;
    private @Nullable BigDecimal perThousandRequests;

    private Builder() {}

    /** Sets {@link ModelPrice#input()}. */
    public Builder input(@Nullable Rate rate) {
      this.input = rate;
      return this;
    }

    /** Sets {@link ModelPrice#cacheRead()}. */
    public Builder cacheRead(@Nullable Rate rate) {
      this.cacheRead = rate;
      return this;
    }

    /** Sets {@link ModelPrice#cacheWrite()}. */
    public Builder cacheWrite(@Nullable Rate rate) {
      this.cacheWrite = rate;
      return this;
    }

    /** Sets {@link ModelPrice#output()}. */
    public Builder output(@Nullable Rate rate) {
      this.output = rate;
      return this;
    }

    /** Sets {@link ModelPrice#reasoning()}. */
    public Builder reasoning(@Nullable Rate rate) {
      this.reasoning = rate;
      return this;
    }

    /** Sets {@link ModelPrice#audioInput()}. */
    public Builder audioInput(@Nullable Rate rate) {
      this.audioInput = rate;
      return this;
    }

    /** Sets {@link ModelPrice#audioOutput()}. */
    public Builder audioOutput(@Nullable Rate rate) {
      this.audioOutput = rate;
      return this;
    }

    /** Sets {@link ModelPrice#imageInput()}. */
    public Builder imageInput(@Nullable Rate rate) {
      this.imageInput = rate;
      return this;
    }

    /** Sets {@link ModelPrice#imageOutput()}. */
    public Builder imageOutput(@Nullable Rate rate) {
      this.imageOutput = rate;
      return this;
    }

    /** Sets {@link ModelPrice#cacheWrite1h()}. */
    public Builder cacheWrite1h(@Nullable Rate rate) {
      this.cacheWrite1h = rate;
      return this;
    }

    /** Sets {@link ModelPrice#audioCacheRead()}. */
    public Builder audioCacheRead(@Nullable Rate rate) {
      this.audioCacheRead = rate;
      return this;
    }

    /** Sets {@link ModelPrice#imageCacheRead()}. */
    public Builder imageCacheRead(@Nullable Rate rate) {
      this.imageCacheRead = rate;
      return this;
    }

    /** Sets {@link ModelPrice#perThousandRequests()}. */
    public Builder perThousandRequests(@Nullable BigDecimal usd) {
      if (usd != null && usd.signum() < 0) {
        throw new IllegalArgumentException("a price must not be negative: " + usd);
      }
      this.perThousandRequests = usd;
      return this;
    }

    /** The price. */
    public ModelPrice build() {
      return new ModelPrice(this);
    }
  }

  /** Exact cost of usage at this price, or null when some tokens have no rate at all. */
  @Nullable BigDecimal cost(UsageBuckets u, long totalInput) {
    Rate in = input;
    Rate out = output;
    BigDecimal[] sum = {BigDecimal.ZERO};
    if (!add(sum, u.uncachedInput(), in, totalInput)
        || !add(sum, u.cacheRead(), first(cacheRead, in), totalInput)
        || !add(sum, u.cacheWrite(), first(cacheWrite, in), totalInput)
        || !add(sum, u.audioInput(), first(audioInput, in), totalInput)
        || !add(sum, u.imageInput(), first(imageInput, in), totalInput)
        || !add(sum, u.textOutput(), out, totalInput)
        || !add(sum, u.reasoning(), first(reasoning, out), totalInput)
        || !add(sum, u.audioOutput(), first(audioOutput, out), totalInput)
        || !add(sum, u.imageOutput(), first(imageOutput, out), totalInput)
        || !add(sum, u.cacheWrite1h(), first(cacheWrite1h, first(cacheWrite, in)), totalInput)
        || !add(sum, u.audioCacheRead(), first(audioCacheRead, first(audioInput, in)), totalInput)
        || !add(
            sum, u.imageCacheRead(), first(imageCacheRead, first(imageInput, in)), totalInput)) {
      return null;
    }
    BigDecimal total = sum[0].movePointLeft(6);
    if (perThousandRequests != null) {
      total = total.add(perThousandRequests.movePointLeft(3));
    }
    return total;
  }

  private static @Nullable Rate first(@Nullable Rate specific, @Nullable Rate general) {
    return specific != null ? specific : general;
  }

  private static boolean add(BigDecimal[] sum, long tokens, @Nullable Rate rate, long totalInput) {
    if (tokens == 0) {
      return true;
    }
    if (rate == null) {
      return false;
    }
    sum[0] = sum[0].add(rate.at(totalInput).multiply(BigDecimal.valueOf(tokens)));
    return true;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof ModelPrice)) {
      return false;
    }
    ModelPrice p = (ModelPrice) o;
    return Objects.equals(input, p.input)
        && Objects.equals(cacheRead, p.cacheRead)
        && Objects.equals(cacheWrite, p.cacheWrite)
        && Objects.equals(output, p.output)
        && Objects.equals(reasoning, p.reasoning)
        && Objects.equals(audioInput, p.audioInput)
        && Objects.equals(audioOutput, p.audioOutput)
        && Objects.equals(imageInput, p.imageInput)
        && Objects.equals(imageOutput, p.imageOutput)
        && Objects.equals(cacheWrite1h, p.cacheWrite1h)
        && Objects.equals(audioCacheRead, p.audioCacheRead)
        && Objects.equals(imageCacheRead, p.imageCacheRead)
        && Objects.equals(perThousandRequests, p.perThousandRequests);
  }

  @Override
  public int hashCode() {
    return Objects.hash(input, output, cacheRead);
  }
}
