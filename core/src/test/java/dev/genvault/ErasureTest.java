package dev.genvault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genvault.spi.BlobStore;
import dev.genvault.spi.DedupCache;
import dev.genvault.spi.ForwardingGenerationStore;
import dev.genvault.spi.GenerationStore;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link PersistentGenerator#eraseUser}: rows, chunks, files and cache entries of one user go,
 * running generations end first, a failure part-way is finished by a repeat, and others' data
 * stays.
 */
class ErasureTest {
  private final GenerationStore store = GenerationStore.inMemory();
  private final SwitchableBlobs blobs = new SwitchableBlobs();
  private final DedupCache cache = DedupCache.caffeine(1_000);
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final PersistentGenerator genvault =
      PersistentGenerator.builder()
          .store(store)
          .blobs(blobs)
          .cache(cache)
          .checkpointPolicy(new CheckpointPolicy(Duration.ofMillis(20), 1))
          .drainTimeout(Duration.ofSeconds(10))
          .build();

  private static Throwable catchThrowableOf(Future<?> f) throws InterruptedException {
    try {
      f.get(20, TimeUnit.SECONDS);
      return null;
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("did not end", e);
    }
  }

  @AfterEach
  void close() {
    genvault.close();
    pool.shutdownNow();
  }

  private static GenerationRequest ask(String user, String prompt) {
    return GenerationRequest.builder()
        .model("gpt-4o-mini")
        .prompt(prompt)
        .userId(user)
        .tenantId("t1")
        .build();
  }

  private Generation imageOfEve() {
    return genvault.generate(
        GenerationRequest.image("demo", "a cat").toBuilder().userId("eve").build(),
        DemoModel.create(Duration.ZERO, 1));
  }

  private Optional<String> cached(Generation g) {
    return cache.get(FailOpenCache.resultKey(g.request().tenantId(), g.fingerprint()));
  }

  @Test
  void erasing_removes_rows_files_and_cache_entries_of_that_user_only_and_twice_is_fine() {
    Generation image = imageOfEve();
    Generation text = genvault.generate(ask("eve", "hello"), ScriptedClient.emitting("hi"));
    Generation copy = genvault.generate(ask("eve", "hello"), ScriptedClient.emitting("unused"));
    Generation kept = genvault.generate(ask("bob", "hello"), ScriptedClient.emitting("yo"));
    assertThat(copy.cachedFrom()).isEqualTo(text.id());
    assertThat(cached(text)).contains(text.id());
    assertThat(cached(kept)).contains(kept.id());

    assertThat(genvault.eraseUser("eve")).isEqualTo(3);

    for (Generation g : List.of(image, text, copy)) {
      assertThat(genvault.find(g.id())).isEmpty();
      assertThat(store.chunks(g.id(), -1)).isEmpty();
    }
    assertThat(blobs.open(image.blobs().get(0).key())).isEmpty();
    assertThat(cached(text)).isEmpty();
    assertThat(genvault.list(GenerationQuery.builder().userId("eve").build()).items()).isEmpty();
    // The other user keeps everything, cache entry included.
    assertThat(genvault.find(kept.id())).isPresent();
    assertThat(cached(kept)).contains(kept.id());

    assertThat(genvault.eraseUser("eve")).isZero();
    // The same request again is a new call, not a copy of an erased generation.
    ScriptedClient again = ScriptedClient.emitting("fresh");
    Generation after = genvault.generate(ask("eve", "hello"), again);
    assertThat(again.calls).hasValue(1);
    assertThat(after.cachedFrom()).isNull();
  }

  @Test
  void a_cache_entry_left_naming_an_erased_generation_never_serves_a_copy() {
    Generation text = genvault.generate(ask("eve", "hello"), ScriptedClient.emitting("hi"));
    String key = FailOpenCache.resultKey("t1", text.fingerprint());
    genvault.eraseUser("eve");
    cache.put(key, text.id(), Duration.ofHours(1)); // e.g. written back by a lagging replica

    ScriptedClient model = ScriptedClient.emitting("new");
    Generation g = genvault.generate(ask("eve", "hello"), model);
    assertThat(model.calls).hasValue(1);
    assertThat(g.cachedFrom()).isNull();
    assertThat(g.text()).isEqualTo("new");
  }

  @Test
  void a_running_generation_of_the_user_is_cancelled_and_nothing_of_it_is_left() throws Exception {
    ScriptedClient slow = ScriptedClient.pausingAfter(1, "partial ", "never");
    GenerationStream stream = genvault.stream(ask("eve", "long"), slow);
    assertThat(slow.paused.await(10, TimeUnit.SECONDS)).isTrue();
    Awaitility.await().until(() -> !store.chunks(stream.id(), -1).isEmpty());

    assertThat(genvault.eraseUser("eve")).isEqualTo(1);

    assertThat(stream.result().errorType()).isEqualTo(ErrorType.CANCELLED);
    assertThat(genvault.find(stream.id())).isEmpty();
    assertThat(store.chunks(stream.id(), -1)).isEmpty();
    assertThat(slow.calls).hasValue(1);
  }

  @Test
  void new_requests_of_the_user_are_refused_while_the_erasure_runs() throws Exception {
    Generation image = imageOfEve();
    blobs.holdDeletes = new CountDownLatch(1);
    Future<Integer> erasure = pool.submit(() -> genvault.eraseUser("eve"));
    assertThat(blobs.deleting.await(10, TimeUnit.SECONDS)).isTrue();

    ScriptedClient model = ScriptedClient.emitting("x");
    assertThatThrownBy(() -> genvault.generate(ask("eve", "during"), model))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("eve is being erased");
    assertThat(model.calls).hasValue(0);
    assertThat(genvault.generate(ask("bob", "during"), model).text()).isEqualTo("x");

    blobs.holdDeletes.countDown();
    assertThat(erasure.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(genvault.find(image.id())).isEmpty();
    assertThat(genvault.generate(ask("eve", "after"), model).text()).isEqualTo("x");
  }

  @Test
  void a_failure_part_way_keeps_the_rows_so_a_repeat_call_finishes_the_job() {
    Generation image = imageOfEve();
    Generation text = genvault.generate(ask("eve", "hello"), ScriptedClient.emitting("hi"));
    blobs.failDeletes.set(true);

    assertThatThrownBy(() -> genvault.eraseUser("eve"))
        .isInstanceOf(PersistenceException.class)
        .hasMessageContaining("call eraseUser again");
    assertThat(genvault.find(image.id())).isPresent();
    assertThat(blobs.open(image.blobs().get(0).key())).isPresent();

    blobs.failDeletes.set(false);
    assertThat(genvault.eraseUser("eve")).isEqualTo(2);
    assertThat(genvault.find(image.id())).isEmpty();
    assertThat(genvault.find(text.id())).isEmpty();
    assertThat(blobs.open(image.blobs().get(0).key())).isEmpty();
  }

  @Test
  void a_generation_whose_row_is_deleted_elsewhere_while_it_runs_removes_its_files_and_chunks()
      throws Exception {
    CountDownLatch stored = new CountDownLatch(1);
    CountDownLatch erased = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    ModelClient drawing =
        call -> {
          calls.incrementAndGet();
          call.emit("a picture of ");
          call.storeBlob("image/png", new ByteArrayInputStream(new byte[] {1, 2, 3}));
          stored.countDown();
          if (!erased.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("never erased");
          }
          call.emit("a cat");
          return ModelResult.builder().usage(Usage.of(3, 4)).build();
        };
    GenerationStream stream = genvault.stream(ask("eve", "draw"), drawing);
    assertThat(stored.await(10, TimeUnit.SECONDS)).isTrue();
    // Another process erases the user: straight on the store, which this generator does not see.
    assertThat(store.deleteByUser("eve")).isEqualTo(1);
    erased.countDown();

    Generation result = stream.result();
    assertThat(result.text()).isEqualTo("a picture of a cat");
    assertThat(genvault.find(stream.id())).isEmpty();
    assertThat(store.chunks(stream.id(), -1)).isEmpty();
    assertThat(blobs.open(result.blobs().get(0).key())).isEmpty();
    assertThat(cached(result)).isEmpty();
    assertThat(calls).hasValue(1);
  }

  /** A store whose inserts and user deletes can be held at a gate. */
  private static final class GatedStore extends ForwardingGenerationStore {
    volatile CountDownLatch insertGate;
    volatile CountDownLatch deleteGate;
    final CountDownLatch inserting = new CountDownLatch(1);

    GatedStore() {
      super(GenerationStore.inMemory());
    }

    private static void pass(CountDownLatch gate) {
      if (gate != null) {
        try {
          gate.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    @Override
    public void insert(Generation generation) {
      inserting.countDown();
      pass(insertGate);
      super.insert(generation);
    }

    @Override
    public int deleteByUser(String userId) {
      pass(deleteGate);
      return super.deleteByUser(userId);
    }
  }

  private static void awaitParked(Thread t) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING);
  }

  @Test
  void an_admission_under_way_when_the_erasure_begins_is_erased_too() throws Exception {
    GatedStore gated = new GatedStore();
    try (PersistentGenerator g =
        PersistentGenerator.builder().store(gated).blobs(blobs).cache(cache).build()) {
      gated.insertGate = new CountDownLatch(1);
      ScriptedClient slow = ScriptedClient.pausingAfter(1, "started ", "never");
      Future<Generation> admitted = pool.submit(() -> g.generate(ask("eve", "racing"), slow));
      assertThat(gated.inserting.await(10, TimeUnit.SECONDS)).isTrue();
      Thread[] eraser = new Thread[1];
      Future<Integer> erasure =
          pool.submit(
              () -> {
                eraser[0] = Thread.currentThread();
                return g.eraseUser("eve");
              });
      Awaitility.await().until(() -> eraser[0] != null);
      awaitParked(eraser[0]); // waiting for the admission under way, not done already
      assertThat(erasure.isDone()).isFalse();

      gated.insertGate.countDown();
      assertThat(erasure.get(20, TimeUnit.SECONDS)).isEqualTo(1);
      Throwable failed = catchThrowableOf(admitted);
      assertThat(failed).isInstanceOf(GenerationFailedException.class);
      assertThat(((GenerationFailedException) failed).errorType()).isEqualTo(ErrorType.CANCELLED);
      assertThat(gated.list(GenerationQuery.builder().userId("eve").build()).items()).isEmpty();
    }
  }

  @Test
  void a_run_of_another_process_that_ends_during_the_erasure_has_its_files_removed()
      throws Exception {
    GatedStore gated = new GatedStore();
    CountDownLatch stored = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ModelClient drawing =
        call -> {
          call.emit("a picture");
          call.storeBlob("image/png", new ByteArrayInputStream(new byte[] {1, 2, 3}));
          stored.countDown();
          if (!release.await(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException("never released");
          }
          return ModelResult.builder().usage(Usage.of(3, 4)).build();
        };
    try (PersistentGenerator here =
            PersistentGenerator.builder().store(gated).blobs(blobs).cache(cache).build();
        PersistentGenerator elsewhere =
            PersistentGenerator.builder().store(gated).blobs(blobs).cache(cache).build()) {
      GenerationStream remote = elsewhere.stream(ask("eve", "draw"), drawing);
      assertThat(stored.await(10, TimeUnit.SECONDS)).isTrue();
      gated.deleteGate = new CountDownLatch(1);
      Thread[] eraser = new Thread[1];
      Future<Integer> erasure =
          pool.submit(
              () -> {
                eraser[0] = Thread.currentThread();
                return here.eraseUser("eve");
              });
      Awaitility.await().until(() -> eraser[0] != null);
      // The erasure is parked (waiting for the run, or, without waiting, in the delete); the run
      // then ends with its file recorded on its row.
      awaitParked(eraser[0]);
      release.countDown();
      Generation done = remote.result();
      assertThat(done.status()).isEqualTo(GenerationStatus.COMPLETE);
      gated.deleteGate.countDown();

      assertThat(erasure.get(20, TimeUnit.SECONDS)).isEqualTo(1);
      assertThat(gated.find(done.id())).isEmpty();
      assertThat(blobs.open(done.blobs().get(0).key())).isEmpty();
    }
  }

  /** Blobs in memory whose deletes can be made to fail or wait. */
  private static final class SwitchableBlobs implements BlobStore {
    final BlobStore delegate = BlobStore.inMemory();
    final AtomicBoolean failDeletes = new AtomicBoolean();
    final CountDownLatch deleting = new CountDownLatch(1);
    volatile CountDownLatch holdDeletes;

    @Override
    public BlobRef put(String key, byte[] content, String contentType) {
      return delegate.put(key, content, contentType);
    }

    @Override
    public BlobRef put(String key, InputStream content, String contentType) {
      return delegate.put(key, content, contentType);
    }

    @Override
    public Optional<InputStream> open(String key) {
      return delegate.open(key);
    }

    @Override
    public boolean delete(String key) {
      deleting.countDown();
      CountDownLatch hold = holdDeletes;
      if (hold != null) {
        try {
          hold.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (failDeletes.get()) {
        throw new IllegalStateException("blob store unavailable");
      }
      return delegate.delete(key);
    }

    @Override
    public Optional<URI> url(BlobRef ref) {
      return delegate.url(ref);
    }
  }
}
