package dev.genvault.http;

import com.sun.net.httpserver.HttpExchange;
import dev.genvault.GenerationFailedException;
import dev.genvault.GenerationStream;
import dev.genvault.PersistentGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.NoSuchElementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A generation's text as Server-Sent Events: {@code delta} events, each with the text's length
 * after it as its ID, then {@code end} with the record, or {@code error} with the failed record, or
 * with a short error when the stream itself failed. Live while the generation runs, whole once it
 * is done. A client that has part of the text ({@code Last-Event-ID}, or {@code ?after=N}) gets the
 * rest only.
 */
final class EventStreamAnswer {
  private static final Logger log = LoggerFactory.getLogger(GenerationRoutes.class);

  private EventStreamAnswer() {}

  /** Streams generation {@code id}; 404 when it was deleted since its owner was read. */
  static void send(
      HttpExchange exchange,
      PersistentGenerator generator,
      String id,
      Visibility visibility,
      boolean head)
      throws IOException {
    if (head) {
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      exchange.sendResponseHeaders(200, -1);
      return;
    }
    GenerationStream stream;
    try {
      stream = generator.follow(id);
    } catch (NoSuchElementException deletedMeanwhile) {
      Answers.notFound(exchange, false);
      return;
    }
    try (stream) {
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      int skip = after(exchange);
      int offset = 0;
      try {
        for (String delta : stream) {
          int end = offset + delta.length();
          if (end > skip) {
            int from = offset >= skip ? 0 : skip - offset;
            if (from > 0 && Character.isLowSurrogate(delta.charAt(from))) {
              from--; // an offset inside a pair (a made-up one): the whole character again
            }
            String fresh = delta.substring(from);
            out.write(("id: " + end + "\n").getBytes(StandardCharsets.UTF_8));
            event(out, "delta", RecordJsonView.textJson(fresh));
          }
          offset = end;
        }
        event(out, "end", RecordJsonView.json(stream.result(), visibility, exchange));
      } catch (GenerationFailedException e) {
        event(out, "error", RecordJsonView.json(stream.result(), visibility, exchange));
      } catch (RuntimeException e) {
        log.warn("streaming {} failed", exchange.getRequestURI().getRawPath(), e);
        event(out, "error", Answers.errorJson(Answers.isOutage(e)));
      }
    }
  }

  /**
   * How much of the text the client has: the {@code Last-Event-ID} a reconnecting EventSource sends
   * (each delta's ID is the text's length after it), else the {@code after} query parameter (a page
   * that showed the stored text), else 0.
   */
  static int after(HttpExchange exchange) {
    String last = exchange.getRequestHeaders().getFirst("Last-Event-ID");
    if (last == null) {
      String query = exchange.getRequestURI().getRawQuery();
      if (query != null) {
        for (String pair : query.split("&")) {
          if (pair.startsWith("after=")) {
            last = pair.substring("after=".length());
          }
        }
      }
    }
    if (last == null || last.isEmpty() || last.length() > 10) {
      return 0;
    }
    for (int i = 0; i < last.length(); i++) {
      if (last.charAt(i) < '0' || last.charAt(i) > '9') {
        return 0;
      }
    }
    long n = Long.parseLong(last);
    return n > Integer.MAX_VALUE ? 0 : (int) n;
  }

  private static void event(OutputStream out, String name, String data) throws IOException {
    out.write(("event: " + name + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
