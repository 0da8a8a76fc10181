package dev.genvault;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How a request samples: the options of a {@link GenerationRequest} that shape the output's
 * randomness and length. Every value is optional: null (or an empty list) leaves the provider's
 * default.
 *
 * @param temperature sampling temperature, 0 to 2
 * @param topP nucleus sampling mass, greater than 0 and at most 1
 * @param maxOutputTokens cap on generated tokens, at least 1
 * @param seed sampling seed
 * @param n number of choices or images, 1 to 128
 * @param stop stop sequences
 */
public record Sampling(
    @Nullable Double temperature,
    @Nullable Double topP,
    @Nullable Integer maxOutputTokens,
    @Nullable Long seed,
    @Nullable Integer n,
    List<String> stop) {

  /** Every option left to the provider. */
  public static final Sampling DEFAULT = new Sampling(null, null, null, null, null, List.of());

  /**
   * Checks each option's range.
   *
   * @throws IllegalArgumentException naming the option out of range
   */
  public Sampling {
    if (temperature != null && !(temperature >= 0 && temperature <= 2)) {
      throw new IllegalArgumentException("temperature must be between 0 and 2: " + temperature);
    }
    if (topP != null && !(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException("topP must be greater than 0 and at most 1: " + topP);
    }
    if (maxOutputTokens != null && maxOutputTokens < 1) {
      throw new IllegalArgumentException("maxOutputTokens must be at least 1: " + maxOutputTokens);
    }
    if (n != null && (n < 1 || n > 128)) {
      throw new IllegalArgumentException("n must be between 1 and 128: " + n);
    }
    stop = List.copyOf(stop);
  }
}
