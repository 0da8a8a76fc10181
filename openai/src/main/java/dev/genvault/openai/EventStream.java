package dev.genvault.openai;

import dev.genvault.ErrorType;
import dev.genvault.ProviderException;
import java.io.IOException;
import java.io.InterruptedIOException;
import okio.Buffer;

/**
 * The JSON events of a streamed answer: read until {@code [DONE]}, the end of the stream, or the
 * answer says it is done; each event's JSON goes to the codec's parser, and the first failure the
 * parser records ends the stream. Not thread safe.
 */
final class EventStream {
  private final SseReader events;

  EventStream(SseReader events) {
    this.events = events;
  }

  /**
   * Reads the events into the answer.
   *
   * @return how many events were parsed
   * @throws ProviderException {@code invalid_response} for a line over the limit or malformed JSON,
   *     {@code timeout} for silence over the idle timeout, {@code stream_incomplete} for a broken
   *     stream, or the failure the parser recorded
   */
  int read(Answer answer, Json.Parse parser) throws IOException {
    int index = 0;
    try {
      SseReader.Event event;
      while (!answer.done && (event = events.next()) != null) {
        if (event.data().equals("[DONE]")) {
          answer.done = true;
          break;
        }
        if (event.data().isEmpty()) {
          continue;
        }
        Json.read(new Buffer().writeUtf8(event.data()), "event " + index++, parser);
        if (answer.error != null) {
          throw answer.error;
        }
      }
      return index;
    } catch (SseReader.LineTooLongException e) {
      throw new ProviderException(ErrorType.INVALID_RESPONSE, e.getMessage(), false, e);
    } catch (InterruptedIOException e) {
      throw ErrorMapper.timeout("between stream events", e);
    } catch (IOException e) {
      throw new ProviderException(
          ErrorType.STREAM_INCOMPLETE,
          "the stream broke after " + index + " events: " + e,
          false,
          e);
    }
  }
}
