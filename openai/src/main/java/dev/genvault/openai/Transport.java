package dev.genvault.openai;

import dev.genvault.ErrorType;
import dev.genvault.ProviderException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import okio.ForwardingSource;
import okio.Okio;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP exchange at a time on OkHttp, and the limits on what comes back: connect and idle
 * timeouts on the connection, a cap on the whole call, a cap on a body's bytes and on an
 * event-stream line. OkHttp's own silent retries and redirects are off: retries belong to {@link
 * RetryingTransport}, and a redirect would take the key and the prompt with it. Thread safe.
 */
final class Transport implements AutoCloseable {
  private final OkHttpClient http;
  private final boolean ownsHttp;
  private final Duration callTimeout;
  private final long maxBodyBytes;
  private final long maxLineBytes;

  /**
   * @param shared an OkHttpClient whose pools to share (it is not closed), or null for one of its
   *     own
   */
  Transport(
      @Nullable OkHttpClient shared,
      Duration connectTimeout,
      Duration idleTimeout,
      Duration callTimeout,
      long maxBodyBytes,
      long maxLineBytes) {
    this.ownsHttp = shared == null;
    this.http =
        (shared == null ? new OkHttpClient() : shared)
            .newBuilder()
            .connectTimeout(connectTimeout)
            .readTimeout(idleTimeout)
            .writeTimeout(idleTimeout)
            .callTimeout(Duration.ZERO)
            .retryOnConnectionFailure(false)
            .followRedirects(false) // a redirect would take the key and the prompt with it
            .followSslRedirects(false)
            .build();
    this.callTimeout = callTimeout;
    this.maxBodyBytes = maxBodyBytes;
    this.maxLineBytes = maxLineBytes;
  }

  /** The configured OkHttp client, for the image downloads that share its pools and timeouts. */
  OkHttpClient http() {
    return http;
  }

  /**
   * Runs one attempt, capped by the call timeout; the caller closes the response. {@code onCancel}
   * gets the action that aborts the call (a read blocked on the socket ignores interrupts).
   */
  Response execute(Request request, Consumer<Runnable> onCancel) throws IOException {
    Call call = http.newCall(request);
    call.timeout().timeout(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
    onCancel.accept(call::cancel);
    return call.execute();
  }

  /** The body, failing once more than the byte limit has been read. */
  BufferedSource limited(Response response) throws IOException {
    long limit = maxBodyBytes;
    return Okio.buffer(
        new ForwardingSource(body(response).source()) {
          long total;

          @Override
          public long read(Buffer sink, long byteCount) throws IOException {
            long n = super.read(sink, byteCount);
            if (n > 0) {
              total += n;
              if (total > limit) {
                throw new BodyTooLargeException(limit);
              }
            }
            return n;
          }
        });
  }

  /** The body as a stream of server-sent events, each line within the line limit. */
  EventStream events(Response response) throws IOException {
    return new EventStream(new SseReader(body(response).source(), maxLineBytes));
  }

  private static ResponseBody body(Response response) {
    ResponseBody body = response.body();
    if (body == null) {
      throw new ProviderException(ErrorType.INVALID_RESPONSE, "the response has no body");
    }
    return body;
  }

  /** A body over the limit: the response is not something to keep reading. */
  static final class BodyTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    BodyTooLargeException(long limit) {
      super("the response body is larger than " + limit + " bytes");
    }
  }

  /** Closes the HTTP pools this transport made; a shared {@link OkHttpClient} is left alone. */
  @Override
  public void close() {
    if (ownsHttp) {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }
}
