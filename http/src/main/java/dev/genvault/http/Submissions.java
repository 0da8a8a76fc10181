package dev.genvault.http;

import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonReader;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import dev.genvault.BudgetExceededException;
import dev.genvault.GenerationRequest;
import dev.genvault.Message;
import dev.genvault.ModelClient;
import dev.genvault.PersistenceException;
import dev.genvault.PersistentGenerator;
import dev.genvault.UnpricedModelException;
import dev.genvault.internal.RecordJson;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import okio.Buffer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Generate, then redirect: {@code POST /generate} or {@code /chat} with a form or JSON body starts
 * a generation through {@link PersistentGenerator#submit} and answers {@code 303 See Other} to its
 * page at once; the generation goes on if the browser leaves. {@code GET /generate} is a small
 * form. Cross-site posts are refused (Sec-Fetch-Site, Origin), bodies are capped, and refusals are
 * a status with a short message.
 */
final class Submissions {
  private static final Logger log = LoggerFactory.getLogger(GenerationRoutes.class);
  private static final String TEXT = "text/plain; charset=utf-8";

  private final PersistentGenerator generator;
  private final SubmissionPolicy policy;
  private final ModelClient client;
  private final int maxBytes;
  private final Set<String> allowedOrigins;

  Submissions(
      PersistentGenerator generator,
      SubmissionPolicy policy,
      ModelClient client,
      int maxBytes,
      Set<String> allowedOrigins) {
    this.generator = generator;
    this.policy = policy;
    this.client = client;
    this.maxBytes = maxBytes;
    this.allowedOrigins = Set.copyOf(allowedOrigins);
  }

  /**
   * An origin as browsers send it ({@code https://host[:port]}): in lower case, without a default
   * port (80 for http, 443 for https).
   *
   * @throws IllegalArgumentException for anything else
   */
  static String origin(String origin) {
    URI uri;
    try {
      uri = new URI(origin);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not an origin: " + origin, e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https"))
        || uri.getHost() == null
        || uri.getRawUserInfo() != null
        || !(uri.getRawPath() == null || uri.getRawPath().isEmpty())
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "an origin is a scheme, a host and an optional port, like https://app.example.com: "
              + origin);
    }
    int port = uri.getPort();
    boolean defaultPort = port == (scheme.equals("http") ? 80 : 443);
    if (port == -1 && origin.endsWith(":")) {
      throw new IllegalArgumentException("an origin's port is a number: " + origin);
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    return scheme + "://" + host + (port == -1 || defaultPort ? "" : ":" + port);
  }

  /** Whether a path is a submission route: {@code /generate} or {@code /chat}, without an ID. */
  static boolean isRoute(String path) {
    return path.equals("/generate") || path.equals("/chat");
  }

  /** The form page ({@code GET /generate} or {@code /chat}). */
  static void form(HttpExchange exchange, String path, boolean head, String nav)
      throws IOException {
    String route = path.substring(1);
    String page =
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            + "<title>New generation</title><link rel=\"stylesheet\" href=\"."
            + PageAssets.path("genvault.css")
            + "\"></head>\n<body><main>"
            + nav
            + "<h1>New generation</h1>"
            + "<form method=\"post\" action=\""
            + route
            + "\" class=\"submit\"><p><label>Model <input name=\"model\" value=\"\"></label></p>"
            + "<p><label>Prompt<br><textarea name=\"prompt\" rows=\"6\" cols=\"60\" required>"
            + "</textarea></label></p><p><button type=\"submit\">Generate</button></p></form>"
            + "</main></body></html>\n";
    exchange.getResponseHeaders().set("Content-Security-Policy", GenerationPage.CSP);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    Answers.send(exchange, 200, GenerationPage.HTML, page, head);
  }

  /** Handles a post to {@code path}; everything it answers is short and says nothing internal. */
  void post(HttpExchange exchange, String path) throws IOException {
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    if (!sameOrigin(exchange.getRequestHeaders(), allowedOrigins)) {
      Answers.send(exchange, 403, TEXT, "cross-site posts are refused\n", false);
      return;
    }
    byte[] body;
    try {
      body = readCapped(exchange);
    } catch (IllegalArgumentException e) {
      Answers.send(exchange, 400, TEXT, "malformed request: " + e.getMessage() + "\n", false);
      return;
    }
    if (body == null) {
      Answers.send(exchange, 413, TEXT, "the request is over " + maxBytes + " bytes\n", false);
      return;
    }
    String route = path.substring(1);
    Submission submission;
    try {
      submission = parse(exchange.getRequestHeaders().getFirst("Content-Type"), body, route);
    } catch (IllegalArgumentException e) {
      Answers.send(exchange, 400, TEXT, "malformed request: " + e.getMessage() + "\n", false);
      return;
    } catch (IOException | JsonDataException e) {
      // The parser's own words name its paths and types: not for the caller.
      Answers.send(
          exchange,
          400,
          TEXT,
          "malformed request: not JSON of the expected shape ({\"prompt\": \"...\"} or"
              + " {\"messages\": [{\"role\": \"...\", \"content\": \"...\"}]})\n",
          false);
      return;
    }
    String id;
    try {
      GenerationRequest request = policy.request(exchange, submission);
      if (request == null) {
        throw new SubmissionRefusedException(400, "not allowed");
      }
      id = generator.submit(request, client);
    } catch (SubmissionRefusedException e) {
      e.retryAfter()
          .ifPresent(
              wait -> {
                long seconds = wait.getSeconds();
                if (wait.getNano() > 0 && seconds < Long.MAX_VALUE) {
                  seconds++; // whole seconds, rounded up
                }
                exchange.getResponseHeaders().set("Retry-After", Long.toString(seconds));
              });
      Answers.send(
          exchange,
          e.status(),
          TEXT,
          (e.getMessage() == null ? "refused" : e.getMessage()) + "\n",
          false);
      return;
    } catch (IllegalArgumentException e) {
      Answers.send(
          exchange,
          400,
          TEXT,
          (e.getMessage() == null ? "not valid" : e.getMessage()) + "\n",
          false);
      return;
    } catch (BudgetExceededException e) {
      if (e.requested().compareTo(e.limit()) > 0) {
        // No period will ever hold it: asking again is no use.
        Answers.send(
            exchange,
            403,
            TEXT,
            "over budget: the request may cost more than the whole budget\n",
            false);
        return;
      }
      long wait =
          Math.max(1, java.time.Duration.between(Instant.now(), e.resetsAt()).toSeconds() + 1);
      exchange.getResponseHeaders().set("Retry-After", Long.toString(wait));
      Answers.send(
          exchange,
          429,
          TEXT,
          "over budget (" + e.budget() + ") until " + e.resetsAt() + "\n",
          false);
      return;
    } catch (UnpricedModelException e) {
      // A setting of the app's to fix, not an outage to wait out.
      log.warn("a submission was refused: {}", e.getMessage());
      Answers.send(exchange, 500, TEXT, "this model cannot be used under a budget\n", false);
      return;
    } catch (PersistenceException | IllegalStateException e) {
      log.warn("a submission could not start: {}", e.toString());
      Answers.send(exchange, 503, TEXT, "unavailable, try again\n", false);
      return;
    }
    // Relative to the posted path, so it works under any context path: /generate -> generate/{id}.
    exchange.getResponseHeaders().set("Location", route + "/" + id);
    Answers.send(exchange, 303, Answers.JSON, "{\"id\":\"" + id + "\"}", false);
  }

  /**
   * Whether the post comes from a page of this origin (or from no browser at all): a browser says
   * where a post comes from in {@code Sec-Fetch-Site} and {@code Origin}. An origin in {@code
   * allowed} may post, whatever the browser calls its site; any other must be this one: the browser
   * says {@code same-origin} (or {@code none}) and the origin names the request's {@code Host}.
   */
  static boolean sameOrigin(Headers headers, Set<String> allowed) {
    String origin = headers.getFirst("Origin");
    if (origin != null && !allowed.isEmpty()) {
      try {
        if (allowed.contains(origin(origin))) {
          return true; // whatever the browser thinks of the site: the app allows it
        }
      } catch (IllegalArgumentException e) {
        return false; // "null" and other opaque origins
      }
    }
    String site = headers.getFirst("Sec-Fetch-Site");
    if (site != null && !site.equals("same-origin") && !site.equals("none")) {
      return false;
    }
    if (origin == null) {
      return true;
    }
    String host = headers.getFirst("Host");
    try {
      URI o = URI.create(origin);
      return o.getRawAuthority() != null
          && host != null
          && o.getRawAuthority().toLowerCase(Locale.ROOT).equals(host.toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return false; // "null" and other opaque origins
    }
  }

  /** The body, or null when it is over the cap. */
  private byte @Nullable [] readCapped(HttpExchange exchange) throws IOException {
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    if (length != null) {
      long declared;
      try {
        declared = Long.parseLong(length.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("a Content-Length that is not a number");
      }
      if (declared > maxBytes) {
        return null;
      }
    }
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(maxBytes + 1);
      return body.length > maxBytes ? null : body;
    }
  }

  private static Submission parse(@Nullable String contentType, byte[] body, String route)
      throws IOException {
    String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
    Map<String, String> fields = new LinkedHashMap<>();
    List<Message> messages = new ArrayList<>();
    if (type.startsWith("application/x-www-form-urlencoded")) {
      fields.putAll(FormFields.decode(new String(body, StandardCharsets.UTF_8)));
    } else if (type.startsWith("application/json")) {
      JsonReader r = JsonReader.of(new Buffer().write(body));
      r.beginObject();
      while (r.hasNext()) {
        String name = r.nextName();
        if (name.equals("messages")) {
          messages.addAll(RecordJson.messages(r));
        } else if (r.peek() == JsonReader.Token.STRING) {
          fields.put(name, r.nextString());
        } else {
          r.skipValue();
        }
      }
      r.endObject();
      if (r.peek() != JsonReader.Token.END_DOCUMENT) {
        throw new IllegalArgumentException("more after the JSON object");
      }
    } else {
      throw new IllegalArgumentException("send a form or JSON");
    }
    String model = blankToNull(fields.get("model"));
    String prompt = blankToNull(fields.get("prompt"));
    return new Submission(route, model, prompt, messages, fields);
  }

  private static @Nullable String blankToNull(@Nullable String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
