package dev.genvault.openai;

import com.squareup.moshi.JsonReader;
import dev.genvault.ErrorType;
import dev.genvault.ModelCall;
import dev.genvault.ProviderException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.Base64;
import okio.BufferedSource;
import okio.ByteString;
import org.jspecify.annotations.Nullable;

/**
 * Decodes a base64 JSON string value into the blob store while it is read, so an image is never
 * whole in memory, as text or as bytes (a 25 MB {@code b64_json} value fits in a 64 MB heap). A
 * failure is the response's fault ({@code invalid_response}) when the text or its base64 was bad,
 * else the store's.
 */
final class Base64ImageDecoder {
  private Base64ImageDecoder() {}

  /** Stores the string value the reader is at, decoded, as one file of the content type. */
  static void store(JsonReader r, ModelCall call, String contentType) throws IOException {
    try (BufferedSource value = r.nextSource()) {
      FailureRecorder text = new FailureRecorder(new JsonStringInputStream(value));
      FailureRecorder decoded = new FailureRecorder(Base64.getDecoder().wrap(text));
      try (PushbackInputStream in = new PushbackInputStream(decoded)) {
        int first = in.read();
        if (first < 0) {
          throw new ProviderException(ErrorType.INVALID_RESPONSE, "an image's data is empty");
        }
        in.unread(first);
        call.storeBlob(contentType, in);
      } catch (IOException | RuntimeException e) {
        // The store reports any failure; if the response was at fault, say so.
        if (text.failure != null) {
          throw new ProviderException(
              ErrorType.INVALID_RESPONSE,
              "the image data could not be read: " + text.failure.getMessage(),
              false,
              text.failure);
        }
        if (decoded.failure != null) {
          throw new ProviderException(
              ErrorType.INVALID_RESPONSE,
              "an image's base64 data does not decode: " + decoded.failure.getMessage(),
              false,
              decoded.failure);
        }
        throw e;
      }
    }
  }

  /** Remembers the first failure of the stream it reads, whoever catches it. */
  private static final class FailureRecorder extends FilterInputStream {
    @Nullable IOException failure;

    FailureRecorder(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException e) {
        failure = failure == null ? e : failure;
        throw e;
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (IOException e) {
        failure = failure == null ? e : failure;
        throw e;
      }
    }
  }

  /** The bytes of a JSON string value as raw text: quotes dropped, {@code \/} unescaped. */
  private static final class JsonStringInputStream extends InputStream {
    private static final ByteString QUOTE_OR_ESCAPE = ByteString.encodeUtf8("\"\\");

    private final BufferedSource source;
    private boolean started;
    private boolean ended;

    JsonStringInputStream(BufferedSource source) {
      this.source = source;
    }

    @Override
    public int read() throws IOException {
      while (!ended) {
        if (source.exhausted()) {
          ended = true;
          break;
        }
        int b = source.readByte() & 0xff;
        if (!started) {
          started = true;
          if (b == '"') {
            continue;
          }
        }
        if (b == '"') {
          ended = true;
          break;
        }
        if (b == '\\') {
          int next = source.readByte() & 0xff;
          if (next == '/' || next == '\\') {
            return next;
          }
          if (next == 'n' || next == 'r') {
            continue; // line breaks inside base64 are ignorable
          }
          throw new IOException("unexpected escape \\" + (char) next + " inside base64 image data");
        }
        return b;
      }
      return -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      int n = 0;
      while (n < len) {
        // Fast path: copy plain bytes up to the next quote or backslash.
        if (started && !ended) {
          long stop = source.indexOfElement(QUOTE_OR_ESCAPE);
          long available = stop >= 0 ? stop : source.getBuffer().size();
          if (available > 0) {
            int chunk = (int) Math.min(available, len - n);
            n += source.read(b, off + n, chunk);
            continue;
          }
        }
        int c = read();
        if (c < 0) {
          break;
        }
        b[off + n++] = (byte) c;
      }
      return n == 0 ? -1 : n;
    }
  }
}
