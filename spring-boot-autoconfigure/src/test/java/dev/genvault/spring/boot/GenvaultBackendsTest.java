package dev.genvault.spring.boot;

import static dev.genvault.spring.boot.GenvaultAutoConfigurationTest.MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.genvault.BlobRef;
import dev.genvault.Generation;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationStatus;
import dev.genvault.ModelClient;
import dev.genvault.ModelResult;
import dev.genvault.PersistentGenerator;
import dev.genvault.Usage;
import dev.genvault.jdbc.JdbcDedupCache;
import dev.genvault.redis.RedisDedupCache;
import dev.genvault.s3.S3BlobStore;
import dev.genvault.spi.BlobStore;
import dev.genvault.spi.DedupCache;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.LazyInitializationBeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration;
import org.springframework.boot.autoconfigure.data.redis.RedisConnectionDetails;
import org.springframework.boot.autoconfigure.data.redis.RedisProperties;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.embedded.RedisServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The starter takes the app's S3 and Redis: an {@code S3Client} bean (with {@code
 * genvault.s3.bucket}) for files, a Jedis client bean, {@code genvault.redis.url} or Spring Boot's
 * Redis settings for the dedup cache; each absent, or its module missing, leaves the folder and the
 * database cache; the app's own beans win. Against S3Proxy in this JVM and a redis-server started
 * by the test, both on 127.0.0.1.
 */
class GenvaultBackendsTest {
  private static final String PASSWORD = "s3cret:with@odd/chars";
  private static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("test-access", "test-secret"));
  private static final AtomicInteger buckets = new AtomicInteger();

  private static BlobStoreContext jclouds;
  private static S3Proxy proxy;
  private static URI endpoint;
  private static RedisServer redis;
  private static RedisServer lockedRedis;
  private static int redisPort;
  private static int lockedPort;

  @TempDir Path folder;

  @BeforeAll
  static void start() throws Exception {
    jclouds =
        ContextBuilder.newBuilder("transient")
            .credentials("identity", "credential")
            .build(BlobStoreContext.class);
    proxy =
        S3Proxy.builder()
            .blobStore(jclouds.getBlobStore())
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "test-access", "test-secret")
            .endpoint(URI.create("http://127.0.0.1:0"))
            .build();
    proxy.start();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> proxy.getState().equals(AbstractLifeCycle.STARTED));
    endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());

    redisPort = freePort();
    redis = redisServer(redisPort);
    lockedPort = freePort();
    lockedRedis = redisServer(lockedPort, "requirepass \"" + PASSWORD.replace("\"", "") + "\"");
  }

  @AfterAll
  static void stop() throws Exception {
    proxy.stop();
    jclouds.close();
    redis.stop();
    lockedRedis.stop();
  }

  ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                GenvaultS3AutoConfiguration.class,
                GenvaultRedisAutoConfiguration.class,
                GenvaultAutoConfiguration.class))
        .withBean(DataSource.class, GenvaultAutoConfigurationTest::h2)
        .withPropertyValues("genvault.blobs=" + folder);
  }

  static final ModelClient PAINTER =
      ModelClient.of(
          "painter",
          call ->
              ModelResult.builder()
                  .text("a red square")
                  .blob("image/png", "not really a png".getBytes(StandardCharsets.UTF_8))
                  .usage(Usage.of(10, 5))
                  .build());

  static GenerationRequest haiku(String user) {
    return GenerationRequest.builder().model("gpt-4o-mini").prompt("A haiku").userId(user).build();
  }

  @Test
  void files_go_to_the_bucket_with_the_apps_s3_client() {
    S3Client s3 = s3Client();
    String bucket = "genvault-boot-" + buckets.incrementAndGet();
    s3.createBucket(b -> b.bucket(bucket));
    runner()
        .withBean(S3Client.class, () -> s3)
        .withPropertyValues("genvault.s3.bucket=" + bucket, "genvault.s3.key-prefix=app/files")
        .run(
            context -> {
              assertThat(context.getBean(BlobStore.class)).isInstanceOf(S3BlobStore.class);
              Generation g =
                  context.getBean(PersistentGenerator.class).generate(haiku("u1"), PAINTER);

              assertThat(g.status()).isEqualTo(GenerationStatus.COMPLETE);
              BlobRef file = g.blobs().get(0);
              String object = s3.listObjectsV2(r -> r.bucket(bucket)).contents().get(0).key();
              assertThat(object).isEqualTo("app/files/" + file.key());
              assertThat(s3.getObjectAsBytes(r -> r.bucket(bucket).key(object)).asUtf8String())
                  .isEqualTo("not really a png");
              assertThat(context.getBean(BlobStore.class).url(file))
                  .as("no presigner, no public base URL: the routes serve the file")
                  .isEmpty();
            });
  }

  @Test
  void a_presigner_bean_gives_presigned_urls_and_a_public_base_url_permanent_ones() {
    String bucket = "genvault-boot-" + buckets.incrementAndGet();
    try (S3Client s3 = s3Client()) {
      s3.createBucket(b -> b.bucket(bucket));
    }
    // The context closes the beans it was given, as it would the app's: new ones per context.
    runner()
        .withBean(S3Client.class, GenvaultBackendsTest::s3Client)
        .withBean(S3Presigner.class, GenvaultBackendsTest::presigner)
        .withPropertyValues("genvault.s3.bucket=" + bucket, "genvault.s3.url-ttl=2m")
        .run(
            context -> {
              Generation g =
                  context.getBean(PersistentGenerator.class).generate(haiku("u1"), PAINTER);
              URI url = context.getBean(BlobStore.class).url(g.blobs().get(0)).orElseThrow();
              assertThat(url.toString())
                  .startsWith(endpoint + "/" + bucket + "/")
                  .contains("X-Amz-Expires=120");
            });
    runner()
        .withBean(S3Client.class, GenvaultBackendsTest::s3Client)
        .withBean(S3Presigner.class, GenvaultBackendsTest::presigner)
        .withPropertyValues(
            "genvault.s3.bucket=" + bucket, "genvault.s3.public-base-url=https://cdn.example.com/")
        .run(
            context -> {
              Generation g =
                  context.getBean(PersistentGenerator.class).generate(haiku("u2"), PAINTER);
              assertThat(context.getBean(BlobStore.class).url(g.blobs().get(0)).orElseThrow())
                  .hasHost("cdn.example.com");
            });
  }

  @Test
  void without_a_bucket_or_the_s3_module_files_stay_in_the_folder() {
    runner()
        .withBean(S3Client.class, GenvaultBackendsTest::s3Client)
        .run(
            context -> {
              assertThat(context).doesNotHaveBean(S3BlobStore.class);
              Generation g =
                  context.getBean(PersistentGenerator.class).generate(haiku("u1"), PAINTER);
              assertThat(folder)
                  .isDirectoryRecursivelyContaining(
                      "glob:**/" + g.blobs().get(0).key().replaceAll(".*/", ""));
            });
    runner()
        .withClassLoader(new FilteredClassLoader(S3BlobStore.class))
        .withBean(S3Client.class, GenvaultBackendsTest::s3Client)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(S3BlobStore.class);
            });
    runner()
        .withClassLoader(new FilteredClassLoader(S3BlobStore.class))
        .withBean(S3Client.class, GenvaultBackendsTest::s3Client)
        .withPropertyValues("genvault.s3.bucket=anything")
        .run(
            context ->
                assertFailsSaying(context, "genvault.s3.bucket is set", "genvault-s3-store"));
  }

  @Test
  void the_cache_is_in_redis_with_the_apps_jedis_client() {
    UnifiedJedis mine = RedisClient.create("127.0.0.1", redisPort);
    String namespace = "app-" + UUID.randomUUID();
    runner()
        .withBean(UnifiedJedis.class, () -> mine)
        .withPropertyValues("genvault.redis.namespace=" + namespace)
        .run(
            context -> {
              answersTwiceFromRedis(context);
              assertThat(mine.keys(namespace + ":*")).isNotEmpty();
            });
  }

  @Test
  void the_cache_is_in_redis_at_genvault_redis_url() {
    String namespace = "url-" + UUID.randomUUID();
    runner()
        .withPropertyValues(
            "genvault.redis.url=redis://127.0.0.1:" + redisPort,
            "genvault.redis.namespace=" + namespace)
        .run(context -> answersTwiceFromRedis(context, redisPort, namespace));
  }

  @Test
  void the_cache_is_in_the_redis_spring_boot_knows_with_its_password() {
    String namespace = "boot-" + UUID.randomUUID();
    RedisConnectionDetails details =
        new RedisConnectionDetails() {
          @Override
          public String getUsername() {
            return ""; // as Spring Boot reads redis://:password@host
          }

          @Override
          public String getPassword() {
            return PASSWORD;
          }

          @Override
          public Standalone getStandalone() {
            return Standalone.of("127.0.0.1", lockedPort, 2);
          }
        };
    runner()
        .withBean(RedisConnectionDetails.class, () -> details)
        .withPropertyValues("genvault.redis.namespace=" + namespace)
        .run(
            context -> {
              answersTwiceFromRedis(context);
              try (Jedis jedis = new Jedis("127.0.0.1", lockedPort)) {
                jedis.auth(PASSWORD);
                jedis.select(2);
                assertThat(jedis.keys(namespace + ":*")).as("database 2").isNotEmpty();
                assertThat(jedis.clientList()).contains("name=genvault");
              }
            });
    try (Jedis jedis = new Jedis("127.0.0.1", lockedPort)) {
      jedis.auth(PASSWORD);
      await()
          .atMost(Duration.ofSeconds(10))
          .alias("the pool Genvault made is closed with the app")
          .until(() -> !jedis.clientList().contains("name=genvault"));
    }
  }

  /**
   * Spring Boot's own Redis auto-configuration, as an app with Spring Data Redis has it. Without
   * Lettuce here, and with its Jedis connection turned off, Boot makes the connection details and
   * no connection factory of its own.
   */
  ApplicationContextRunner withBootsRedis() {
    return runner()
        .withConfiguration(AutoConfigurations.of(RedisAutoConfiguration.class))
        .withPropertyValues("spring.data.redis.client-type=lettuce");
  }

  @Test
  void spring_boots_redis_is_used_only_when_its_settings_name_one() {
    withBootsRedis()
        .run(
            context -> {
              assertThat(context).hasSingleBean(RedisConnectionDetails.class);
              assertThat(context.getBean(DedupCache.class))
                  .as("not Boot's default localhost:6379, which the app never asked for")
                  .isInstanceOf(JdbcDedupCache.class);
            });
    String namespace = "boot-props-" + UUID.randomUUID();
    withBootsRedis()
        .withPropertyValues(
            "spring.data.redis.host=127.0.0.1",
            "spring.data.redis.port=" + redisPort,
            "genvault.redis.namespace=" + namespace)
        .run(context -> answersTwiceFromRedis(context, redisPort, namespace));
    withBootsRedis()
        .withPropertyValues(
            "spring.data.redis.url=redis://:s3cret:with%40odd%2Fchars@127.0.0.1:" + lockedPort)
        .run(GenvaultBackendsTest::answersTwiceFromRedis);
    withBootsRedis()
        .withPropertyValues(
            "spring.data.redis.sentinel.master=primary",
            "spring.data.redis.sentinel.nodes=127.0.0.1:26379")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(DedupCache.class)).isInstanceOf(JdbcDedupCache.class);
            });
  }

  @Test
  void a_sentinel_in_spring_boots_settings_asks_for_a_client_bean() {
    RedisConnectionDetails details =
        new RedisConnectionDetails() {
          @Override
          public Sentinel getSentinel() {
            return new Sentinel() {
              @Override
              public int getDatabase() {
                return 0;
              }

              @Override
              public String getMaster() {
                return "primary";
              }

              @Override
              public java.util.List<Node> getNodes() {
                return java.util.List.of(new Node("127.0.0.1", 26379));
              }

              @Override
              public String getUsername() {
                return null;
              }

              @Override
              public String getPassword() {
                return null;
              }
            };
          }
        };
    runner()
        .withBean(RedisConnectionDetails.class, () -> details)
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining(
                        "define a Jedis RedisSentinelClient or RedisClusterClient bean"));
  }

  @Test
  void without_redis_or_its_module_the_cache_is_in_the_database_and_the_apps_cache_wins() {
    runner()
        .run(
            context ->
                assertThat(context.getBean(DedupCache.class)).isInstanceOf(JdbcDedupCache.class));
    runner()
        .withClassLoader(new FilteredClassLoader(RedisDedupCache.class))
        .run(
            context ->
                assertThat(context.getBean(DedupCache.class)).isInstanceOf(JdbcDedupCache.class));
    runner()
        .withClassLoader(new FilteredClassLoader(RedisDedupCache.class))
        .withPropertyValues("genvault.redis.url=redis://127.0.0.1:" + redisPort)
        .run(context -> assertFailsSaying(context, "genvault.redis.url is set", "Jedis 8"));
    DedupCache mine = DedupCache.caffeine(10);
    runner()
        .withBean(DedupCache.class, () -> mine)
        .withPropertyValues("genvault.redis.url=redis://127.0.0.1:" + redisPort)
        .run(context -> assertThat(context.getBean(DedupCache.class)).isSameAs(mine));
  }

  @Test
  void an_explicit_url_wins_over_the_apps_client_and_several_clients_need_a_primary() {
    String namespace = "url-over-bean-" + UUID.randomUUID();
    runner()
        .withBean(UnifiedJedis.class, () -> RedisClient.create("127.0.0.1", lockedPort))
        .withPropertyValues(
            "genvault.redis.url=redis://127.0.0.1:" + redisPort,
            "genvault.redis.namespace=" + namespace)
        .run(
            context -> {
              assertThat(context.getBean(DedupCache.class).toString()).contains(":" + redisPort);
              answersTwiceFromRedis(context);
              try (Jedis jedis = new Jedis("127.0.0.1", redisPort)) {
                assertThat(jedis.keys(namespace + ":*")).isNotEmpty();
              }
            });
    runner()
        .withBean("one", UnifiedJedis.class, () -> RedisClient.create("127.0.0.1", redisPort))
        .withBean("two", UnifiedJedis.class, () -> RedisClient.create("127.0.0.1", redisPort))
        .run(context -> assertFailsSaying(context, "several Jedis UnifiedJedis beans"));
  }

  @Test
  void blank_settings_are_unset_and_a_bucket_without_a_client_is_refused() {
    runner()
        .withPropertyValues("genvault.redis.url=", "genvault.s3.bucket= ")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(DedupCache.class)).isInstanceOf(JdbcDedupCache.class);
              assertThat(context).doesNotHaveBean(S3BlobStore.class);
            });
    runner()
        .withPropertyValues("genvault.s3.bucket=files")
        .run(context -> assertFailsSaying(context, "the app has no S3Client bean"));
    runner()
        .withBean("one", S3Client.class, GenvaultBackendsTest::s3Client)
        .withBean("two", S3Client.class, GenvaultBackendsTest::s3Client)
        .withPropertyValues("genvault.s3.bucket=files")
        .run(context -> assertFailsSaying(context, "several S3Client beans"));
  }

  @Test
  void an_older_jedis_keeps_the_cache_in_the_database_unless_a_redis_url_asks_for_redis() {
    runner()
        .withClassLoader(new FilteredClassLoader(RedisClient.class))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(DedupCache.class)).isInstanceOf(JdbcDedupCache.class);
            });
    runner()
        .withClassLoader(new FilteredClassLoader(RedisClient.class))
        .withPropertyValues("genvault.redis.url=redis://127.0.0.1:" + redisPort)
        .run(context -> assertFailsSaying(context, "needs Jedis 8", "genvault-bom"));
  }

  @Test
  void without_jedis_or_the_aws_sdk_as_with_the_starter_alone_the_app_starts_on_its_database() {
    runner()
        .withClassLoader(new FilteredClassLoader("redis.clients.jedis.", "software.amazon.awssdk."))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(DedupCache.class)).isInstanceOf(JdbcDedupCache.class);
              assertThat(context).doesNotHaveBean(S3BlobStore.class);
              assertThat(context).hasSingleBean(PersistentGenerator.class);
            });
  }

  @Test
  void a_bucket_or_a_redis_url_without_its_client_library_stops_the_app() {
    runner()
        .withClassLoader(new FilteredClassLoader("software.amazon.awssdk."))
        .withPropertyValues("genvault.s3.bucket=files")
        .run(context -> assertFailsSaying(context, "software.amazon.awssdk:s3"));
    runner()
        .withInitializer(
            c -> c.addBeanFactoryPostProcessor(new LazyInitializationBeanFactoryPostProcessor()))
        .withClassLoader(new FilteredClassLoader("software.amazon.awssdk."))
        .withPropertyValues("genvault.s3.bucket=files")
        .run(context -> assertFailsSaying(context, "software.amazon.awssdk:s3")); // lazy beans too
    runner()
        .withBean(S3Client.class, GenvaultBackendsTest::s3Client)
        .withClassLoader(
            new FilteredClassLoader(
                "software.amazon.awssdk.core.checksums.RequestChecksumCalculation"))
        .withPropertyValues("genvault.s3.bucket=files")
        .run(context -> assertFailsSaying(context, "older than 2.30"));
    runner()
        .withClassLoader(new FilteredClassLoader("redis.clients.jedis."))
        .withPropertyValues("genvault.redis.url=redis://127.0.0.1:" + redisPort)
        .run(context -> assertFailsSaying(context, "redis.clients:jedis"));
  }

  @Test
  void tls_follows_spring_boots_settings() {
    RedisConnectionDetails details =
        new RedisConnectionDetails() {
          @Override
          public Standalone getStandalone() {
            return Standalone.of("127.0.0.1", 6379);
          }
        };
    RedisProperties plain = new RedisProperties();
    RedisProperties url = new RedisProperties();
    url.setUrl("rediss://cache.example.com:6380");
    RedisProperties enabled = new RedisProperties();
    enabled.getSsl().setEnabled(true);
    Duration timeout = Duration.ofMillis(250);

    assertThat(GenvaultRedisAutoConfiguration.clientConfig(details, plain, timeout).isSsl())
        .isFalse();
    assertThat(GenvaultRedisAutoConfiguration.clientConfig(details, null, timeout).isSsl())
        .isFalse();
    assertThat(GenvaultRedisAutoConfiguration.clientConfig(details, url, timeout).isSsl()).isTrue();
    assertThat(GenvaultRedisAutoConfiguration.clientConfig(details, enabled, timeout).isSsl())
        .isTrue();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> GenvaultRedisAutoConfiguration.clientConfig(details, plain, Duration.ZERO))
        .hasMessageContaining("genvault.redis.timeout");
  }

  /** The app did not start, and the root cause says each of {@code words}. */
  private static void assertFailsSaying(
      org.springframework.boot.test.context.assertj.AssertableApplicationContext context,
      String... words) {
    for (String w : words) {
      assertThat(context).getFailure().rootCause().hasMessageContaining(w);
    }
  }

  /** As {@link #answersTwiceFromRedis(ApplicationContext)}, its keys in this Redis's namespace. */
  private static void answersTwiceFromRedis(
      ApplicationContext context, int port, String namespace) {
    answersTwiceFromRedis(context);
    try (Jedis jedis = new Jedis("127.0.0.1", port)) {
      assertThat(jedis.keys(namespace + ":*")).isNotEmpty();
    }
  }

  /** The same request twice: the second is answered by the Redis cache. */
  private static void answersTwiceFromRedis(ApplicationContext context) {
    assertThat(context.getBean(DedupCache.class)).isInstanceOf(RedisDedupCache.class);
    PersistentGenerator genvault = context.getBean(PersistentGenerator.class);
    Generation first = genvault.generate(haiku("u1"), MODEL);
    assertThat(genvault.generate(haiku("u1"), MODEL).cachedFrom()).isEqualTo(first.id());
  }

  static S3Client s3Client() {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(CREDENTIALS)
        .forcePathStyle(true)
        // S3-compatible stores such as S3Proxy check no trailing checksums.
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .build();
  }

  static S3Presigner presigner() {
    return S3Presigner.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(CREDENTIALS)
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
        .build();
  }

  private static RedisServer redisServer(int port, String... settings) throws IOException {
    var builder =
        RedisServer.newRedisServer()
            .port(port)
            .bind("127.0.0.1")
            .setting("save \"\"")
            .setting("appendonly no");
    for (String s : settings) {
      builder.setting(s);
    }
    RedisServer server = builder.build();
    server.start();
    return server;
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
