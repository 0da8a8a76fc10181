package dev.genvault.openai;

import java.io.IOException;
import okio.Buffer;
import okio.BufferedSource;
import okio.ByteString;
import org.jspecify.annotations.Nullable;

/**
 * Reads Server-Sent Events as the HTML standard defines them: lines end with CRLF, LF or CR; a line
 * starting with {@code :} is a comment; {@code field: value} loses one leading space of its value;
 * {@code data} lines join with {@code \n}; an empty line dispatches the event (nothing if no data
 * arrived). Lines are cut on bytes and decoded whole, so a UTF-8 character split across network
 * reads is never broken. One difference from the standard, on purpose: a last event that the stream
 * ends without a blank line after is still delivered (many servers end that way).
 */
final class SseReader {
  private static final ByteString LINE_ENDS = ByteString.encodeUtf8("\r\n");

  /**
   * One event.
   *
   * @param event the {@code event:} field, or {@code message}
   * @param data the joined {@code data:} lines
   * @param id the last {@code id:} seen, or null
   */
  record Event(String event, String data, @Nullable String id) {}

  /** A line longer than the limit: the response is not something to keep reading. */
  static final class LineTooLongException extends IOException {
    private static final long serialVersionUID = 1L;

    LineTooLongException(long limit) {
      super("an event-stream line is longer than " + limit + " bytes");
    }
  }

  private final BufferedSource source;
  private final long maxLineBytes;
  private @Nullable String lastId;

  SseReader(BufferedSource source, long maxLineBytes) {
    this.source = source;
    this.maxLineBytes = maxLineBytes;
  }

  /** The next event, or null at the end of the stream. */
  @Nullable Event next() throws IOException {
    StringBuilder data = null;
    String event = null;
    while (true) {
      String line = readLine();
      if (line == null) {
        return data == null
            ? null
            : new Event(event == null ? "message" : event, trim(data), lastId);
      }
      if (line.isEmpty()) {
        if (data != null) {
          return new Event(event == null ? "message" : event, trim(data), lastId);
        }
        event = null;
        continue;
      }
      if (line.charAt(0) == ':') {
        continue; // a comment, e.g. a keep-alive
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      switch (field) {
        case "data" -> {
          if (data == null) {
            data = new StringBuilder();
          }
          data.append(value).append('\n');
        }
        case "event" -> event = value;
        case "id" -> {
          if (value.indexOf('\0') < 0) {
            lastId = value;
          }
        }
        default -> {
          // "retry" and unknown fields are ignored, as the standard says
        }
      }
    }
  }

  private static String trim(StringBuilder data) {
    return data.length() > 0 ? data.substring(0, data.length() - 1) : "";
  }

  /** A line without its terminator, or null at the end of the stream. */
  private @Nullable String readLine() throws IOException {
    Buffer buffer = source.getBuffer();
    long scanned = 0;
    while (true) {
      long end = buffer.indexOfElement(LINE_ENDS, scanned);
      if (end >= 0) {
        if (end > maxLineBytes) {
          throw new LineTooLongException(maxLineBytes);
        }
        String line = buffer.readUtf8(end);
        byte terminator = buffer.readByte();
        if (terminator == '\r' && source.request(1) && buffer.getByte(0) == '\n') {
          buffer.skip(1);
        }
        return line;
      }
      scanned = buffer.size();
      if (scanned > maxLineBytes) {
        throw new LineTooLongException(maxLineBytes);
      }
      if (!source.request(scanned + 1)) {
        return scanned == 0 ? null : buffer.readUtf8();
      }
    }
  }
}
