package dev.genvault.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.genvault.Generation;
import dev.genvault.GenerationOwner;
import dev.genvault.GenerationQuery;
import dev.genvault.GenerationUrls;
import dev.genvault.ModelClient;
import dev.genvault.Page;
import dev.genvault.PersistentGenerator;
import dev.genvault.spi.BlobStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves generations at their URLs:
 *
 * <ul>
 *   <li>{@code GET /generate/{id}}, {@code /chat/{id}}, {@code /image/{id}}: a small HTML page
 *       (model, status, usage, cost, the conversation, the answer, images or the error; everything
 *       generated shown as text; a live one fills in from its event stream through the module's
 *       script under {@code /assets/{hash}/}); with {@code Accept: application/json} the record as
 *       JSON, a chat's also listing its thread ({@code thread}): every turn of the conversation,
 *       oldest first, each with its status, cost, link and the messages it added, and the thread's
 *       totals;
 *   <li>the same with {@code Accept: text/event-stream}, or {@code .../{id}/events}: its text as
 *       Server-Sent Events ({@code delta} events, then {@code end} or {@code error}), live while it
 *       is generated and whole once it is finished;
 *   <li>{@code GET /image/{id}/{n}}: its {@code n}-th blob (a generated file);
 *   <li>with {@link Builder#submissions}: {@code POST /generate} or {@code /chat} starts a
 *       generation and answers {@code 303} to its page, and {@code GET /generate} is a form;
 *   <li>with {@link Builder#history}: {@code GET /generations}, the caller's generations and spend.
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
  private static final String CSP = "default-src 'none'; img-src 'self'; sandbox";

  private final PersistentGenerator generator;
  private final @Nullable BlobStore blobs;
  private final Authorizer authorizer;
  private final @Nullable Submissions submissions;
  private final @Nullable History history;
  private final @Nullable HttpServer server;
  private final @Nullable ExecutorService executor;

  private GenerationRoutes(
      Builder b, @Nullable HttpServer server, @Nullable ExecutorService executor) {
    this.generator = Objects.requireNonNull(b.generator);
    this.blobs = b.blobs;
    this.authorizer = Objects.requireNonNull(b.authorizer);
    this.submissions =
        b.policy == null
            ? null
            : new Submissions(
                generator, b.policy, Objects.requireNonNull(b.client), b.maxBytes, b.origins);
    this.history = b.callers == null ? null : new History(generator, b.callers, b.clock);
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
      exchange.getResponseHeaders().set("Referrer-Policy", "same-origin");
      boolean head = exchange.getRequestMethod().equals("HEAD");
      try {
        route(exchange, head);
      } catch (RuntimeException e) {
        log.warn("serving {} failed", exchange.getRequestURI().getRawPath(), e);
        if (exchange.getResponseCode() == -1) {
          Answers.failed(exchange, e, head);
        }
      }
    } catch (IOException e) {
      log.debug("a client went away: {}", e.toString());
    }
  }

  private void route(HttpExchange exchange, boolean head) throws IOException {
    String context = exchange.getHttpContext().getPath();
    String path = exchange.getRequestURI().getRawPath();
    if (!context.equals("/") && path.startsWith(context)) {
      path = path.substring(context.endsWith("/") ? context.length() - 1 : context.length());
    }
    String method = exchange.getRequestMethod();
    if (submissions != null && Submissions.isRoute(path)) {
      if (method.equals("POST")) {
        submissions.post(exchange, path);
      } else if (method.equals("GET") || head) {
        Submissions.form(exchange, path, head, GenerationPage.nav(".", history != null, true));
      } else {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD, POST");
        Answers.methodNotAllowed(exchange, head);
      }
      return;
    }
    if (!method.equals("GET") && !head) {
      Answers.methodNotAllowed(exchange, head);
      return;
    }
    if (history != null && path.equals(History.PATH)) {
      String nav = GenerationPage.nav(".", true, submissions != null);
      history.get(exchange, head, owner -> visibility(exchange, owner), nav);
      return;
    }
    if (PageAssets.isAsset(path)) {
      PageAssets.send(exchange, path, head);
      return;
    }
    Optional<GenerationUrls.Target> target = GenerationUrls.parse(path);
    if (target.isEmpty()) {
      Answers.notFound(exchange, head);
      return;
    }
    // Who owns it first (one cheap read), the record only once the caller may see it: unknown
    // and not visible take the same path.
    String id = target.get().id();
    if (path.endsWith("/") && !target.get().isBlob() && !target.get().events()) {
      // The page's links are relative to its path without the slash.
      exchange.getResponseHeaders().set("Location", "../" + id);
      Answers.send(exchange, 308, "text/plain; charset=utf-8", "moved\n", head);
      return;
    }
    Optional<GenerationOwner> owner = generator.owner(id);
    Visibility visibility = owner.isEmpty() ? Visibility.NONE : visibility(exchange, owner.get());
    if (visibility == Visibility.NONE) {
      Answers.notFound(exchange, head);
      return;
    }
    boolean blob = target.get().isBlob();
    String accept = String.valueOf(exchange.getRequestHeaders().getFirst("Accept"));
    if (target.get().events() || (!blob && accept.contains("text/event-stream"))) {
      // A stream is never kept: each request gets what follows its own offset.
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      if (!target.get().events()) {
        exchange.getResponseHeaders().add("Vary", "Accept");
      }
      EventStreamAnswer.send(exchange, generator, id, visibility, head);
      return;
    }
    Optional<Generation> found = generator.find(id);
    if (found.isEmpty()) {
      Answers.notFound(exchange, head);
    } else if (!blob) {
      Generation g = found.get();
      boolean wantsJson = accept.contains("application/json");
      exchange.getResponseHeaders().add("Vary", "Accept");
      if (!wantsJson) {
        // Also on a 304: a browser takes the headers of a 304 into the page it keeps.
        exchange.getResponseHeaders().set("Content-Security-Policy", GenerationPage.CSP);
      }
      // A finished generation may be kept by the browser, which asks again each time (the caller
      // may have changed) and gets a 304 while it is unchanged; a live one is never kept.
      // A chat's JSON lists its thread, which changes with later turns: asked again each time.
      boolean revalidated = g.isTerminal() && !(wantsJson && !g.request().messages().isEmpty());
      // A chat's page lists its thread's turns: its validator changes with them.
      RecordJsonView.ThreadTurns thread =
          g.request().messages().isEmpty() ? null : thread(exchange, g);
      if (revalidated) {
        String etag =
            "\""
                + g.id()
                + '.'
                + g.updatedAt().toEpochMilli()
                + '.'
                + visibility.name().charAt(0)
                + (wantsJson ? "j" : "h" + PageAssets.VERSION)
                + (thread == null ? "" : "." + Integer.toHexString(signature(thread)))
                + "\"";
        exchange.getResponseHeaders().set("Cache-Control", "private, no-cache");
        exchange.getResponseHeaders().set("ETag", etag);
        String seen = exchange.getRequestHeaders().getFirst("If-None-Match");
        if (seen != null && (seen.contains(etag) || seen.strip().equals("*"))) {
          exchange.sendResponseHeaders(304, -1);
          return;
        }
      } else {
        exchange
            .getResponseHeaders()
            .set("Cache-Control", g.isTerminal() ? "private, no-cache" : "no-store");
      }
      String nav = GenerationPage.nav("..", history != null, submissions != null);
      if (wantsJson) {
        String json = RecordJsonView.json(g, visibility, exchange, thread);
        Answers.send(exchange, 200, Answers.JSON, json, head);
      } else {
        Answers.send(
            exchange,
            200,
            GenerationPage.HTML,
            GenerationPage.html(g, visibility, nav, thread),
            head);
      }
    } else {
      BlobAnswer.send(exchange, blobs, found.get(), target.get().blob(), head);
    }
  }

  /** What a thread's turns are now: changes when a turn is added, ends or is removed. */
  private static int signature(RecordJsonView.ThreadTurns thread) {
    int h = thread.more() ? 1 : 0;
    for (ThreadJsonView.Turn t : thread.turns()) {
      h = 31 * h + t.generation().id().hashCode();
      h = 31 * h + Long.hashCode(t.generation().updatedAt().toEpochMilli());
    }
    return h;
  }

  /**
   * The turns of a chat generation's thread that the caller may see, oldest first: one query for
   * the newest {@link ThreadJsonView#MAX_TURNS}.
   */
  private RecordJsonView.ThreadTurns thread(HttpExchange exchange, Generation g) {
    Page<Generation> page =
        generator.list(
            GenerationQuery.builder()
                .threadId(g.threadId())
                .limit(ThreadJsonView.MAX_TURNS)
                .build());
    List<ThreadJsonView.Turn> turns = new ArrayList<>();
    for (Generation turn : page.items()) {
      Visibility v = visibility(exchange, GenerationOwner.of(turn));
      if (v != Visibility.NONE) {
        turns.add(new ThreadJsonView.Turn(turn, v));
      }
    }
    Collections.reverse(turns);
    return new RecordJsonView.ThreadTurns(turns, page.nextCursor() != null);
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

  /** The largest body of a post, by default: 64 KiB. */
  public static final int DEFAULT_MAX_SUBMISSION_BYTES = 64 * 1024;

  /** Builds {@link GenerationRoutes}; a generator and an authorizer are required. */
  public static final class Builder {
    private @Nullable PersistentGenerator generator;
    private @Nullable BlobStore blobs;
    private @Nullable Authorizer authorizer;
    private @Nullable SubmissionPolicy policy;
    private @Nullable ModelClient client;
    private int maxBytes = DEFAULT_MAX_SUBMISSION_BYTES;
    private final Set<String> origins = new LinkedHashSet<>();
    private Caller.@Nullable Resolver callers;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Turns on generate-then-redirect: {@code POST /generate} or {@code /chat} (a form or JSON)
     * asks {@code policy} what to generate, starts it on {@code client} and answers {@code 303} to
     * its page; {@code GET /generate} is a small form. Off by default (POST answers 405).
     */
    public Builder submissions(SubmissionPolicy policy, ModelClient client) {
      this.policy = Objects.requireNonNull(policy, "policy");
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * The largest body a post may have ({@value #DEFAULT_MAX_SUBMISSION_BYTES} bytes by default); a
     * larger one is answered 413 before it is read.
     */
    public Builder maxSubmissionBytes(int bytes) {
      if (bytes < 1 || bytes == Integer.MAX_VALUE) {
        throw new IllegalArgumentException("maxSubmissionBytes must be positive: " + bytes);
      }
      this.maxBytes = bytes;
      return this;
    }

    /**
     * Turns on the history: {@code GET /generations} lists the generations of the caller the
     * resolver names (its user, and its tenant when it has one), newest first, 50 a page, with
     * filters ({@code model}, {@code status}, {@code from} and {@code to} as UTC days, {@code
     * threads=1} for the last turn of each chat, {@code limit} up to 200, {@code cursor}), and the
     * spend of a range (the last 30 days by default, at most the last 366) by model and by day,
     * with a chart of daily spend; JSON for {@code Accept: application/json}. Each row is also
     * checked with the {@link Authorizer}; the spend, summed by the store, counts every generation
     * of the caller. Nobody signed in (the resolver answers null) is a 404; a bad filter a 400. Off
     * by default (404).
     */
    public Builder history(Caller.Resolver callers) {
      this.callers = Objects.requireNonNull(callers, "callers");
      return this;
    }

    /**
     * The routes' clock: which day is today, for the history's default range. The system's UTC
     * clock by default.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Origins whose pages may post to the submission routes besides the routes' own ({@code
     * https://app.example.com}), whatever the browser calls their site: for a proxy that changes
     * the {@code Host} header, so that the browser's {@code Origin} no longer names it, or for an
     * app on another origin. A post from any other site is refused with 403. Each call adds to the
     * list; without {@link #submissions} it has no effect.
     *
     * @throws IllegalArgumentException for a value that is not a scheme (http or https), a host and
     *     an optional port
     */
    public Builder allowedOrigins(String... origins) {
      Objects.requireNonNull(origins, "origins");
      for (String origin : origins) {
        this.origins.add(Submissions.origin(Objects.requireNonNull(origin, "origin")));
      }
      return this;
    }

    /** The generator whose records (and live streams) are served. Required. */
    public Builder generator(PersistentGenerator generator) {
      this.generator = Objects.requireNonNull(generator, "generator");
      return this;
    }

    /** Where the blobs are; without it, blob routes answer 404. */
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
