package dev.genvault.examples;

import com.sun.net.httpserver.HttpServer;
import dev.genvault.DemoModel;
import dev.genvault.GenerationRequest;
import dev.genvault.ModelClient;
import dev.genvault.PersistentGenerator;
import dev.genvault.http.Caller;
import dev.genvault.http.GenerationRoutes;
import dev.genvault.http.Visibility;
import dev.genvault.jdbc.JdbcDedupCache;
import dev.genvault.jdbc.JdbcGenerationStore;
import dev.genvault.openai.OpenAiClient;
import dev.genvault.spi.BlobStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The pages on embedded defaults: the routes on {@code 127.0.0.1:8080} (or {@code
 * GENVAULT_HTTP_PORT}), generations and the dedup cache in {@code ./genvault.db} (or {@code
 * GENVAULT_DB}), files in {@code ./genvault-data/blobs}, and the offline demo model (or, with
 * {@code OPENAI_API_KEY}, {@code GENVAULT_MODEL} at OpenAI). Open {@code /generate}, post a prompt
 * and watch the answer stream; refresh mid-stream and it goes on; {@code /generations} lists them
 * with their spend. One local user, {@code local}, owns everything: this listens on loopback only.
 */
public final class ServeGenerations implements AutoCloseable {
  /** The one user of this local server. */
  static final String USER = "local";

  private final JdbcGenerationStore store;
  private final PersistentGenerator genvault;
  private final GenerationRoutes routes;
  private final HttpServer server;
  private final ModelClient model;

  private ServeGenerations(Map<String, String> env) throws IOException {
    int port = Integer.parseInt(env.getOrDefault("GENVAULT_HTTP_PORT", "8080"));
    Path data = Path.of(env.getOrDefault("GENVAULT_DATA", "genvault-data"));
    String apiKey = env.get("OPENAI_API_KEY");
    String modelName;
    if (apiKey == null || apiKey.isBlank()) {
      model = DemoModel.create();
      modelName = DemoModel.MODEL;
    } else {
      OpenAiClient.Builder openAi = OpenAiClient.builder().apiKey(apiKey);
      if (env.get("OPENAI_BASE_URL") != null) {
        openAi.baseUrl(env.get("OPENAI_BASE_URL"));
      }
      model = openAi.build();
      modelName = env.getOrDefault("GENVAULT_MODEL", "gpt-4o-mini");
    }
    store = Quickstart.openStore(env.get("GENVAULT_DB"));
    BlobStore blobs = BlobStore.filesystem(data.resolve("blobs"));
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    if (port == 0) { // the base URL needs the port: take one that was free a moment ago
      try (java.net.ServerSocket probe =
          new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        address = new InetSocketAddress(InetAddress.getLoopbackAddress(), probe.getLocalPort());
      }
    }
    genvault =
        PersistentGenerator.builder()
            .store(store)
            .blobs(blobs)
            .cache(JdbcDedupCache.create(store))
            .costCalculator(Quickstart.prices()) // the demo model priced as in the quick start
            .baseUrl("http://127.0.0.1:" + address.getPort())
            .build();
    routes =
        GenerationRoutes.builder()
            .generator(genvault)
            .blobs(blobs)
            // One local user sees all of theirs; nothing else exists here.
            .authorizer(
                (exchange, owner) ->
                    USER.equals(owner.userId()) ? Visibility.FULL : Visibility.NONE)
            // The server, not the form, picks the model: the caller gives the prompt only.
            .submissions(
                (exchange, posted) ->
                    GenerationRequest.builder()
                        .model(modelName)
                        .prompt(posted.prompt())
                        .userId(USER)
                        .build(),
                model)
            // The history at /generations: everything here is the local user's.
            .history(exchange -> Caller.user(USER))
            .build();
    // Loopback only, and only for loopback names: a page elsewhere that rebinds its own name to
    // 127.0.0.1 (DNS rebinding) sends its own name as Host and is refused.
    int boundPort = address.getPort();
    java.util.Set<String> hosts =
        java.util.Set.of("127.0.0.1:" + boundPort, "localhost:" + boundPort, "[::1]:" + boundPort);
    server = HttpServer.create(address, 0);
    server.createContext(
        "/",
        exchange -> {
          java.util.List<String> host = exchange.getRequestHeaders().get("Host");
          String target = exchange.getRequestURI().getRawAuthority(); // GET http://host/... form
          if (host == null
              || host.size() != 1
              || !hosts.contains(host.get(0).toLowerCase(java.util.Locale.ROOT))
              || (target != null && !hosts.contains(target.toLowerCase(java.util.Locale.ROOT)))) {
            byte[] refused = "this server answers 127.0.0.1 and localhost only\n".getBytes();
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            exchange.sendResponseHeaders(421, refused.length);
            exchange.getResponseBody().write(refused);
            exchange.close();
            return;
          }
          routes.handler().handle(exchange);
        });
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
  }

  /** Starts the server as the environment says. */
  static ServeGenerations start(Map<String, String> env) throws IOException {
    return new ServeGenerations(env);
  }

  /** Where the form is. */
  String formUrl() {
    return genvault.urls().base() + "/generate";
  }

  /** Serves until the process is stopped. */
  public static void main(String[] args) throws Exception {
    ServeGenerations server = start(System.getenv());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                }));
    System.out.println("Open " + server.formUrl() + " to generate (Ctrl-C stops)");
    stopped.await();
  }

  /** Stops the routes, drains the generator, closes the model client and the store. */
  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    routes.close();
    genvault.close();
    if (model instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        // closing anyway
      }
    }
    store.close();
  }
}
