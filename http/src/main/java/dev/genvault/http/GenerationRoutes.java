package dev.genvault.http;

import com.squareup.moshi.JsonWriter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.genvault.BlobRef;
import dev.genvault.Cost;
import dev.genvault.Generation;
import dev.genvault.GenerationFailedException;
import dev.genvault.GenerationOwner;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationStream;
import dev.genvault.Message;
import dev.genvault.PersistenceException;
import dev.genvault.PersistentGenerator;
import dev.genvault.Usage;
import dev.genvault.internal.RecordJson;
import dev.genvault.spi.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okio.Buffer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves generations at their URLs:
 *
 * <ul>
 *   <li>{@code GET /generate/{id}}, {@code /chat/{id}}, {@code /image/{id}}: the record as JSON;
 *   <li>the same with {@code Accept: text/event-stream}, or {@code .../{id}/events}: its text as
 *       Server-Sent Events ({@code delta} events, then {@code end} or {@code error}), live while it
 *       is generated and whole once it is finished;
 *   <li>{@code GET /image/{id}/{n}}: its {@code n}-th file.
 * </ul>
 *
 * <p>An {@link Authorizer}, required, decides who sees what and how much ({@link Visibility}) from
 * the owner of a generation alone, before its record is read; anything not visible, like anything
 * unknown, is 404. The {@link Visibility#PUBLIC} view leaves out the system prompt, metadata, user
 * and tenant IDs and the source of a cached copy. A failing authorizer is a 404; a store outage a
 * 503 and any other failure a 500, with a short JSON error and nothing of the failure itself. Files
 * get their content type from their bytes: PNG, JPEG, GIF and WebP are shown inline, anything else
 * is an attachment. Every answer carries {@code X-Content-Type-Options: nosniff} and a {@code
 * Content-Security-Policy} that allows nothing to run.
 *
 * <pre>{@code
 * try (GenerationRoutes routes = GenerationRoutes.builder()
 *         .generator(genvault).blobs(blobs).authorizer(myAuthorizer)
 *         .start(new InetSocketAddress("127.0.0.1", 8080))) { ... }
 * }</pre>
 *
 * Or mount {@link #handler()} on an {@link HttpServer} of your own. Thread safe.
 */
public final class GenerationRoutes implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GenerationRoutes.class);
  private static final Pattern PATH =
      Pattern.compile(
          "^/(generate|chat|image|audio)/([A-Za-z0-9_-]{1,64})(?:/(events|\\d{1,4}))?/?$");
  private static final String CSP = "default-src 'none'; img-src 'self'; sandbox";

  private final PersistentGenerator generator;
  private final @Nullable BlobStore blobs;
  private final Authorizer authorizer;
  private final @Nullable HttpServer server;
  private final @Nullable ExecutorService executor;

  private GenerationRoutes(
      Builder b, @Nullable HttpServer server, @Nullable ExecutorService executor) {
    this.generator = Objects.requireNonNull(b.generator);
    this.blobs = b.blobs;
    this.authorizer = Objects.requireNonNull(b.authorizer);
    this.server = server;
    this.executor = executor;
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The handler, to mount at any context path of your own server. */
  public HttpHandler handler() {
    return this::handle;
  }

  /** Where the server this object started listens, if it started one. */
  public Optional<InetSocketAddress> address() {
    return server == null ? Optional.empty() : Optional.of(server.getAddress());
  }

  /** Stops the server this object started (live event streams are cut), if any. */
  @Override
  public void close() {
    if (server != null) {
      server.stop(0);
    }
    if (executor != null) {
      executor.shutdownNow();
      try {
        executor.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void handle(HttpExchange exchange) {
    try (exchange) {
      exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
      exchange.getResponseHeaders().set("Content-Security-Policy", CSP);
      exchange.getResponseHeaders().set("Cache-Control", "private, no-cache");
      boolean head = exchange.getRequestMethod().equals("HEAD");
      try {
        route(exchange, head);
      } catch (RuntimeException e) {
        log.warn("serving {} failed", exchange.getRequestURI().getRawPath(), e);
        if (exchange.getResponseCode() == -1) {
          failed(exchange, e, head);
        }
      }
    } catch (IOException e) {
      log.debug("a client went away: {}", e.toString());
    }
  }

  private void route(HttpExchange exchange, boolean head) throws IOException {
    if (!exchange.getRequestMethod().equals("GET") && !head) {
      exchange.getResponseHeaders().set("Allow", "GET, HEAD");
      send(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n", head);
      return;
    }
    String context = exchange.getHttpContext().getPath();
    String path = exchange.getRequestURI().getRawPath();
    if (!context.equals("/") && path.startsWith(context)) {
      path = path.substring(context.endsWith("/") ? context.length() - 1 : context.length());
    }
    Matcher m = PATH.matcher(path);
    if (!m.matches()) {
      notFound(exchange, head);
      return;
    }
    // Who owns it first (one cheap read), the record only once the caller may see it: unknown
    // and not visible take the same path.
    String id = m.group(2);
    Optional<GenerationOwner> owner = generator.owner(id);
    Visibility visibility = owner.isEmpty() ? Visibility.NONE : visibility(exchange, owner.get());
    if (visibility == Visibility.NONE) {
      notFound(exchange, head);
      return;
    }
    String tail = m.group(3);
    String accept = String.valueOf(exchange.getRequestHeaders().getFirst("Accept"));
    if ("events".equals(tail) || (tail == null && accept.contains("text/event-stream"))) {
      events(exchange, id, visibility, head);
      return;
    }
    Optional<Generation> found = generator.find(id);
    if (found.isEmpty()) {
      notFound(exchange, head);
    } else if (tail == null) {
      String json = json(found.get(), visibility, exchange);
      send(exchange, 200, "application/json; charset=utf-8", json, head);
    } else {
      file(exchange, found.get(), Integer.parseInt(tail), head);
    }
  }

  /** Asks the authorizer; one that throws (or answers null) has said no, and is logged. */
  private Visibility visibility(HttpExchange exchange, GenerationOwner owner) {
    try {
      Visibility visibility = authorizer.visibility(exchange, owner);
      if (visibility == null) {
        log.warn("the Authorizer answered null on {}", exchange.getRequestURI().getRawPath());
        return Visibility.NONE;
      }
      return visibility;
    } catch (RuntimeException e) {
      log.warn(
          "the Authorizer failed on {}; answered 404", exchange.getRequestURI().getRawPath(), e);
      return Visibility.NONE;
    }
  }

  /** The answer to a failure before anything was sent: no message, no trace, only its class. */
  private static void failed(HttpExchange exchange, RuntimeException e, boolean head)
      throws IOException {
    boolean outage = isOutage(e);
    send(exchange, outage ? 503 : 500, "application/json; charset=utf-8", errorJson(outage), head);
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

  private static String errorJson(boolean outage) {
    return outage ? "{\"error\":\"unavailable\"}" : "{\"error\":\"internal error\"}";
  }

  private static void notFound(HttpExchange exchange, boolean head) throws IOException {
    send(exchange, 404, "text/plain; charset=utf-8", "not found\n", head);
  }

  private static void send(
      HttpExchange exchange, int status, String type, String body, boolean head)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      exchange.getResponseBody().write(bytes);
    }
  }

  private void events(HttpExchange exchange, String id, Visibility visibility, boolean head)
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
      notFound(exchange, false);
      return;
    }
    try (stream) {
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      try {
        for (String piece : stream) {
          event(out, "delta", textJson(piece));
        }
        event(out, "end", json(stream.result(), visibility, exchange));
      } catch (GenerationFailedException e) {
        event(out, "error", json(stream.result(), visibility, exchange));
      } catch (RuntimeException e) {
        log.warn("streaming {} failed", exchange.getRequestURI().getRawPath(), e);
        event(out, "error", errorJson(isOutage(e)));
      }
    }
  }

  private static void event(OutputStream out, String name, String data) throws IOException {
    out.write(("event: " + name + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private void file(HttpExchange exchange, Generation g, int n, boolean head) throws IOException {
    if (blobs == null || n >= g.blobs().size()) {
      notFound(exchange, head);
      return;
    }
    BlobRef ref = g.blobs().get(n);
    Optional<InputStream> opened = blobs.open(ref.key());
    if (opened.isEmpty()) {
      notFound(exchange, head);
      return;
    }
    try (PushbackInputStream in = new PushbackInputStream(opened.get(), 12)) {
      byte[] magic = new byte[12];
      int read = in.readNBytes(magic, 0, magic.length);
      in.unread(magic, 0, read);
      String sniffed = sniff(magic, read);
      if (sniffed != null) {
        exchange.getResponseHeaders().set("Content-Type", sniffed);
        exchange.getResponseHeaders().set("Content-Disposition", "inline");
      } else {
        exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
        exchange
            .getResponseHeaders()
            .set("Content-Disposition", "attachment; filename=\"" + g.id() + "-" + n + ".bin\"");
      }
      exchange.sendResponseHeaders(200, head ? -1 : ref.size());
      if (!head) {
        in.transferTo(exchange.getResponseBody());
      }
    }
  }

  /** The content type of a raster image from its first bytes, or null for anything else. */
  static @Nullable String sniff(byte[] b, int n) {
    if (n >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
      return "image/png";
    }
    if (n >= 3 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8 && (b[2] & 0xff) == 0xFF) {
      return "image/jpeg";
    }
    if (n >= 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8') {
      return "image/gif";
    }
    if (n >= 12
        && b[0] == 'R'
        && b[1] == 'I'
        && b[2] == 'F'
        && b[3] == 'F'
        && b[8] == 'W'
        && b[9] == 'E'
        && b[10] == 'B'
        && b[11] == 'P') {
      return "image/webp";
    }
    return null;
  }

  private static String textJson(String text) throws IOException {
    Buffer buffer = new Buffer();
    try (JsonWriter w = JsonWriter.of(buffer)) {
      w.beginObject().name("text").value(text).endObject();
    }
    return buffer.readUtf8();
  }

  /** The record as JSON in a caller's view; files by their route, not their storage key. */
  private String json(Generation g, Visibility visibility, HttpExchange exchange)
      throws IOException {
    boolean full = visibility == Visibility.FULL;
    String base = exchange.getHttpContext().getPath();
    base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    Buffer buffer = new Buffer();
    try (JsonWriter w = JsonWriter.of(buffer)) {
      w.setSerializeNulls(false);
      w.beginObject();
      w.name("id").value(g.id());
      w.name("kind").value(g.kind().wireName());
      w.name("status").value(g.status().wireName());
      w.name("model").value(g.model());
      w.name("provider").value(g.provider());
      w.name("providerModel").value(g.providerModel());
      w.name("text").value(g.text());
      w.name("finishReason").value(g.finishReason());
      if (g.errorType() != null) {
        w.name("errorType").value(g.errorType().wireName());
        w.name("errorMessage").value(g.errorMessage());
      }
      Usage usage = g.usage();
      if (usage != null) {
        w.name("usage");
        try (okio.BufferedSink sink = w.valueSink()) {
          sink.writeUtf8(RecordJson.usage(usage));
        }
      }
      Cost cost = g.cost();
      if (cost != null) {
        w.name("cost")
            .beginObject()
            .name("usd")
            .value(cost.usd().toPlainString())
            .name("priceTable")
            .value(cost.source().id())
            .endObject();
      }
      if (g.savedCost() != null) {
        w.name("savedCostUsd").value(g.savedCost().toPlainString());
      }
      if (full) {
        w.name("cachedFrom").value(g.cachedFrom());
      }
      if (g.toolCalls() != null) {
        w.name("toolCalls");
        try (okio.BufferedSink sink = w.valueSink()) {
          sink.writeUtf8(g.toolCalls());
        }
      }
      if (!g.attributes().isEmpty()) {
        w.name("attributes").beginObject();
        for (Map.Entry<String, String> e : g.attributes().entrySet()) {
          w.name(e.getKey()).value(e.getValue());
        }
        w.endObject();
      }
      if (!g.blobs().isEmpty()) {
        w.name("files").beginArray();
        for (int n = 0; n < g.blobs().size(); n++) {
          BlobRef b = g.blobs().get(n);
          w.beginObject()
              .name("url")
              .value(base + "/image/" + g.id() + "/" + n)
              .name("contentType")
              .value(b.contentType())
              .name("size")
              .value(b.size())
              .name("sha256")
              .value(b.sha256())
              .endObject();
        }
        w.endArray();
      }
      w.name("request");
      if (full) {
        try (okio.BufferedSink sink = w.valueSink()) {
          sink.writeUtf8(RecordJson.request(g.request()));
        }
      } else {
        publicRequest(w, g.request());
      }
      w.name("createdAt").value(g.createdAt().toString());
      if (g.firstTokenAt() != null) {
        w.name("firstTokenAt").value(g.firstTokenAt().toString());
      }
      if (g.completedAt() != null) {
        w.name("completedAt").value(g.completedAt().toString());
      }
      w.endObject();
    }
    return buffer.readUtf8();
  }

  /**
   * The request as {@link Visibility#PUBLIC} shows it: kind, model, prompt and the messages other
   * than system and developer ones. Named fields only, so a field added later is not shown.
   */
  private static void publicRequest(JsonWriter w, GenerationRequest r) throws IOException {
    w.beginObject();
    w.name("kind").value(r.kind().wireName());
    w.name("model").value(r.model());
    w.name("prompt").value(r.prompt());
    if (!r.messages().isEmpty()) {
      w.name("messages").beginArray();
      for (Message m : r.messages()) {
        if (!m.role().equals("system") && !m.role().equals("developer")) {
          w.beginObject().name("role").value(m.role()).name("content").value(m.content());
          w.endObject();
        }
      }
      w.endArray();
    }
    w.endObject();
  }

  /** Builds {@link GenerationRoutes}; a generator and an authorizer are required. */
  public static final class Builder {
    private @Nullable PersistentGenerator generator;
    private @Nullable BlobStore blobs;
    private @Nullable Authorizer authorizer;

    private Builder() {}

    /** The generator whose records (and live streams) are served. Required. */
    public Builder generator(PersistentGenerator generator) {
      this.generator = Objects.requireNonNull(generator, "generator");
      return this;
    }

    /** Where the files are; without it, file routes answer 404. */
    public Builder blobs(BlobStore blobs) {
      this.blobs = Objects.requireNonNull(blobs, "blobs");
      return this;
    }

    /**
     * Who may see what, and how much. Required: there is no default, so that nothing is served to
     * everyone by accident; {@link Authorizer#allowAll()} serves everything to everyone.
     */
    public Builder authorizer(Authorizer authorizer) {
      this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
      return this;
    }

    /** Routes to mount with {@link #handler()} on a server of your own. */
    public GenerationRoutes build() {
      check();
      return new GenerationRoutes(this, null, null);
    }

    /**
     * Starts a server of its own at the address (port 0 for any free one), serving at {@code /}.
     * Each request runs on a thread of a pool the routes own; {@link #close()} stops both. Set
     * {@code -Dsun.net.httpserver.nodelay=true} for low latency.
     */
    public GenerationRoutes start(InetSocketAddress address) throws IOException {
      check();
      HttpServer server = HttpServer.create(address, 0);
      AtomicInteger n = new AtomicInteger();
      ExecutorService executor =
          Executors.newCachedThreadPool(
              r -> {
                Thread t = new Thread(r, "genvault-http-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      GenerationRoutes routes = new GenerationRoutes(this, server, executor);
      server.createContext("/", routes.handler());
      server.setExecutor(executor);
      server.start();
      return routes;
    }

    private void check() {
      if (generator == null) {
        throw new IllegalStateException("a PersistentGenerator is required");
      }
      if (authorizer == null) {
        throw new IllegalStateException(
            "no Authorizer: configure one with authorizer(...) to decide who sees which"
                + " generation, or choose Authorizer.allowAll() explicitly to show every"
                + " generation in full to everyone");
      }
    }
  }
}
