package dev.genvault.openai;

import dev.genvault.ErrorType;
import dev.genvault.ProviderException;
import dev.genvault.Sleeper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import okhttp3.Headers;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * The retry policy around a {@link Transport}: sends a request again after a failure that may pass
 * (see {@link ErrorMapper#retryable}), waiting through the injected {@link Sleeper} as long as the
 * server asks (up to a cap) or by backoff; returns a successful response or throws what the last
 * attempt failed with. Server-given dates are read against the injected {@link Clock}. Each attempt
 * is shown to the listener, redacted. A response that has been returned is never sent again, so a
 * started stream is never replayed. Thread safe.
 */
final class RetryingTransport {
  private final Transport transport;
  private final String baseUrl;
  private final int maxRetries;
  private final Duration maxRetryAfter;
  private final Sleeper sleeper;
  private final Clock clock;
  private final OpenAiClient.AttemptListener listener;
  private final Redactor redactor;

  RetryingTransport(
      Transport transport,
      String baseUrl,
      int maxRetries,
      Duration maxRetryAfter,
      Sleeper sleeper,
      Clock clock,
      OpenAiClient.AttemptListener listener,
      Redactor redactor) {
    this.transport = transport;
    this.baseUrl = baseUrl;
    this.maxRetries = maxRetries;
    this.maxRetryAfter = maxRetryAfter;
    this.sleeper = sleeper;
    this.clock = clock;
    this.listener = listener;
    this.redactor = redactor;
  }

  /**
   * Sends the request with the retry policy; returns a successful response (the caller closes).
   * Each attempt's call is handed to {@code onCancel} as an action that aborts it, from any thread.
   */
  Response execute(Request request, Consumer<Runnable> onCancel) throws IOException {
    // Set when the generation is cancelled: no attempt follows, interrupt flag or not.
    AtomicBoolean cancelled = new AtomicBoolean();
    Consumer<Runnable> tracked =
        abort ->
            onCancel.accept(
                () -> {
                  cancelled.set(true);
                  abort.run();
                });
    for (int attempt = 1; ; attempt++) {
      Response response;
      try {
        response = transport.execute(request, tracked);
      } catch (IOException e) {
        boolean timedOut = e instanceof InterruptedIOException;
        boolean retry =
            !timedOut
                && attempt <= maxRetries
                && !Thread.currentThread().isInterrupted()
                && !cancelled.get();
        Duration wait = retry ? backoff(attempt) : null;
        listener.attempt(attempt, null, wait, redactor.scrub(e));
        if (!retry) {
          if (timedOut) {
            throw ErrorMapper.timeout("waiting for the response", e);
          }
          throw new ProviderException(
              ErrorType.PROVIDER_ERROR, "cannot reach " + baseUrl + ": " + e, true, e);
        }
        sleep(wait);
        continue;
      }
      if (response.isSuccessful()) {
        listener.attempt(attempt, response.code(), null, null);
        return response;
      }
      OpenAiException error;
      Duration retryAfter;
      try (response) {
        retryAfter = retryAfter(response.headers(), clock);
        error = ErrorMapper.of(response, retryAfter);
      }
      Duration wait = null;
      if (attempt <= maxRetries
          && !cancelled.get()
          && !(error instanceof OpenAiException.RedirectException)
          && ErrorMapper.retryable(response.code(), error.code(), response.headers())
          // a server that wants longer than we are willing to wait is not retried
          && (retryAfter == null || retryAfter.compareTo(maxRetryAfter) <= 0)) {
        wait = retryAfter != null ? retryAfter : backoff(attempt);
      }
      listener.attempt(attempt, response.code(), wait, redactor.scrub(error));
      if (wait == null) {
        throw error;
      }
      sleep(wait);
    }
  }

  /**
   * {@code retry-after-ms}, else {@code Retry-After} in seconds or as an HTTP date (the wait from
   * the clock's now to then, never negative); null when there is none that parses.
   */
  static @Nullable Duration retryAfter(Headers headers, Clock clock) {
    String ms = headers.get("retry-after-ms");
    if (ms != null) {
      try {
        double v = Double.parseDouble(ms.strip());
        if (v >= 0) {
          return Duration.ofNanos((long) (v * 1_000_000));
        }
      } catch (NumberFormatException ignored) {
        // fall through to Retry-After
      }
    }
    String after = headers.get("Retry-After");
    if (after == null) {
      return null;
    }
    try {
      double seconds = Double.parseDouble(after.strip());
      return seconds >= 0 ? Duration.ofMillis((long) (seconds * 1000)) : null;
    } catch (NumberFormatException e) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(after.strip(), DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = Duration.between(clock.instant(), at.toInstant());
        return d.isNegative() ? Duration.ZERO : d;
      } catch (DateTimeParseException ignored) {
        return null;
      }
    }
  }

  /** 0.5 s doubling per attempt up to 8 s, less up to a quarter at random (jitter). */
  static Duration backoff(int attempt) {
    long base = Math.min(8_000L, 500L << Math.min(attempt - 1, 10));
    double jitter = 1 - 0.25 * ThreadLocalRandom.current().nextDouble();
    return Duration.ofMillis((long) (base * jitter));
  }

  private void sleep(Duration wait) throws IOException {
    try {
      sleeper.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting to retry");
    }
  }
}
