package dev.genvault.examples.faults;

import static dev.genvault.examples.faults.FaultStack.ALICE_TOKEN;
import static dev.genvault.examples.faults.FaultStack.BOB_TOKEN;
import static dev.genvault.examples.faults.FaultStack.ask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.genvault.BlobRef;
import dev.genvault.DemoModel;
import dev.genvault.ErrorType;
import dev.genvault.Generation;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationStatus;
import dev.genvault.GenerationStream;
import dev.genvault.ModelCall;
import dev.genvault.ModelClient;
import dev.genvault.ModelResult;
import dev.genvault.PersistenceException;
import dev.genvault.PersistentGenerator;
import dev.genvault.jdbc.JdbcDedupCache;
import dev.genvault.jdbc.JdbcGenerationStore;
import dev.genvault.redis.RedisDedupCache;
import dev.genvault.s3.S3BlobStore;
import dev.genvault.spi.BlobStore;
import dev.genvault.spi.DedupCache;
import dev.genvault.spi.GenerationStore;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@link PersistentGenerator#eraseUser}: on the production stack through its routes, blob URLs and
 * cache, during a live stream in this process and in another, after a failure part-way, and on
 * every backend.
 */
class ErasureFaultTest {
  @TempDir Path dir;

  /** A model that counts its calls: a cache hit is a generation without one. */
  static final class Counting implements ModelClient {
    final ModelClient delegate;
    final AtomicInteger calls = new AtomicInteger();

    Counting(ModelClient delegate) {
      this.delegate = delegate;
    }

    @Override
    public ModelResult generate(ModelCall call) throws Exception {
      calls.incrementAndGet();
      return delegate.generate(call);
    }

    @Override
    public void check(GenerationRequest request) {
      delegate.check(request);
    }

    @Override
    public String provider() {
      return delegate.provider();
    }
  }

  private static GenerationRequest image(String user, String prompt) {
    return GenerationRequest.image("demo-image", prompt).toBuilder().userId(user).build();
  }

  /** The status of a GET, redirects not followed. */
  private static int fetch(URI uri) throws Exception {
    return HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static String path(PersistentGenerator genvault, String url) {
    return url.substring(genvault.urls().base().length());
  }

  @Test
  void after_erasure_the_routes_blobs_and_cache_have_nothing_of_the_user_and_others_keep_all()
      throws Exception {
    try (FaultStack stack = FaultStack.start()) {
      PersistentGenerator genvault = stack.genvault();
      Counting model = new Counting(stack.app.model());
      Counting drawer = new Counting(DemoModel.create(Duration.ZERO, 1));
      List<Generation> alice = new ArrayList<>();
      alice.add(genvault.generate(ask("alice", "first"), model));
      alice.add(genvault.generate(ask("alice", "first"), model)); // a cache hit, a copy
      alice.add(genvault.generate(image("alice", "a cat"), drawer));
      Generation bobText = genvault.generate(ask("bob", "first"), model);
      Generation bobImage = genvault.generate(image("bob", "a dog"), drawer);
      assertThat(alice.get(1).cachedFrom()).isEqualTo(alice.get(0).id());
      for (Generation g : alice) {
        assertThat(stack.get(path(genvault, genvault.url(g)), ALICE_TOKEN).statusCode())
            .isEqualTo(200);
      }
      // The file's route redirects to a presigned S3 URL, which serves the file.
      String aliceBlob = path(genvault, genvault.blobUrl(alice.get(2), 0));
      HttpResponse<String> redirect = stack.get(aliceBlob, ALICE_TOKEN);
      assertThat(redirect.statusCode()).isEqualTo(302);
      URI presigned = URI.create(redirect.headers().firstValue("Location").orElseThrow());
      assertThat(fetch(presigned)).isEqualTo(200);
      List<String> erasedIds = alice.stream().map(Generation::id).toList();

      assertThat(genvault.eraseUser("alice")).isEqualTo(3);

      for (Generation g : alice) {
        assertThat(stack.get(path(genvault, genvault.url(g)), ALICE_TOKEN).statusCode())
            .isEqualTo(404);
        assertThat(genvault.find(g.id())).isEmpty();
      }
      assertThat(stack.get(aliceBlob, ALICE_TOKEN).statusCode()).isEqualTo(404);
      // A presigned URL handed out before is still signed, but the object it names is gone.
      assertThat(fetch(presigned)).isEqualTo(404);
      assertThat(stack.objects())
          .containsExactly(bobImage.blobs().get(0).key())
          .doesNotContain(alice.get(2).blobs().get(0).key());
      try (Jedis redis = new Jedis("127.0.0.1", FaultStack.redisPort())) {
        for (String key : redis.keys("*")) {
          if (redis.type(key).equals("string")) {
            assertThat(redis.get(key)).isNotIn(erasedIds);
          }
        }
      }
      // Nothing of hers is served from the cache: the same request calls the model again.
      int before = model.calls.get();
      Generation again = genvault.generate(ask("alice", "first"), model);
      assertThat(again.cachedFrom()).isNull();
      assertThat(model.calls.get()).isEqualTo(before + 1);

      // Twice is fine; the other user keeps everything.
      assertThat(genvault.eraseUser("alice")).isEqualTo(1); // the generation just made
      assertThat(genvault.eraseUser("alice")).isZero();
      assertThat(stack.get(path(genvault, genvault.url(bobText)), BOB_TOKEN).statusCode())
          .isEqualTo(200);
      HttpResponse<String> bobFile =
          stack.get(path(genvault, genvault.blobUrl(bobImage, 0)), BOB_TOKEN);
      assertThat(bobFile.statusCode()).isEqualTo(302);
      assertThat(fetch(URI.create(bobFile.headers().firstValue("Location").orElseThrow())))
          .isEqualTo(200);
      assertThat(genvault.generate(ask("bob", "first"), model).cachedFrom())
          .isEqualTo(bobText.id());
    }
  }

  @Test
  void a_failure_part_way_throws_and_a_repeat_call_finishes_the_erasure() {
    try (FaultStack stack = FaultStack.start()) {
      PersistentGenerator genvault = stack.genvault();
      Generation picture = genvault.generate(image("alice", "a cat"), DemoModel.create());
      Generation text = genvault.generate(ask("alice", "hello"), stack.app.model());
      stack.s3.cut();
      assertThatThrownBy(() -> genvault.eraseUser("alice"))
          .isInstanceOf(PersistenceException.class)
          .hasMessageContaining("call eraseUser again");
      assertThat(genvault.find(picture.id())).isPresent();
      stack.s3.restore();

      assertThat(genvault.eraseUser("alice")).isEqualTo(2);
      assertThat(genvault.find(picture.id())).isEmpty();
      assertThat(genvault.find(text.id())).isEmpty();
      assertThat(stack.objects()).isEmpty();
    }
  }

  @Test
  void redis_down_during_the_erasure_fails_it_and_a_repeat_call_finishes() {
    try (FaultStack stack = FaultStack.start()) {
      PersistentGenerator genvault = stack.genvault();
      Generation text = genvault.generate(ask("alice", "hello"), stack.app.model());
      stack.redis.cut();
      assertThatThrownBy(() -> genvault.eraseUser("alice"))
          .isInstanceOf(PersistenceException.class)
          .hasMessageContaining("call eraseUser again");
      assertThat(genvault.find(text.id())).isPresent();
      stack.redis.restore();

      assertThat(genvault.eraseUser("alice")).isEqualTo(1);
      assertThat(genvault.find(text.id())).isEmpty();
      assertThat(stack.app.cache().get("_:" + text.fingerprint())).isEmpty();
    }
  }

  @Test
  void erasing_during_a_live_stream_of_the_user_leaves_nothing_once_it_ends() throws Exception {
    try (FaultStack stack = FaultStack.start()) {
      Provider.Live live = new Provider.Live();
      stack.provider.next(() -> Provider.sse(live));
      GenerationStream stream = stack.genvault().stream(ask("alice", "long"), stack.app.model());
      live.send("the beginning ");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> DatabaseFaultTest.chunkCount(stack, stream.id()) > 0);

      assertThat(stack.genvault().eraseUser("alice")).isEqualTo(1);

      assertThat(stream.result().errorType()).isEqualTo(ErrorType.CANCELLED);
      live.stop();
      assertThat(stack.genvault().find(stream.id())).isEmpty();
      assertThat(DatabaseFaultTest.chunkCount(stack, stream.id())).isZero();
    }
  }

  @Test
  void a_generation_another_process_runs_during_the_erasure_is_erased_with_its_files()
      throws Exception {
    try (FaultStack stack = FaultStack.start()) {
      CountDownLatch stored = new CountDownLatch(1);
      CountDownLatch erased = new CountDownLatch(1);
      ModelClient drawing =
          call -> {
            call.emit("drawing ");
            call.storeBlob("image/png", new ByteArrayInputStream(new byte[] {(byte) 0x89, 'P'}));
            stored.countDown();
            if (!erased.await(30, TimeUnit.SECONDS)) {
              throw new IllegalStateException("never erased");
            }
            call.emit("done");
            return ModelResult.builder().build();
          };
      // Another process: a generator of its own on the same database and bucket.
      try (PersistentGenerator other =
          PersistentGenerator.builder()
              .store(stack.app.store())
              .blobs(stack.app.blobs())
              .cache(stack.app.cache())
              .build()) {
        GenerationStream stream = other.stream(image("alice", "slow"), drawing);
        assertThat(stored.await(30, TimeUnit.SECONDS)).isTrue();
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> DatabaseFaultTest.chunkCount(stack, stream.id()) > 0);
        assertThat(stack.objects()).hasSize(1);

        // The erasure waits for the other process's run: its file is known once it ends.
        java.util.concurrent.ExecutorService eraser =
            java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
          java.util.concurrent.Future<Integer> erasure =
              eraser.submit(() -> stack.genvault().eraseUser("alice"));
          erased.countDown();
          assertThat(erasure.get(30, TimeUnit.SECONDS)).isEqualTo(1);
        } finally {
          eraser.shutdownNow();
        }
        assertThat(stream.result().text()).isEqualTo("drawing done");
        assertThat(other.find(stream.id())).isEmpty();
        assertThat(DatabaseFaultTest.chunkCount(stack, stream.id())).isZero();
        assertThat(stack.objects()).isEmpty();
      }
    }
  }

  /** One backend combination: a store, a blob store and a cache, and how to close them. */
  record Backends(
      String name,
      GenerationStore store,
      BlobStore blobs,
      DedupCache cache,
      List<AutoCloseable> owned)
      implements AutoCloseable {
    @Override
    public String toString() {
      return name;
    }

    @Override
    public void close() throws Exception {
      for (AutoCloseable c : owned) {
        c.close();
      }
    }
  }

  static Stream<String> backends() {
    return Stream.of(
        "in-memory, in-memory, caffeine",
        "sqlite, filesystem, database cache",
        "h2, filesystem, caffeine",
        "postgresql, s3, redis",
        "postgresql, s3, database cache");
  }

  private Backends open(String name) throws Exception {
    List<AutoCloseable> owned = new ArrayList<>();
    GenerationStore store;
    if (name.startsWith("in-memory")) {
      store = GenerationStore.inMemory();
    } else if (name.startsWith("sqlite")) {
      store = JdbcGenerationStore.sqlite(dir.resolve("genvault.db"));
    } else if (name.startsWith("h2")) {
      store =
          JdbcGenerationStore.create("jdbc:h2:file:" + dir.resolve("genvault").toAbsolutePath());
    } else {
      FaultStack.startServers();
      String database = "faults_erasure_" + System.nanoTime();
      try (Connection c = FaultStack.admin();
          Statement st = c.createStatement()) {
        st.execute("CREATE DATABASE " + database);
      }
      store = JdbcGenerationStore.create(FaultStack.directUrl(database));
    }
    if (store instanceof AutoCloseable closeable) {
      owned.add(0, closeable);
    }
    BlobStore blobs;
    if (name.contains("s3")) {
      S3Client s3 = FaultStack.s3Client();
      String bucket = "erasure-" + System.nanoTime();
      s3.createBucket(b -> b.bucket(bucket));
      owned.add(0, s3);
      blobs = S3BlobStore.create(s3, bucket);
    } else if (name.contains("filesystem")) {
      blobs = BlobStore.filesystem(dir.resolve("blobs"));
    } else {
      blobs = BlobStore.inMemory();
    }
    DedupCache cache;
    if (name.endsWith("redis")) {
      RedisDedupCache redis =
          RedisDedupCache.builder()
              .uri("redis://127.0.0.1:" + FaultStack.redisPort())
              .namespace("erasure-" + System.nanoTime())
              .build();
      owned.add(0, redis);
      cache = redis;
    } else if (name.endsWith("database cache")) {
      cache = JdbcDedupCache.create((JdbcGenerationStore) store);
    } else {
      cache = DedupCache.caffeine(1_000);
    }
    return new Backends(name, store, blobs, cache, owned);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void erasure_works_on_every_backend(String name) throws Exception {
    try (Backends b = open(name);
        PersistentGenerator genvault =
            PersistentGenerator.builder()
                .store(b.store())
                .blobs(b.blobs())
                .cache(b.cache())
                .build()) {
      Counting model = new Counting(DemoModel.create(Duration.ZERO, 1));
      Generation text = genvault.generate(ask("alice", "hello"), model);
      Generation copy = genvault.generate(ask("alice", "hello"), model);
      Generation picture = genvault.generate(image("alice", "a cat"), model);
      Generation bob = genvault.generate(image("bob", "a dog"), model);
      assertThat(copy.cachedFrom()).isEqualTo(text.id());
      BlobRef aliceFile = picture.blobs().get(0);
      // The cache's own entry for her request (tenant none: "_"), read straight from the backend.
      String cacheKey = "_:" + text.fingerprint();
      assertThat(b.cache().get(cacheKey)).contains(text.id());

      assertThat(genvault.eraseUser("alice")).isEqualTo(3);
      assertThat(genvault.eraseUser("alice")).isZero();

      for (Generation g : List.of(text, copy, picture)) {
        assertThat(genvault.find(g.id())).isEmpty();
        assertThat(b.store().chunks(g.id(), -1)).isEmpty();
      }
      assertThat(b.blobs().open(aliceFile.key())).isEmpty();
      assertThat(b.cache().get(cacheKey)).isEmpty();
      assertThat(b.blobs().open(bob.blobs().get(0).key())).isPresent();
      assertThat(genvault.find(bob.id()).orElseThrow().status())
          .isEqualTo(GenerationStatus.COMPLETE);
      int calls = model.calls.get();
      assertThat(genvault.generate(ask("alice", "hello"), model).cachedFrom()).isNull();
      assertThat(model.calls.get()).isEqualTo(calls + 1);
    }
  }
}
