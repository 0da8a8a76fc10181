package dev.genvault.examples.faults;

import dev.genvault.GenerationRequest;
import dev.genvault.PersistentGenerator;
import dev.genvault.examples.EmbeddedServers;
import dev.genvault.examples.ProductionWiring;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import redis.embedded.RedisServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The production stack of the fault suite: {@link ProductionWiring} on real servers, each behind a
 * {@link TcpProxy} of its own, and a scripted {@link Provider}.
 *
 * <p>The servers are started once per test JVM and stopped when it exits: PostgreSQL with {@code
 * fsync} on, S3Proxy and a redis-server. Each stack gets a database and a bucket of its own, so the
 * tests do not see each other's rows.
 */
final class FaultStack implements AutoCloseable {
  /** The API key every stack's OpenAI client sends: it must never be stored or logged. */
  static final String CANARY_KEY = "sk-canary-7f3c9e1d5b2a4680-never-persist";

  static final String ALICE_TOKEN = "token-alice-0123456789";
  static final String BOB_TOKEN = "token-bob-9876543210";

  /** Every HTTP response body the suite received from the routes (the secrets test reads them). */
  static final List<String> RESPONSES = new CopyOnWriteArrayList<>();

  private static final AtomicInteger counter = new AtomicInteger();
  private static EmbeddedPostgres postgres;
  private static EmbeddedServers.S3 s3Server;
  private static int redisPort;

  final TcpProxy db;
  final TcpProxy s3;
  final TcpProxy redis;
  final Provider provider = new Provider();
  final TcpProxy model = new TcpProxy("provider", provider.port());
  final String database;
  final String bucket;
  final ProductionWiring app;
  private final HttpClient http = HttpClient.newHttpClient();

  private FaultStack(
      Map<String, String> extraEnv, Consumer<PersistentGenerator.Builder> customize) {
    startServers();
    int n = counter.incrementAndGet();
    database = "faults_" + n;
    bucket = "faults-" + n;
    try (Connection c = admin();
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + database);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    try (S3Client client = s3Client(s3Server.endpoint)) {
      client.createBucket(b -> b.bucket(bucket));
    }
    db = new TcpProxy("postgres", postgres.getPort());
    s3 = new TcpProxy("s3", s3Server.endpoint.getPort());
    redis = new TcpProxy("redis", redisPort);
    ProductionWiring started = null;
    try {
      started = ProductionWiring.start(env(extraEnv), customize);
    } finally {
      if (started == null) {
        db.close();
        s3.close();
        redis.close();
        model.close();
        provider.close();
      }
    }
    app = started;
  }

  private Map<String, String> env(Map<String, String> extraEnv) {
    Map<String, String> env = new HashMap<>();
    env.put("GENVAULT_DB_URL", "jdbc:postgresql://127.0.0.1:" + db.port() + "/" + database);
    env.put("GENVAULT_DB_USER", "postgres");
    env.put("GENVAULT_DB_CONNECT_TIMEOUT", "3");
    env.put("GENVAULT_DB_SOCKET_TIMEOUT", "2");
    env.put("GENVAULT_S3_BUCKET", bucket);
    env.put("GENVAULT_S3_ENDPOINT", "http://127.0.0.1:" + s3.port());
    env.put("AWS_ACCESS_KEY_ID", EmbeddedServers.S3_ACCESS_KEY);
    env.put("AWS_SECRET_ACCESS_KEY", EmbeddedServers.S3_SECRET_KEY);
    env.put("GENVAULT_REDIS_URL", "redis://127.0.0.1:" + redis.port());
    env.put("OPENAI_API_KEY", CANARY_KEY);
    env.put("OPENAI_BASE_URL", "http://127.0.0.1:" + model.port() + "/v1");
    env.put("GENVAULT_HTTP_PORT", "0");
    env.put("GENVAULT_USER_TOKENS", "alice=" + ALICE_TOKEN + ",bob=" + BOB_TOKEN);
    env.putAll(extraEnv);
    return env;
  }

  /** A stack with the default settings. */
  static FaultStack start() {
    return start(Map.of(), b -> {});
  }

  /** A stack with extra environment and generator settings. */
  static FaultStack start(
      Map<String, String> env, Consumer<PersistentGenerator.Builder> customize) {
    return new FaultStack(env, customize);
  }

  static synchronized void startServers() {
    if (postgres != null) {
      return;
    }
    postgres = EmbeddedServers.postgres();
    s3Server = EmbeddedServers.S3.start();
    redisPort = EmbeddedServers.freePort();
    RedisServer redisServer = EmbeddedServers.redis(redisPort);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  s3Server.close();
                  try {
                    redisServer.stop();
                    postgres.close();
                  } catch (IOException e) {
                    // the JVM is going away
                  }
                }));
  }

  /** A connection to the server's {@code postgres} database, past every proxy. */
  static Connection admin() throws SQLException {
    return DriverManager.getConnection(postgres.getJdbcUrl("postgres", "postgres"));
  }

  /** A connection to a database of the server, past every proxy. */
  static Connection direct(String database) throws SQLException {
    return DriverManager.getConnection(postgres.getJdbcUrl("postgres", database));
  }

  /** The JDBC URL of a database of the server, past every proxy. */
  static String directUrl(String database) {
    return postgres.getJdbcUrl("postgres", database);
  }

  /** The databases the suite made. */
  static List<String> databases() throws SQLException {
    List<String> names = new java.util.ArrayList<>();
    try (Connection c = admin();
        var rs =
            c.createStatement()
                .executeQuery("SELECT datname FROM pg_database WHERE datname LIKE 'faults_%'")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }

  /** A client of the S3 server, past every proxy. */
  static S3Client s3Client() {
    startServers();
    return s3Client(s3Server.endpoint);
  }

  /** The S3 server's endpoint, past every proxy. */
  static URI s3Endpoint() {
    startServers();
    return s3Server.endpoint;
  }

  /** The redis-server's port, past every proxy. */
  static int redisPort() {
    startServers();
    return redisPort;
  }

  private static S3Client s3Client(URI endpoint) {
    return S3Client.builder()
        .region(Region.US_EAST_1)
        .endpointOverride(endpoint)
        .forcePathStyle(true)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(
                    EmbeddedServers.S3_ACCESS_KEY, EmbeddedServers.S3_SECRET_KEY)))
        .build();
  }

  /** The keys of every object in this stack's bucket. */
  List<String> objects() {
    try (S3Client client = s3Client()) {
      return client.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream()
          .map(S3Object::key)
          .toList();
    }
  }

  /** The generator of the stack. */
  PersistentGenerator genvault() {
    return app.generator();
  }

  /** A chat request of a user. */
  static GenerationRequest ask(String user, String prompt) {
    return GenerationRequest.builder()
        .model("gpt-4o-mini")
        .system("You are terse.")
        .prompt(prompt)
        .userId(user)
        .build();
  }

  /** GETs a path of the routes with a user's bearer token (or none); the response is recorded. */
  HttpResponse<String> get(String path, String token) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(app.baseUrl() + path))
            .timeout(Duration.ofSeconds(10))
            .header("Accept", "application/json");
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      RESPONSES.add(response.headers().map() + "\n" + response.body());
      return response;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    db.restore();
    s3.restore();
    redis.restore();
    model.restore();
    app.close();
    db.close();
    s3.close();
    redis.close();
    model.close();
    provider.close();
  }
}
