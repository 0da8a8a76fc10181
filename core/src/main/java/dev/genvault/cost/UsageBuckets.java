package dev.genvault.cost;

import dev.genvault.Usage;
import org.jspecify.annotations.Nullable;

/**
 * Usage split into exclusive buckets, so that no token is billed twice: every input token is in
 * exactly one of uncached, cache read, cache write, audio or image input; every output token in
 * exactly one of text, reasoning, audio or image output.
 *
 * @param uncachedInput text input not read from or written to the cache
 * @param cacheRead input read from the cache
 * @param cacheWrite input written to the cache
 * @param audioInput audio input
 * @param imageInput image input
 * @param textOutput text output that is not reasoning
 * @param reasoning reasoning output
 * @param audioOutput audio output
 * @param imageOutput image output
 */
public record UsageBuckets(
    long uncachedInput,
    long cacheRead,
    long cacheWrite,
    long audioInput,
    long imageInput,
    long textOutput,
    long reasoning,
    long audioOutput,
    long imageOutput) {

  /**
   * Splits an inclusive {@link Usage} into buckets.
   *
   * @return the buckets, or null when the input or output total is unknown
   * @throws IllegalArgumentException when the parts add up to more than their total
   */
  public static @Nullable UsageBuckets of(Usage usage) {
    Long input = usage.inputTokens();
    Long output = usage.outputTokens();
    if (input == null || output == null) {
      return null;
    }
    long cacheRead = nz(usage.cacheReadTokens());
    long cacheWrite = nz(usage.cacheWriteTokens());
    long audioIn = nz(usage.audioInputTokens());
    long imageIn = nz(usage.imageInputTokens());
    long reasoning = nz(usage.reasoningTokens());
    long audioOut = nz(usage.audioOutputTokens());
    long imageOut = nz(usage.imageOutputTokens());
    long uncached = input - cacheRead - cacheWrite - audioIn - imageIn;
    long text = output - reasoning - audioOut - imageOut;
    if (uncached < 0) {
      throw new IllegalArgumentException(
          "cached, audio and image input add up to more than the input: " + usage);
    }
    if (text < 0) {
      throw new IllegalArgumentException(
          "reasoning, audio and image output add up to more than the output: " + usage);
    }
    return new UsageBuckets(
        uncached, cacheRead, cacheWrite, audioIn, imageIn, text, reasoning, audioOut, imageOut);
  }

  private static long nz(@Nullable Long v) {
    return v == null ? 0 : v;
  }
}
