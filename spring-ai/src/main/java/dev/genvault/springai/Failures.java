package dev.genvault.springai;

import dev.genvault.ErrorType;
import dev.genvault.GenerationFailedException;
import dev.genvault.ProviderException;
import java.io.InterruptedIOException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * A wrapped model's failures, classified for the record, and given back to the caller as the model
 * threw them. Spring AI reports HTTP failures through its retry module's and Spring Web's exception
 * types, which this module does not depend on: they are recognised by name and message.
 */
final class Failures {
  private Failures() {}

  /** What the generator records: a {@link ProviderException} caused by the model's exception. */
  static ProviderException classified(Throwable failure) {
    if (failure instanceof ProviderException p) {
      return p;
    }
    ErrorType type = ErrorType.PROVIDER_ERROR;
    boolean retryable = false;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String name = t.getClass().getSimpleName();
      String message = String.valueOf(t.getMessage());
      retryable |= name.equals("TransientAiException");
      if (name.contains("TooManyRequests")
          || message.startsWith("HTTP 429")
          || message.startsWith("429")) {
        type = ErrorType.RATE_LIMITED;
        retryable = true;
        break;
      }
      if (t instanceof TimeoutException
          || t instanceof HttpTimeoutException
          || t instanceof InterruptedIOException) {
        type = ErrorType.TIMEOUT;
        break;
      }
      if (t instanceof com.fasterxml.jackson.core.JsonProcessingException) {
        type = ErrorType.INVALID_RESPONSE;
        break;
      }
    }
    String message = failure.getMessage() == null ? failure.toString() : failure.getMessage();
    return new ProviderException(type, message, retryable, failure);
  }

  /**
   * What the caller gets: the wrapped model's own exception where the generation failed because of
   * it, else Genvault's.
   */
  static Throwable forCaller(RuntimeException genvault, @Nullable Throwable modelFailure) {
    if (modelFailure == null) {
      return genvault;
    }
    if (genvault instanceof GenerationFailedException) {
      return modelFailure;
    }
    for (Throwable t = genvault; t != null; t = t.getCause()) {
      if (t == modelFailure) {
        return modelFailure;
      }
    }
    return genvault;
  }
}
