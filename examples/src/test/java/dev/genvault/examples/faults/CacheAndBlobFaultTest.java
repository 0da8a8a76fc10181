package dev.genvault.examples.faults;

import static dev.genvault.examples.faults.FaultStack.ask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.genvault.BlobRef;
import dev.genvault.DemoModel;
import dev.genvault.ErrorType;
import dev.genvault.Generation;
import dev.genvault.GenerationFailedException;
import dev.genvault.GenerationQuery;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationStatus;
import dev.genvault.ModelClient;
import dev.genvault.examples.EmbeddedServers;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

/** Redis and S3 failing under the production stack. */
class CacheAndBlobFaultTest {
  /** The wiring's cache timeout. */
  private static final Duration CACHE_TIMEOUT = Duration.ofMillis(250);

  /**
   * The most a generation may take while Redis is down or frozen: the calls that fail before the
   * circuit breaker opens (3) each wait one cache timeout, plus the generation's own work.
   */
  private static final Duration BOUND = CACHE_TIMEOUT.multipliedBy(3).plusSeconds(1);

  private final AtomicInteger prompts = new AtomicInteger();

  private GenerationRequest fresh() {
    return ask("alice", "question " + prompts.incrementAndGet());
  }

  /** Whether an identical request is served from the cache now. */
  private boolean cacheServes(FaultStack stack) {
    GenerationRequest request = fresh();
    stack.genvault().generate(request, stack.app.model());
    return stack.genvault().generate(request, stack.app.model()).cachedFrom() != null;
  }

  private Duration timed(FaultStack stack) {
    long start = System.nanoTime();
    Generation g = stack.genvault().generate(fresh(), stack.app.model());
    assertThat(g.status()).isEqualTo(GenerationStatus.COMPLETE);
    return Duration.ofNanos(System.nanoTime() - start);
  }

  @Test
  void redis_down_frozen_and_back_never_fails_or_holds_up_a_generation() {
    try (FaultStack stack = FaultStack.start()) {
      assertThat(cacheServes(stack)).isTrue();

      stack.redis.cut();
      for (int i = 0; i < 10; i++) {
        assertThat(timed(stack)).isLessThan(BOUND);
      }
      stack.redis.restore();
      await().atMost(Duration.ofSeconds(5)).until(() -> cacheServes(stack));

      stack.redis.freeze();
      for (int i = 0; i < 10; i++) {
        assertThat(timed(stack)).isLessThan(BOUND);
      }
      stack.redis.restore();
      long back = System.nanoTime();
      await()
          .atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> cacheServes(stack));
      assertThat(Duration.ofNanos(System.nanoTime() - back)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void redis_stopped_and_started_again_by_its_handle_never_fails_a_generation() throws Exception {
    int port = EmbeddedServers.freePort();
    RedisServer redis = EmbeddedServers.redis(port);
    try (FaultStack stack =
        FaultStack.start(Map.of("GENVAULT_REDIS_URL", "redis://127.0.0.1:" + port), b -> {})) {
      assertThat(cacheServes(stack)).isTrue();
      redis.stop(); // the server process ends: connections refused
      for (int i = 0; i < 10; i++) {
        assertThat(timed(stack)).isLessThan(BOUND);
      }
      redis = EmbeddedServers.redis(port); // a new, empty server on the same port
      long back = System.nanoTime();
      await()
          .atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> cacheServes(stack));
      assertThat(Duration.ofNanos(System.nanoTime() - back)).isLessThan(Duration.ofSeconds(5));
    } finally {
      redis.stop();
    }
  }

  private static GenerationRequest image(String prompt) {
    return GenerationRequest.image("demo-image", prompt).toBuilder().userId("alice").build();
  }

  @Test
  void s3_answering_503_once_then_working_stores_one_object_and_a_complete_row() {
    try (FaultStack stack = FaultStack.start()) {
      String body =
          "<Error><Code>SlowDown</Code><Message>Please reduce your rate</Message></Error>";
      stack.s3.answerNext(
          "HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nContent-Length: "
              + body.length()
              + "\r\nConnection: close\r\n\r\n"
              + body);
      Generation g = stack.genvault().generate(image("a lighthouse"), DemoModel.create());
      assertThat(stack.s3.answered()).isEqualTo(1);
      assertThat(g.status()).isEqualTo(GenerationStatus.COMPLETE);
      assertThat(g.blobs()).hasSize(1);
      assertThat(stack.objects()).containsExactly(g.blobs().get(0).key());
      assertThat(stack.genvault().find(g.id()).orElseThrow().status())
          .isEqualTo(GenerationStatus.COMPLETE);
      assertReconciled(stack);
    }
  }

  @Test
  void s3_down_for_good_ends_the_row_blob_upload_failed_and_leaves_nothing_unreconciled() {
    try (FaultStack stack = FaultStack.start()) {
      Generation before = stack.genvault().generate(image("before"), DemoModel.create());
      stack.s3.cut();
      ModelClient model = DemoModel.create();
      GenerationFailedException e =
          (GenerationFailedException)
              org.assertj.core.api.Assertions.catchThrowable(
                  () -> stack.genvault().generate(image("during"), model));
      assertThat(e.errorType()).isEqualTo(ErrorType.BLOB_UPLOAD_FAILED);
      Generation row = stack.genvault().find(e.generationId()).orElseThrow();
      assertThat(row.status()).isEqualTo(GenerationStatus.ERROR);
      assertThat(row.errorType()).isEqualTo(ErrorType.BLOB_UPLOAD_FAILED);
      assertThat(row.blobs()).isEmpty();
      stack.s3.restore();
      assertThat(stack.objects()).containsExactly(before.blobs().get(0).key());
      assertReconciled(stack);
      assertThat(stack.genvault().generate(image("after"), model).status())
          .isEqualTo(GenerationStatus.COMPLETE);
    }
  }

  /** Every object has a row that points at it, and every file a row points at exists. */
  private static void assertReconciled(FaultStack stack) {
    Set<String> referenced = new HashSet<>();
    for (Generation g :
        stack.genvault().list(GenerationQuery.builder().limit(1000).build()).items()) {
      for (BlobRef ref : g.blobs()) {
        referenced.add(ref.key());
      }
    }
    assertThat(new HashSet<>(stack.objects())).isEqualTo(referenced);
  }
}
