package dev.genvault;

import org.jspecify.annotations.Nullable;

/**
 * A store (generations, blobs) could not do what was asked. When thrown before a generation's row
 * was inserted, the provider has not been called and nothing was paid for.
 */
public class PersistenceException extends GenvaultException {
  private static final long serialVersionUID = 1L;

  private final boolean retryable;

  /** A store failure; {@code retryable} when the same write may succeed later (an outage). */
  public PersistenceException(
      String message, @Nullable String generationId, boolean retryable, @Nullable Throwable cause) {
    super(message, generationId, cause);
    this.retryable = retryable;
  }

  /** A retryable store failure about no particular generation. */
  public PersistenceException(String message, @Nullable Throwable cause) {
    this(message, null, true, cause);
  }

  @Override
  public boolean isRetryable() {
    return retryable;
  }
}
