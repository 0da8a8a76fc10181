package dev.genvault.cost;

import dev.genvault.Usage;
import org.jspecify.annotations.Nullable;

/**
 * Usage split into exclusive buckets, so that no token is billed twice: every input token is in
 * exactly one of uncached text, cache read (text, audio or image), cache write (for minutes or for
 * an hour), uncached audio or uncached image input; every output token in exactly one of text,
 * reasoning, audio or image output.
 *
 * @param uncachedInput text input not read from or written to the cache
 * @param cacheRead text input read from the cache
 * @param cacheWrite input written to the cache for the default few minutes
 * @param audioInput audio input not read from the cache
 * @param imageInput image input not read from the cache
 * @param textOutput text output that is not reasoning
 * @param reasoning reasoning output
 * @param audioOutput audio output
 * @param imageOutput image output
 * @param cacheWrite1h input written to the cache for an hour
 * @param audioCacheRead audio input read from the cache
 * @param imageCacheRead image input read from the cache
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
    long imageOutput,
    long cacheWrite1h,
    long audioCacheRead,
    long imageCacheRead) {

  /**
   * Splits an inclusive {@link Usage} into buckets.
   *
   * @return the buckets, or null when the input or output total is unknown
   * @throws IllegalArgumentException when parts add up to more than what holds them
   */
  public static @Nullable UsageBuckets of(Usage usage) {
    Long input = usage.inputTokens();
    Long output = usage.outputTokens();
    if (input == null || output == null) {
      return null;
    }
    long cacheRead = nz(usage.cacheReadTokens());
    long audioCacheRead = nz(usage.audioCacheReadTokens());
    long imageCacheRead = nz(usage.imageCacheReadTokens());
    long cacheWrite = nz(usage.cacheWriteTokens());
    long cacheWrite1h = nz(usage.cacheWrite1hTokens());
    long audioIn = nz(usage.audioInputTokens());
    long imageIn = nz(usage.imageInputTokens());
    long textCacheRead = cacheRead - audioCacheRead - imageCacheRead;
    check(textCacheRead, "cached audio and image input add up to more than the cache reads", usage);
    check(cacheWrite - cacheWrite1h, "one-hour cache writes are more than the cache writes", usage);
    check(audioIn - audioCacheRead, "cached audio input is more than the audio input", usage);
    check(imageIn - imageCacheRead, "cached image input is more than the image input", usage);
    long uncachedAudio = audioIn - audioCacheRead;
    long uncachedImage = imageIn - imageCacheRead;
    long uncached = input - cacheRead - cacheWrite - uncachedAudio - uncachedImage;
    check(uncached, "cached, audio and image input add up to more than the input", usage);
    long reasoning = nz(usage.reasoningTokens());
    long audioOut = nz(usage.audioOutputTokens());
    long imageOut = nz(usage.imageOutputTokens());
    long text = output - reasoning - audioOut - imageOut;
    check(text, "reasoning, audio and image output add up to more than the output", usage);
    return new UsageBuckets(
        uncached,
        textCacheRead,
        cacheWrite - cacheWrite1h,
        uncachedAudio,
        uncachedImage,
        text,
        reasoning,
        audioOut,
        imageOut,
        cacheWrite1h,
        audioCacheRead,
        imageCacheRead);
  }

  private static void check(long remainder, String message, Usage usage) {
    if (remainder < 0) {
      throw new IllegalArgumentException(message + ": " + usage);
    }
  }

  private static long nz(@Nullable Long v) {
    return v == null ? 0 : v;
  }
}
