package dev.genvault.openai;

import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonEncodingException;
import com.squareup.moshi.JsonReader;
import com.squareup.moshi.JsonWriter;
import dev.genvault.ErrorType;
import dev.genvault.ProviderException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import okio.Buffer;
import okio.BufferedSink;
import okio.BufferedSource;
import org.jspecify.annotations.Nullable;

/**
 * The JSON steps every codec shares: reading a document with the client's error rules, lenient
 * scalar reads, writing a body, and writing JSON the caller gave as text after checking it.
 */
final class Json {
  private Json() {}

  /** Reads one JSON document. */
  interface Parse {
    void parse(JsonReader reader) throws IOException;
  }

  /** Writes one JSON document. */
  interface Body {
    void write(JsonWriter writer) throws IOException;
  }

  /**
   * Parses JSON; malformed JSON is an invalid response naming where it came from, a body over the
   * limit is an invalid response, and a read that timed out is a timeout.
   */
  static void read(BufferedSource source, String where, Parse parse) throws IOException {
    try (JsonReader reader = JsonReader.of(source)) {
      parse.parse(reader);
    } catch (JsonEncodingException | JsonDataException | IllegalStateException | EOFException e) {
      // EOFException: the JSON stopped in the middle (a truncated event or body).
      throw new ProviderException(
          ErrorType.INVALID_RESPONSE,
          "malformed JSON in " + where + ": " + e.getMessage(),
          false,
          e);
    } catch (Transport.BodyTooLargeException e) {
      throw new ProviderException(ErrorType.INVALID_RESPONSE, e.getMessage(), false, e);
    } catch (InterruptedIOException e) {
      throw ErrorMapper.timeout("reading the response", e);
    }
  }

  /** A string, number or boolean as text; null for null; any other value is skipped as null. */
  static @Nullable String string(JsonReader r) throws IOException {
    JsonReader.Token token = r.peek();
    if (token == JsonReader.Token.NULL) {
      return r.nextNull();
    }
    if (token == JsonReader.Token.BOOLEAN) {
      return String.valueOf(r.nextBoolean());
    }
    if (token == JsonReader.Token.STRING || token == JsonReader.Token.NUMBER) {
      return r.nextString();
    }
    r.skipValue();
    return null;
  }

  /** Skips a null; true when the value was null (and is consumed). */
  static boolean skipNull(JsonReader r) throws IOException {
    if (r.peek() == JsonReader.Token.NULL) {
      r.nextNull();
      return true;
    }
    return false;
  }

  /** Skips the value unless it is of the given kind; true when it was skipped. */
  static boolean skipUnless(JsonReader r, JsonReader.Token kind) throws IOException {
    if (r.peek() != kind) {
      r.skipValue();
      return true;
    }
    return false;
  }

  /** The document the body writes, as text. */
  static String write(Body body) {
    Buffer buffer = new Buffer();
    try (JsonWriter w = JsonWriter.of(buffer)) {
      body.write(w);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return buffer.readUtf8();
  }

  /** Writes a member whose value the caller gave as JSON text, if there is one. */
  static void raw(JsonWriter w, String name, @Nullable String json) throws IOException {
    if (json != null) {
      w.name(name);
      rawValue(w, json);
    }
  }

  /**
   * Checks that JSON the caller gave as text is one JSON value (nothing to check for null).
   *
   * @throws IllegalArgumentException if it is not
   */
  static void check(@Nullable String json) {
    if (json == null) {
      return;
    }
    try (JsonReader check = JsonReader.of(new Buffer().writeUtf8(json))) {
      check.skipValue();
      if (check.peek() != JsonReader.Token.END_DOCUMENT) {
        throw new IllegalArgumentException("more than one JSON value: " + json);
      }
    } catch (JsonEncodingException | JsonDataException e) {
      throw new IllegalArgumentException("a request parameter is not valid JSON: " + json, e);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes a JSON document the caller gave as text, already {@linkplain #check checked}. */
  static void rawValue(JsonWriter w, String json) throws IOException {
    try (BufferedSink sink = w.valueSink()) {
      sink.writeUtf8(json);
    }
  }
}
