package dev.genvault.langchain4j;

import dev.genvault.ErrorType;
import dev.genvault.GenvaultException;
import dev.genvault.ProviderException;
import dev.langchain4j.exception.ContentFilteredException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.exception.TimeoutException;
import java.io.InterruptedIOException;
import java.net.http.HttpTimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * A wrapped model's failures, classified for the record, and given back to the caller as the model
 * threw them.
 */
final class Failures {
  private Failures() {}

  /**
   * What the generator records for a failure of the wrapped model: a {@link ProviderException} of
   * the matching {@link ErrorType}, caused by the model's own exception.
   */
  static ProviderException classified(Throwable failure) {
    if (failure instanceof GenvaultException g && g instanceof ProviderException p) {
      return p;
    }
    ErrorType type = ErrorType.PROVIDER_ERROR;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof RateLimitException) {
        type = ErrorType.RATE_LIMITED;
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
      if (t instanceof ContentFilteredException) {
        break;
      }
    }
    String message = failure.getMessage() == null ? failure.toString() : failure.getMessage();
    return new ProviderException(type, message, failure instanceof RetriableException, failure);
  }

  /**
   * What the caller gets: the wrapped model's own exception where the generation failed because of
   * it (so that LangChain4j's retries and an app's handlers see what they expect), else Genvault's.
   */
  static RuntimeException forCaller(RuntimeException genvault, @Nullable Throwable modelFailure) {
    if (modelFailure instanceof RuntimeException r) {
      for (Throwable t = genvault; t != null; t = t.getCause()) {
        if (t == modelFailure) {
          return r;
        }
      }
    }
    return genvault;
  }
}
