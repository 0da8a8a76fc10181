package dev.genvault;

import org.jspecify.annotations.Nullable;

/**
 * A {@link ModelClient} failed in a way it can classify. Any other exception a client throws is
 * recorded as {@link ErrorType#PROVIDER_ERROR}; this one sets the {@link #errorType()}, e.g. {@link
 * ErrorType#RATE_LIMITED} or {@link ErrorType#STREAM_INCOMPLETE}.
 */
public class ProviderException extends GenvaultException {
  private static final long serialVersionUID = 1L;

  private final ErrorType errorType;
  private final boolean retryable;

  /** A classified client failure. */
  public ProviderException(
      ErrorType errorType, String message, boolean retryable, @Nullable Throwable cause) {
    super(message, cause);
    this.errorType = errorType;
    this.retryable = retryable;
  }

  /** A non-retryable classified client failure. */
  public ProviderException(ErrorType errorType, String message) {
    this(errorType, message, false, null);
  }

  /** How the generation's row records this failure. */
  public ErrorType errorType() {
    return errorType;
  }

  @Override
  public boolean isRetryable() {
    return retryable;
  }
}
