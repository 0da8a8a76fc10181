package dev.genvault.examples;

import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.genvault.DemoModel;
import dev.genvault.GenerationRequest;
import dev.genvault.ModelClient;
import dev.genvault.PersistentGenerator;
import dev.genvault.http.Authorizer;
import dev.genvault.http.GenerationRoutes;
import dev.genvault.jdbc.JdbcDedupCache;
import dev.genvault.jdbc.JdbcGenerationStore;
import dev.genvault.openai.OpenAiClient;
import dev.genvault.redis.RedisDedupCache;
import dev.genvault.s3.S3BlobStore;
import dev.genvault.spi.BlobStore;
import dev.genvault.spi.DedupCache;
import dev.genvault.spi.GenerationStore;
import dev.genvault.spi.GroupCommitStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The production setup in one file: PostgreSQL through a HikariCP pool, files in S3 (or MinIO, R2,
 * any S3-compatible store), the dedup cache in Redis or in the database, the OpenAI-compatible
 * client, and the HTTP routes behind an {@link Authorizer} that shows each user their own
 * generations only. Each server the environment does not name is started embedded on 127.0.0.1
 * ({@link EmbeddedServers}), so it runs on a machine with only a JDK; what those hold is gone when
 * it stops.
 *
 * <p>The environment (all optional):
 *
 * <ul>
 *   <li>{@code GENVAULT_DB_URL} ({@code jdbc:postgresql://host:5432/db}), {@code GENVAULT_DB_USER},
 *       {@code GENVAULT_DB_PASSWORD}, {@code GENVAULT_DB_POOL_SIZE} (10), {@code
 *       GENVAULT_DB_CONNECT_TIMEOUT} (seconds, 5: how long a caller waits for a connection before
 *       it is told the database is down, and the provider is not called) and {@code
 *       GENVAULT_DB_SOCKET_TIMEOUT} (seconds, 30: a frozen connection fails after it);
 *   <li>{@code GENVAULT_S3_BUCKET}, {@code GENVAULT_S3_ENDPOINT} (for MinIO, R2 and the like: path
 *       style, checksums only where required), {@code AWS_REGION} (us-east-1) and the AWS default
 *       credentials ({@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}, {@code
 *       AWS_SESSION_TOKEN}, else the AWS default chain: profiles, roles);
 *   <li>{@code GENVAULT_CACHE}: {@code redis} (the default), {@code database} (a table beside the
 *       generations) or {@code none}; {@code GENVAULT_REDIS_URL} ({@code redis://host:6379}) and
 *       {@code GENVAULT_CACHE_TIMEOUT} (milliseconds, 250: the most a Redis outage adds to a
 *       generation);
 *   <li>{@code OPENAI_API_KEY} (without it, the offline {@link DemoModel}), {@code
 *       OPENAI_BASE_URL}, {@code GENVAULT_MODEL} (the model {@link #main} asks, gpt-4o-mini),
 *       {@code GENVAULT_OPENAI_IDLE_TIMEOUT} (seconds, 120: a stream silent that long fails as
 *       {@code timeout});
 *   <li>{@code GENVAULT_HTTP_HOST} (127.0.0.1), {@code GENVAULT_HTTP_PORT} (8080; 0 takes a free
 *       one), {@code GENVAULT_BASE_URL} (the URL the routes are reached at) and {@code
 *       GENVAULT_USER_TOKENS} ({@code alice=token1,bob=token2}: a request with {@code
 *       Authorization: Bearer token1} is alice's; each sees their own history at {@code
 *       /generations});
 *   <li>{@code GENVAULT_PRICES_URL} (a genai-prices {@code data.json}: an https URL or a file path;
 *       without it, the bundled table) and {@code GENVAULT_PRICES_REFRESH_HOURS} (6);
 *   <li>{@code GENVAULT_BUDGET_USER_DAY} and {@code GENVAULT_BUDGET_TENANT_MONTH} (dollars: a limit
 *       per user and day, per tenant and month, counted in the database) and {@code
 *       GENVAULT_BUDGET_ZONE} (UTC: where a day starts).
 * </ul>
 */
public final class ProductionWiring implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProductionWiring.class);

  /** The bucket made in the embedded S3 server. */
  static final String EMBEDDED_BUCKET = "genvault";

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private PersistentGenerator genvault;
  private ModelClient model;
  private GenerationRoutes routes;
  private HikariDataSource pool;
  private JdbcGenerationStore store;
  private BlobStore blobs;
  private DedupCache cache;
  private String baseUrl;

  private ProductionWiring() {}

  /** Starts everything as the process environment says, serves until the process is stopped. */
  public static void main(String[] args) throws InterruptedException {
    ProductionWiring app = start(System.getenv(), builder -> {});
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  app.close(); // drains the generations in flight, then closes the pool
                  stopped.countDown();
                }));
    System.out.println("Genvault routes at " + app.baseUrl() + " (Ctrl-C stops)");
    // One generation to look at, for the first user with a token.
    Map<String, String> env = System.getenv();
    String first = BearerTokens.parse(env.get("GENVAULT_USER_TOKENS")).firstUser();
    if (first != null) {
      String model =
          blank(env.get("OPENAI_API_KEY"))
              ? DemoModel.MODEL
              : env.getOrDefault("GENVAULT_MODEL", "gpt-4o-mini");
      String id =
          app.generator()
              .submit(
                  GenerationRequest.builder()
                      .model(model)
                      .prompt("Write a haiku about durable storage")
                      .userId(first)
                      .build(),
                  app.model());
      System.out.println(
          "A generation of "
              + first
              + ": curl -H 'Accept: application/json' -H 'Authorization: Bearer <"
              + first
              + "'s token>' "
              + app.baseUrl()
              + "/generate/"
              + id);
    }
    stopped.await();
  }

  /**
   * Starts the stack the environment describes. {@code customize} sees the generator's builder
   * after the wiring set its store, blobs, cache and base URL, for settings of its own (lease,
   * timeouts, listener); each setting of the builder can be set once.
   *
   * @throws IllegalArgumentException if a setting is malformed
   */
  public static ProductionWiring start(
      Map<String, String> env, Consumer<PersistentGenerator.Builder> customize) {
    ProductionWiring app = new ProductionWiring();
    try {
      app.wire(env, customize);
      return app;
    } catch (IOException e) {
      app.close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      app.close();
      throw e;
    }
  }

  private void wire(Map<String, String> env, Consumer<PersistentGenerator.Builder> customize)
      throws IOException {
    // 0. Settings that are wrong fail here, before any server starts.
    String cacheKind = env.getOrDefault("GENVAULT_CACHE", "redis").strip().toLowerCase(Locale.ROOT);
    if (!List.of("redis", "database", "none").contains(cacheKind)) {
      throw new IllegalArgumentException(
          "GENVAULT_CACHE is " + cacheKind + "; it takes redis, database or none");
    }
    if (blank(env.get("GENVAULT_S3_BUCKET")) && !blank(env.get("GENVAULT_S3_ENDPOINT"))) {
      throw new IllegalArgumentException(
          "GENVAULT_S3_ENDPOINT is set but GENVAULT_S3_BUCKET is not: name the bucket");
    }
    BearerTokens users = BearerTokens.parse(env.get("GENVAULT_USER_TOKENS"));
    String host = env.getOrDefault("GENVAULT_HTTP_HOST", "127.0.0.1");
    InetSocketAddress address =
        new InetSocketAddress(host, number(env, "GENVAULT_HTTP_PORT", 8080));
    String configuredBase = env.get("GENVAULT_BASE_URL");
    if (blank(configuredBase) && address.getAddress().isAnyLocalAddress()) {
      throw new IllegalArgumentException(
          "GENVAULT_HTTP_HOST " + host + " listens on every address: set GENVAULT_BASE_URL");
    }
    int poolSize = number(env, "GENVAULT_DB_POOL_SIZE", 10);
    int connectTimeout = number(env, "GENVAULT_DB_CONNECT_TIMEOUT", 5);
    int socketTimeout = number(env, "GENVAULT_DB_SOCKET_TIMEOUT", 30);
    Duration cacheTimeout = Duration.ofMillis(number(env, "GENVAULT_CACHE_TIMEOUT", 250));
    Duration idleTimeout = Duration.ofSeconds(number(env, "GENVAULT_OPENAI_IDLE_TIMEOUT", 120));
    CostSettings costs = CostSettings.parse(env);

    // 1. PostgreSQL, pooled. The pool's timeouts bound how long a database outage holds a caller.
    HikariConfig db = new HikariConfig();
    String url = env.get("GENVAULT_DB_URL");
    if (blank(url)) {
      log.warn("GENVAULT_DB_URL is not set: starting an embedded PostgreSQL, gone when this stops");
      EmbeddedPostgres server = own(EmbeddedServers.postgres());
      url = server.getJdbcUrl("postgres", "postgres");
      db.setUsername("postgres");
    } else if (!url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "GENVAULT_DB_URL must be a jdbc:postgresql://host:5432/db URL, with the user and password"
              + " in GENVAULT_DB_USER and GENVAULT_DB_PASSWORD");
    } else {
      db.setUsername(env.get("GENVAULT_DB_USER"));
      db.setPassword(env.get("GENVAULT_DB_PASSWORD"));
    }
    db.setJdbcUrl(url);
    db.setPoolName("genvault");
    db.setMaximumPoolSize(poolSize);
    db.setConnectionTimeout(Duration.ofSeconds(connectTimeout).toMillis());
    db.addDataSourceProperty("connectTimeout", String.valueOf(connectTimeout));
    db.addDataSourceProperty("socketTimeout", String.valueOf(socketTimeout));
    db.addDataSourceProperty("tcpKeepAlive", "true");
    db.addDataSourceProperty("reWriteBatchedInserts", "true");
    db.addDataSourceProperty("ApplicationName", "genvault");
    // The pool starts even when the database cannot be reached; the store's schema check just
    // below still needs it, so a database that is down at start fails the start.
    db.setInitializationFailTimeout(-1);
    pool = own(new HikariDataSource(db));
    store = own(JdbcGenerationStore.create(pool));

    // 2. Files in S3 (or the embedded S3Proxy).
    S3ClientBuilder s3 =
        S3Client.builder()
            .region(Region.of(env.getOrDefault("AWS_REGION", "us-east-1")))
            .overrideConfiguration(
                o ->
                    o.retryStrategy(RetryMode.STANDARD)
                        .apiCallAttemptTimeout(Duration.ofSeconds(10))
                        .apiCallTimeout(Duration.ofSeconds(30)));
    S3Presigner.Builder presigner =
        S3Presigner.builder().region(Region.of(env.getOrDefault("AWS_REGION", "us-east-1")));
    String bucket = env.get("GENVAULT_S3_BUCKET");
    String endpoint = env.get("GENVAULT_S3_ENDPOINT");
    boolean embeddedS3 = blank(bucket);
    if (embeddedS3) {
      log.warn("GENVAULT_S3_BUCKET is not set: starting an embedded S3Proxy, gone when this stops");
      EmbeddedServers.S3 local = own(EmbeddedServers.S3.start());
      endpoint = local.endpoint.toString();
      bucket = EMBEDDED_BUCKET;
      StaticCredentialsProvider credentials =
          StaticCredentialsProvider.create(
              AwsBasicCredentials.create(
                  EmbeddedServers.S3_ACCESS_KEY, EmbeddedServers.S3_SECRET_KEY));
      s3.credentialsProvider(credentials);
      presigner.credentialsProvider(credentials);
    } else if (!blank(env.get("AWS_ACCESS_KEY_ID")) && !blank(env.get("AWS_SECRET_ACCESS_KEY"))) {
      String session = env.get("AWS_SESSION_TOKEN");
      StaticCredentialsProvider credentials =
          StaticCredentialsProvider.create(
              blank(session)
                  ? AwsBasicCredentials.create(
                      env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY"))
                  : AwsSessionCredentials.create(
                      env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY"), session));
      s3.credentialsProvider(credentials);
      presigner.credentialsProvider(credentials);
    } else {
      s3.credentialsProvider(DefaultCredentialsProvider.builder().build());
    }
    if (!blank(endpoint)) {
      s3.endpointOverride(URI.create(endpoint))
          .forcePathStyle(true)
          .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
      presigner
          .endpointOverride(URI.create(endpoint))
          .serviceConfiguration(
              software.amazon.awssdk.services.s3.S3Configuration.builder()
                  .pathStyleAccessEnabled(true)
                  .build());
    }
    S3Client s3Client = own(s3.build());
    S3Presigner s3Presigner = own(presigner.build());
    if (embeddedS3) {
      s3Client.createBucket(b -> b.bucket(EMBEDDED_BUCKET));
    }
    blobs = S3BlobStore.builder().client(s3Client).presigner(s3Presigner).bucket(bucket).build();

    // 3. The dedup cache: Redis (embedded when none is named), the database, or none.
    switch (cacheKind) {
      case "redis" -> {
        String redisUrl = env.get("GENVAULT_REDIS_URL");
        if (blank(redisUrl)) {
          log.warn(
              "GENVAULT_REDIS_URL is not set: starting an embedded redis-server (or set"
                  + " GENVAULT_CACHE=database)");
          int port = EmbeddedServers.freePort();
          RedisServer server = EmbeddedServers.redis(port);
          own(server::stop);
          redisUrl = "redis://127.0.0.1:" + port;
        }
        cache = own(RedisDedupCache.builder().uri(redisUrl).timeout(cacheTimeout).build());
      }
      case "database" -> cache = JdbcDedupCache.create(store);
      case "none" -> cache = DedupCache.none();
      default -> throw new IllegalStateException(cacheKind); // checked above
    }

    // 4. The model: OpenAI (or any compatible server) with a key, else the offline demo model.
    String apiKey = env.get("OPENAI_API_KEY");
    if (blank(apiKey)) {
      log.warn("OPENAI_API_KEY is not set: generations come from the offline demo model");
      model = DemoModel.create();
    } else {
      OpenAiClient.Builder openAi = OpenAiClient.builder().apiKey(apiKey).idleTimeout(idleTimeout);
      if (!blank(env.get("OPENAI_BASE_URL"))) {
        openAi.baseUrl(env.get("OPENAI_BASE_URL"));
      }
      model = own(openAi.build());
    }

    // 5. The HTTP server, bound first: the generator's base URL is where it listens, unless given.
    HttpServer server = HttpServer.create(address, 0);
    ExecutorService requests = Executors.newCachedThreadPool(daemons("genvault-http-"));
    java.util.concurrent.atomic.AtomicBoolean stopped =
        new java.util.concurrent.atomic.AtomicBoolean();
    AutoCloseable stopServer =
        () -> {
          if (stopped.compareAndSet(false, true)) {
            server.stop(0);
          }
        };
    own(
        () -> {
          stopServer.close(); // if the start failed before the server's own turn
          requests.shutdownNow();
        });
    String listening =
        host.contains(":") ? "[" + host + "]" : host; // an IPv6 literal goes in brackets

    // 6. The generator: concurrent writes of the pending and final rows share commits.
    dev.genvault.cost.Pricing prices = own(costs.pricing());
    PersistentGenerator.Builder builder =
        PersistentGenerator.builder()
            .costCalculator(prices)
            .store(GroupCommitStore.wrap(store))
            .blobs(blobs)
            .cache(cache)
            .baseUrl(
                blank(configuredBase)
                    ? "http://" + listening + ":" + server.getAddress().getPort()
                    : configuredBase);
    costs.budgets(builder, store);
    customize.accept(builder);
    genvault = own(builder.build());

    // 7. The routes, each user seeing their own generations (others get a 404).
    routes =
        own(
            GenerationRoutes.builder()
                .generator(genvault)
                .blobs(blobs)
                .authorizer(users.ownersOnly())
                .history(users.callers())
                .build());
    server.createContext("/", routes.handler());
    server.setExecutor(requests);
    server.start();
    own(stopServer); // stops taking requests before the generator drains
    baseUrl = genvault.urls().base();
    log.info(
        "Genvault wired: PostgreSQL {}, bucket {}, cache {}, model {}",
        url.replaceAll("password=[^&]*", "password=***"),
        bucket,
        cacheKind,
        model.provider());
  }

  /** Daemon threads named {@code prefix} and a number. */
  private static java.util.concurrent.ThreadFactory daemons(String prefix) {
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  static int number(Map<String, String> env, String name, int byDefault) {
    String value = env.get(name);
    if (blank(value)) {
      return byDefault;
    }
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, not " + value, e);
    }
  }

  static boolean blank(@Nullable String s) {
    return s == null || s.isBlank();
  }

  private <T extends AutoCloseable> T own(T resource) {
    resources.push(resource);
    return resource;
  }

  /** The generator. */
  public PersistentGenerator generator() {
    return genvault;
  }

  /** The model client: OpenAI's when a key is set, else the demo model. */
  public ModelClient model() {
    return model;
  }

  /** The routes' base URL. */
  public String baseUrl() {
    return baseUrl;
  }

  /** The generation store (without the group-commit layer the generator writes through). */
  public GenerationStore store() {
    return store;
  }

  /** The connection pool. */
  public HikariDataSource pool() {
    return pool;
  }

  /** The blob store. */
  public BlobStore blobs() {
    return blobs;
  }

  /** The dedup cache. */
  public DedupCache cache() {
    return cache;
  }

  /** The HTTP routes. */
  public GenerationRoutes routes() {
    return routes;
  }

  /**
   * Stops the routes, drains the generator, then closes the clients, the pool and the embedded
   * servers, in the reverse order they were started.
   */
  @Override
  public void close() {
    while (!resources.isEmpty()) {
      AutoCloseable resource = resources.pop();
      try {
        resource.close();
      } catch (Exception e) {
        log.warn("closing {} failed: {}", resource, e.toString());
      }
    }
  }
}
