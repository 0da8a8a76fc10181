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
 * A generation's text as Server-Sent Events: {@code delta} events, then {@code end} with the
 * record, or {@code error} with the failed record, or with a short error when the stream itself
 * failed. Live while the generation runs, whole once it is done.
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
      try {
        for (String delta : stream) {
          event(out, "delta", RecordJsonView.textJson(delta));
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

  private static void event(OutputStream out, String name, String data) throws IOException {
    out.write(("event: " + name + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
