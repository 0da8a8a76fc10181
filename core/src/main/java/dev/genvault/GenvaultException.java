package dev.genvault;

import org.jspecify.annotations.Nullable;

/**
 * The root of every exception Genvault throws (besides {@link IllegalArgumentException} for bad
 * input and {@link IllegalStateException} for misuse). Unchecked; the cause is always kept.
 */
public class GenvaultException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final @Nullable String generationId;

  /** An exception about the generation with the given ID (or none). */
  public GenvaultException(
      String message, @Nullable String generationId, @Nullable Throwable cause) {
    super(message, cause);
    this.generationId = generationId;
  }

  /** An exception about no particular generation. */
  public GenvaultException(String message, @Nullable Throwable cause) {
    this(message, null, cause);
  }

  /** The ID of the generation this is about, or null when none had been made yet. */
  public @Nullable String generationId() {
    return generationId;
  }

  /** Whether trying the same thing again may succeed. False unless a subclass says otherwise. */
  public boolean isRetryable() {
    return false;
  }
}
