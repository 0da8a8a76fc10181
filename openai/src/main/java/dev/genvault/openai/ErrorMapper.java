package dev.genvault.openai;

import com.squareup.moshi.JsonReader;
import dev.genvault.ErrorType;
import dev.genvault.ProviderException;
import java.io.IOException;
import java.time.Duration;
import okhttp3.Headers;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import org.jspecify.annotations.Nullable;

/**
 * What went wrong, as the client reports it: an HTTP status and its error body become the {@link
 * OpenAiException} of that status; an {@code error} inside a successful body or stream event
 * becomes a {@link ProviderException}; a timed-out read a timeout. Secrets are removed later, by
 * the one {@link Redactor}, on the way out of the client.
 */
final class ErrorMapper {
  private static final int MAX_ERROR_BODY = 1024;
  private static final int MAX_ERROR_READ = 64 * 1024;

  private ErrorMapper() {}

  /** Whether a failed status may succeed if sent again; {@code x-should-retry} decides first. */
  static boolean retryable(int status, @Nullable String code, Headers headers) {
    String should = headers.get("x-should-retry");
    if ("true".equalsIgnoreCase(should)) {
      return true;
    }
    if ("false".equalsIgnoreCase(should)) {
      return false;
    }
    if (status == 429 && "insufficient_quota".equals(code)) {
      return false;
    }
    return status == 408 || status == 409 || status == 429 || status >= 500;
  }

  /** The failure a non-successful response stands for; the response is not closed. */
  static OpenAiException of(Response response, @Nullable Duration retryAfter) {
    int status = response.code();
    return status >= 300 && status < 400 ? redirect(response) : error(response, retryAfter);
  }

  /** A redirect from the API, never followed: it would take the key and the prompt along. */
  private static OpenAiException redirect(Response response) {
    String location = response.header("Location");
    return OpenAiException.of(
        response.code(),
        null,
        null,
        "the API answered with a redirect"
            + (location == null ? "" : " to " + location)
            + ", which is not followed (the key and the prompt would go with it);"
            + " set the base URL to where the API is",
        "",
        null,
        false);
  }

  private static OpenAiException error(Response response, @Nullable Duration retryAfter) {
    String text = "";
    try {
      ResponseBody body = response.body();
      if (body != null) {
        BufferedSource source = body.source();
        source.request(MAX_ERROR_READ);
        Buffer copy = source.getBuffer().clone();
        text = copy.readUtf8(Math.min(copy.size(), MAX_ERROR_READ));
      }
    } catch (IOException ignored) {
      // an unreadable error body: the status says enough
    }
    String type = null;
    String code = null;
    String message = null;
    try (JsonReader r = JsonReader.of(new Buffer().writeUtf8(text))) {
      r.setLenient(true);
      if (r.peek() == JsonReader.Token.BEGIN_OBJECT) {
        r.beginObject();
        while (r.hasNext()) {
          if (!r.nextName().equals("error")) {
            r.skipValue();
            continue;
          }
          if (r.peek() == JsonReader.Token.STRING) {
            message = r.nextString();
            continue;
          }
          r.beginObject();
          while (r.hasNext()) {
            switch (r.nextName()) {
              case "type" -> type = Json.string(r);
              case "code" ->
                  code =
                      r.peek() == JsonReader.Token.NUMBER
                          ? String.valueOf(r.nextLong())
                          : Json.string(r);
              case "message" -> message = Json.string(r);
              default -> r.skipValue();
            }
          }
          r.endObject();
        }
      }
    } catch (IOException | RuntimeException ignored) {
      // not JSON: the raw body is kept below
    }
    String body = text.length() > MAX_ERROR_BODY ? text.substring(0, MAX_ERROR_BODY) : text;
    boolean retryable = retryable(response.code(), code, response.headers());
    return OpenAiException.of(response.code(), type, code, message, body, retryAfter, retryable);
  }

  /**
   * An {@code error} field inside a successful body or stream event, object or string; null when it
   * is null.
   */
  static @Nullable ProviderException inBand(JsonReader r) throws IOException {
    if (Json.skipNull(r)) {
      return null;
    }
    if (r.peek() != JsonReader.Token.BEGIN_OBJECT) {
      return new ProviderException(ErrorType.PROVIDER_ERROR, "in-band error: " + Json.string(r));
    }
    String message = null;
    String type = null;
    String code = null;
    r.beginObject();
    while (r.hasNext()) {
      switch (r.nextName()) {
        case "message" -> message = Json.string(r);
        case "type" -> type = Json.string(r);
        case "code" -> code = Json.string(r);
        default -> r.skipValue();
      }
    }
    r.endObject();
    ErrorType errorType =
        "rate_limit_exceeded".equals(code) || "rate_limit_error".equals(type)
            ? ErrorType.RATE_LIMITED
            : ErrorType.PROVIDER_ERROR;
    return new ProviderException(
        errorType,
        "in-band error"
            + (type == null ? "" : " " + type)
            + (code == null ? "" : " (" + code + ")")
            + ": "
            + message);
  }

  /** An {@code error} event of the Responses API stream, by its top-level code and message. */
  static ProviderException errorEvent(@Nullable String code, @Nullable String message) {
    return new ProviderException(
        ErrorType.PROVIDER_ERROR,
        "in-band error"
            + (code == null ? "" : " (" + code + ")")
            + ": "
            + (message == null ? "(no message)" : message));
  }

  /** A read or call that ran out of time. */
  static ProviderException timeout(String what, IOException e) {
    return new ProviderException(
        ErrorType.TIMEOUT, "timed out " + what + ": " + e.getMessage(), true, e);
  }
}
