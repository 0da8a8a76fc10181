package dev.genvault.openai;

import dev.genvault.ErrorType;
import dev.genvault.ProviderException;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The OpenAI-compatible server answered with an error status. Subclasses name the status class;
 * each carries the status, the provider's error type, code and message, and at most 1 KiB of the
 * body with the API key removed. The key never appears in a message.
 */
public class OpenAiException extends ProviderException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final @Nullable String type;
  private final @Nullable String code;
  private final @Nullable String providerMessage;
  private final String body;
  private final @Nullable Duration retryAfter;

  OpenAiException(
      ErrorType errorType,
      boolean retryable,
      int status,
      @Nullable String type,
      @Nullable String code,
      @Nullable String providerMessage,
      String body,
      @Nullable Duration retryAfter) {
    super(
        errorType,
        "HTTP "
            + status
            + (type == null ? "" : " " + type)
            + (code == null ? "" : " (" + code + ")")
            + ": "
            + (providerMessage == null ? body : providerMessage),
        retryable,
        null);
    this.status = status;
    this.type = type;
    this.code = code;
    this.providerMessage = providerMessage;
    this.body = body;
    this.retryAfter = retryAfter;
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** The provider's error type, e.g. {@code invalid_request_error}. */
  public @Nullable String type() {
    return type;
  }

  /** The provider's error code, e.g. {@code insufficient_quota}. */
  public @Nullable String code() {
    return code;
  }

  /** The provider's message. */
  public @Nullable String providerMessage() {
    return providerMessage;
  }

  /** At most 1 KiB of the response body, with the API key removed. */
  public String body() {
    return body;
  }

  /** How long the server asked to wait before retrying, if it said. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  static OpenAiException of(
      int status,
      @Nullable String type,
      @Nullable String code,
      @Nullable String message,
      String body,
      @Nullable Duration retryAfter,
      boolean retryable) {
    if (status >= 300 && status < 400) {
      return new RedirectException(status, type, code, message, body);
    }
    if (status == 401) {
      return new AuthenticationException(status, type, code, message, body);
    }
    if (status == 403) {
      return new PermissionDeniedException(status, type, code, message, body);
    }
    if (status == 404) {
      return new NotFoundException(status, type, code, message, body);
    }
    if (status == 429) {
      return new RateLimitException(status, type, code, message, body, retryAfter, retryable);
    }
    if (status == 400 || status == 422) {
      return new BadRequestException(status, type, code, message, body);
    }
    if (status >= 500) {
      return new ServerException(status, type, code, message, body, retryAfter, retryable);
    }
    return new OpenAiException(
        ErrorType.PROVIDER_ERROR, retryable, status, type, code, message, body, retryAfter);
  }

  /** 401: the API key is missing, wrong or revoked. */
  public static final class AuthenticationException extends OpenAiException {
    private static final long serialVersionUID = 1L;

    AuthenticationException(
        int s, @Nullable String t, @Nullable String c, @Nullable String m, String b) {
      super(ErrorType.PROVIDER_ERROR, false, s, t, c, m, b, null);
    }
  }

  /** 403: the key may not use this model or resource. */
  public static final class PermissionDeniedException extends OpenAiException {
    private static final long serialVersionUID = 1L;

    PermissionDeniedException(
        int s, @Nullable String t, @Nullable String c, @Nullable String m, String b) {
      super(ErrorType.PROVIDER_ERROR, false, s, t, c, m, b, null);
    }
  }

  /** 404: no such model or endpoint at this base URL. */
  public static final class NotFoundException extends OpenAiException {
    private static final long serialVersionUID = 1L;

    NotFoundException(int s, @Nullable String t, @Nullable String c, @Nullable String m, String b) {
      super(ErrorType.PROVIDER_ERROR, false, s, t, c, m, b, null);
    }
  }

  /**
   * 429: too many requests, or (code {@code insufficient_quota}) no money left; see {@link
   * #retryAfter()}.
   */
  public static final class RateLimitException extends OpenAiException {
    private static final long serialVersionUID = 1L;

    RateLimitException(
        int s,
        @Nullable String t,
        @Nullable String c,
        @Nullable String m,
        String b,
        @Nullable Duration after,
        boolean retryable) {
      super(ErrorType.RATE_LIMITED, retryable, s, t, c, m, b, after);
    }
  }

  /** 400 or 422: the request was refused as it is. */
  public static final class BadRequestException extends OpenAiException {
    private static final long serialVersionUID = 1L;

    BadRequestException(
        int s, @Nullable String t, @Nullable String c, @Nullable String m, String b) {
      super(ErrorType.PROVIDER_ERROR, false, s, t, c, m, b, null);
    }
  }

  /** 5xx: the server failed. */
  public static final class ServerException extends OpenAiException {
    private static final long serialVersionUID = 1L;

    ServerException(
        int s,
        @Nullable String t,
        @Nullable String c,
        @Nullable String m,
        String b,
        @Nullable Duration after,
        boolean retryable) {
      super(ErrorType.PROVIDER_ERROR, retryable, s, t, c, m, b, after);
    }
  }

  /**
   * 3xx: the API answered with a redirect, which is never followed (the key and the prompt would go
   * with it); the base URL should name where the API really is.
   */
  public static final class RedirectException extends OpenAiException {
    private static final long serialVersionUID = 1L;

    RedirectException(int s, @Nullable String t, @Nullable String c, @Nullable String m, String b) {
      super(ErrorType.PROVIDER_ERROR, false, s, t, c, m, b, null);
    }
  }
}
