package dev.genvault.http;

import com.sun.net.httpserver.HttpExchange;
import dev.genvault.PersistenceException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Whole answers with a body, and the short answers to failures: nothing of the failure itself. */
final class Answers {
  static final String JSON = "application/json; charset=utf-8";
  private static final String TEXT = "text/plain; charset=utf-8";

  private Answers() {}

  /** Sends {@code body} whole with a status and content type; HEAD gets the headers only. */
  static void send(HttpExchange exchange, int status, String type, String body, boolean head)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      exchange.getResponseBody().write(bytes);
    }
  }

  /** The one answer to unknown, not visible and malformed alike. */
  static void notFound(HttpExchange exchange, boolean head) throws IOException {
    send(exchange, 404, TEXT, "not found\n", head);
  }

  /** The answer to a method other than GET and HEAD. */
  static void methodNotAllowed(HttpExchange exchange, boolean head) throws IOException {
    if (!exchange.getResponseHeaders().containsKey("Allow")) {
      exchange.getResponseHeaders().set("Allow", "GET, HEAD");
    }
    send(exchange, 405, TEXT, "method not allowed\n", head);
  }

  /** The answer to a failure before anything was sent: no message, no trace, only its class. */
  static void failed(HttpExchange exchange, RuntimeException e, boolean head) throws IOException {
    boolean outage = isOutage(e);
    send(exchange, outage ? 503 : 500, JSON, errorJson(outage), head);
  }

  /** Whether a failure is a store outage: a {@link PersistenceException} or caused by one. */
  static boolean isOutage(Throwable e) {
    Throwable t = e;
    for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
      if (t instanceof PersistenceException) {
        return true;
      }
    }
    return false;
  }

  /** The body of a failure's answer or error event: unavailable for an outage, else internal. */
  static String errorJson(boolean outage) {
    return outage ? "{\"error\":\"unavailable\"}" : "{\"error\":\"internal error\"}";
  }
}
