package dev.genvault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genvault.cost.Pricing;
import dev.genvault.spi.BlobStore;
import dev.genvault.spi.Chunk;
import dev.genvault.spi.DedupCache;
import dev.genvault.spi.GenerationStore;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class PersistentGeneratorTest {
  private final FlakyStore store = new FlakyStore();
  private final BlobStore blobs = BlobStore.inMemory();
  private final List<PersistentGenerator> generators = new ArrayList<>();

  private PersistentGenerator.Builder builder() {
    return builder(new CheckpointPolicy(Duration.ofMillis(20), 64));
  }

  private PersistentGenerator.Builder builder(CheckpointPolicy policy) {
    return PersistentGenerator.builder()
        .store(store)
        .blobs(blobs)
        .baseUrl("https://app.example.test/ai/")
        .checkpointPolicy(policy)
        .persistTimeout(Duration.ofSeconds(10));
  }

  private PersistentGenerator track(PersistentGenerator g) {
    generators.add(g);
    return g;
  }

  private PersistentGenerator generator() {
    return track(builder().build());
  }

  @AfterEach
  void closeGeneratorsAndCheckForStrayThreads() throws InterruptedException {
    generators.forEach(PersistentGenerator::close);
    // Threads still alive after close() would be a leak: checkpointer, sweeper, workers.
    await(
        "no genvault thread left after close()",
        () ->
            Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && t.getName().startsWith("genvault-")));
  }

  private static GenerationRequest haiku() {
    return GenerationRequest.builder()
        .model("gpt-4o-mini")
        .prompt("Write a haiku")
        .userId("u1")
        .tenantId("t1")
        .build();
  }

  private static void await(String what, BooleanSupplier condition) {
    Awaitility.await(what).atMost(Duration.ofSeconds(20)).until(condition::getAsBoolean);
  }

  @Nested
  class Generate {
    @Test
    void a_generation_becomes_a_complete_priced_record() {
      PersistentGenerator genvault = generator();
      ScriptedClient client = ScriptedClient.emitting("Old ", "pond, ", "frog.");
      Generation g = genvault.generate(haiku(), client);

      assertThat(g.id()).hasSize(21).matches("[A-Za-z0-9_-]{21}");
      assertThat(g.status()).isEqualTo(GenerationStatus.COMPLETE);
      assertThat(g.text()).isEqualTo("Old pond, frog.");
      assertThat(g.provider()).isEqualTo("scripted");
      assertThat(g.providerModel()).isEqualTo("scripted-model-001");
      assertThat(g.finishReason()).isEqualTo("stop");
      assertThat(g.usage()).isEqualTo(Usage.of(10, 3));
      // 10 input x $0.15/M + 3 output x $0.60/M = (1.5 + 1.8) / 1e6 = 0.0000033
      assertThat(g.cost().usd()).isEqualByComparingTo("0.0000033");
      assertThat(g.cost().source().id())
          .as("the bundled table is the default")
          .isEqualTo(Pricing.bundledVersion());
      assertThat(g.firstTokenAt()).isNotNull();
      assertThat(g.completedAt()).isNotNull();
      assertThat(g.fingerprint()).hasSize(32);
      assertThat(store.find(g.id())).contains(g);
      assertThat(genvault.url(g)).isEqualTo("https://app.example.test/ai/generate/" + g.id());
    }

    @Test
    void a_plain_client_that_returns_whole_text_is_stored_too() {
      PersistentGenerator genvault = generator();
      ModelClient plain = ModelClient.of("wrapped", call -> ModelResult.text("whole answer"));
      Generation g = genvault.generate(haiku(), plain);
      assertThat(g.text()).isEqualTo("whole answer");
      assertThat(g.provider()).isEqualTo("wrapped");
      assertThat(g.usage()).as("no usage reported stays null").isNull();
      assertThat(g.cost()).as("no usage, no cost: null, not 0").isNull();
    }

    @Test
    void a_chat_request_gets_a_chat_url() {
      PersistentGenerator genvault = generator();
      Generation g =
          genvault.generate(
              GenerationRequest.chat("gpt-4o-mini", List.of(Message.user("hi"))),
              ScriptedClient.emitting("hello"));
      assertThat(genvault.url(g)).endsWith("/chat/" + g.id());
    }

    @Test
    void an_unknown_model_is_stored_with_a_null_cost() {
      PersistentGenerator genvault = generator();
      Generation g =
          genvault.generate(
              GenerationRequest.prompt("my-finetune", "hi"), ScriptedClient.emitting("x"));
      assertThat(g.usage()).isNotNull();
      assertThat(g.cost()).isNull();
    }

    @Test
    void the_listener_sees_start_first_token_checkpoint_and_completion() throws Exception {
      List<String> events = new CopyOnWriteArrayList<>();
      PersistentGenerator genvault =
          track(
              builder()
                  .listener(
                      new GenerationListener() {
                        @Override
                        public void started(Generation pending) {
                          events.add("started:" + pending.status().wireName());
                        }

                        @Override
                        public void firstToken(String generationId) {
                          events.add("firstToken");
                        }

                        @Override
                        public void completed(Generation generation) {
                          events.add("completed");
                        }
                      })
                  .build());
      genvault.generate(haiku(), ScriptedClient.emitting("a", "b"));
      assertThat(events).containsExactly("started:pending", "firstToken", "completed");
    }
  }

  @Nested
  class BadInput {
    @Test
    void a_build_that_fails_leaves_no_thread_behind() {
      java.util.concurrent.ScheduledExecutorService dead =
          java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
      dead.shutdown();
      // The check after each test fails if a genvault thread (checkpointer, worker) is left.
      assertThatThrownBy(() -> builder().scheduler(dead).build())
          .isInstanceOf(java.util.concurrent.RejectedExecutionException.class);
    }

    @Test
    void a_request_without_model_or_prompt_fails_naming_the_field_and_stores_nothing() {
      assertThatThrownBy(() -> GenerationRequest.builder().prompt("hi").build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("model");
      assertThatThrownBy(() -> GenerationRequest.builder().model("gpt-4o-mini").build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("prompt");
      assertThat(store.all()).isEmpty();
    }

    @Test
    void a_prompt_over_the_limit_is_refused_before_any_row_or_call() {
      PersistentGenerator genvault = track(builder().maxInputChars(100).build());
      ScriptedClient client = ScriptedClient.emitting("x");
      GenerationRequest big = GenerationRequest.prompt("gpt-4o-mini", "x".repeat(101));
      assertThatThrownBy(() -> genvault.generate(big, client))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("101 characters")
          .hasMessageContaining("maxInputChars");
      assertThat(client.calls).hasValue(0);
      assertThat(store.all()).isEmpty();
    }

    @Test
    void an_id_generator_below_16_characters_is_refused() {
      assertThatThrownBy(() -> IdGenerator.nanoid(10)).isInstanceOf(IllegalArgumentException.class);
      PersistentGenerator genvault = track(builder().ids(() -> "short-id").build());
      ScriptedClient client = ScriptedClient.emitting("x");
      assertThatThrownBy(() -> genvault.generate(haiku(), client))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("16");
      assertThat(client.calls).hasValue(0);
      assertThat(store.all()).isEmpty();
    }

    @Test
    void the_builder_refuses_a_second_store_and_a_missing_one() {
      assertThatThrownBy(() -> PersistentGenerator.builder().store(store).store(store))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("store");
      assertThatThrownBy(() -> PersistentGenerator.builder().build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("GenerationStore");
    }

    @Test
    void a_closed_generator_takes_no_new_work() {
      PersistentGenerator genvault = generator();
      genvault.close();
      assertThatThrownBy(() -> genvault.generate(haiku(), ScriptedClient.emitting("x")))
          .isInstanceOf(IllegalStateException.class);
    }
  }

  @Nested
  class Failures {
    @Test
    void an_insert_whose_commit_happened_but_whose_answer_was_lost_goes_on_with_the_call() {
      PersistentGenerator genvault = generator();
      store.insertAnswerLost.set(true);
      ScriptedClient client = ScriptedClient.emitting("still ", "here");
      Generation g = genvault.generate(haiku(), client);
      assertThat(client.calls).hasValue(1);
      assertThat(g.status()).isEqualTo(GenerationStatus.COMPLETE);
      assertThat(store.find(g.id()).orElseThrow().text()).isEqualTo("still here");
      assertThat(store.all()).hasSize(1);
    }

    @Test
    void an_insert_that_failed_without_a_row_calls_nothing() {
      PersistentGenerator genvault = generator();
      store.insertDown.set(true);
      ScriptedClient client = ScriptedClient.emitting("never");
      assertThat(catchThrowable(() -> genvault.generate(haiku(), client)))
          .isInstanceOf(PersistenceException.class)
          .hasMessageContaining("the model was not called");
      assertThat(client.calls).hasValue(0);
      assertThat(store.all()).isEmpty();
    }

    @Test
    void a_client_that_throws_leaves_an_error_row_with_its_message_and_the_text_so_far() {
      PersistentGenerator genvault = generator();
      ScriptedClient client =
          ScriptedClient.failingAfter(
              new IllegalStateException("connection reset by peer"), "Half ", "a ");
      GenerationFailedException e =
          (GenerationFailedException) catchThrowable(() -> genvault.generate(haiku(), client));
      assertThat(e.errorType()).isEqualTo(ErrorType.PROVIDER_ERROR);
      assertThat(e.generationId()).hasSize(21);
      assertThat(e).hasMessageContaining("connection reset by peer");
      Generation row = store.find(e.generationId()).orElseThrow();
      assertThat(row.status()).isEqualTo(GenerationStatus.ERROR);
      assertThat(row.errorType()).isEqualTo(ErrorType.PROVIDER_ERROR);
      assertThat(row.errorMessage()).isEqualTo("connection reset by peer");
      assertThat(row.text()).isEqualTo("Half a ");
      assertThat(row.completedAt()).isNotNull();
    }

    @Test
    void a_classified_provider_failure_keeps_its_error_type() {
      PersistentGenerator genvault = generator();
      ScriptedClient client =
          ScriptedClient.failingAfter(
              new ProviderException(ErrorType.RATE_LIMITED, "429 slow down"));
      GenerationFailedException e =
          (GenerationFailedException) catchThrowable(() -> genvault.generate(haiku(), client));
      assertThat(e.errorType()).isEqualTo(ErrorType.RATE_LIMITED);
      assertThat(store.find(e.generationId()).orElseThrow().errorType())
          .isEqualTo(ErrorType.RATE_LIMITED);
    }

    @Test
    void an_interrupted_caller_gets_an_interrupted_row_and_keeps_its_interrupt() {
      PersistentGenerator genvault = generator();
      ModelClient interrupted =
          ModelClient.of(
              "test",
              call -> {
                call.emit("so far");
                throw new InterruptedException("caller interrupted");
              });
      GenerationFailedException e =
          (GenerationFailedException) catchThrowable(() -> genvault.generate(haiku(), interrupted));
      assertThat(Thread.interrupted()).as("the interrupt is restored (and cleared here)").isTrue();
      assertThat(e.errorType()).isEqualTo(ErrorType.INTERRUPTED);
      assertThat(store.find(e.generationId()).orElseThrow().text()).isEqualTo("so far");
    }

    @Test
    void when_the_insert_fails_the_client_is_never_called() {
      PersistentGenerator genvault = generator();
      store.insertDown.set(true);
      ScriptedClient client = ScriptedClient.emitting("x");
      assertThatThrownBy(() -> genvault.generate(haiku(), client))
          .isInstanceOf(PersistenceException.class)
          .hasMessageContaining("not called");
      assertThatThrownBy(() -> genvault.submit(haiku(), client))
          .isInstanceOf(PersistenceException.class);
      assertThatThrownBy(() -> genvault.stream(haiku(), client))
          .isInstanceOf(PersistenceException.class);
      assertThat(client.calls).hasValue(0);
      assertThat(store.all()).isEmpty();
    }

    @Test
    void text_written_during_a_store_outage_reaches_the_store_in_order_once_it_is_back()
        throws Exception {
      PersistentGenerator genvault =
          track(builder(new CheckpointPolicy(Duration.ofHours(1), 1_000_000)).build());
      ScriptedClient client =
          ScriptedClient.pausingAfter(4, "one ", "two ", "three ", "four ", "five");
      String id = genvault.submit(haiku(), client);
      assertThat(client.paused.await(10, TimeUnit.SECONDS)).isTrue();

      store.chunksDown.set(true);
      genvault.checkpointNow();
      genvault.checkpointNow();
      assertThat(store.failedChunkWrites).hasValue(2);
      assertThat(store.chunks(id, -1)).isEmpty();

      store.chunksDown.set(false);
      genvault.checkpointNow();
      assertThat(store.find(id).orElseThrow().text()).isEqualTo("one two three four ");
      assertThat(store.find(id).orElseThrow().status()).isEqualTo(GenerationStatus.STREAMING);
      List<Chunk> chunks = store.chunks(id, -1);
      assertThat(chunks).extracting(Chunk::seq).containsExactly(0);

      client.gate.countDown();
      Generation done = genvault.follow(id).result();
      assertThat(done.text()).isEqualTo("one two three four five");
      assertThat(store.find(id).orElseThrow().status()).isEqualTo(GenerationStatus.COMPLETE);
    }

    @Test
    void the_terminal_row_is_retried_through_a_short_outage() {
      PersistentGenerator genvault = track(builder().sleeper(d -> {}).build());
      store.finishFailures.set(3);
      Generation g = genvault.generate(haiku(), ScriptedClient.emitting("survives"));
      assertThat(store.find(g.id()).orElseThrow().status()).isEqualTo(GenerationStatus.COMPLETE);
      assertThat(store.find(g.id()).orElseThrow().text()).isEqualTo("survives");
    }

    @Test
    void a_generated_file_without_a_blob_store_ends_blob_upload_failed() {
      PersistentGenerator genvault = track(PersistentGenerator.builder().store(store).build());
      GenerationFailedException e =
          (GenerationFailedException)
              catchThrowable(
                  () ->
                      genvault.generate(
                          GenerationRequest.image("demo", "a cat"),
                          DemoModel.create(Duration.ZERO, 3)));
      assertThat(e.errorType()).isEqualTo(ErrorType.BLOB_UPLOAD_FAILED);
      assertThat(store.find(e.generationId()).orElseThrow().errorMessage())
          .contains("no BlobStore");
    }

    @Test
    void a_failed_generation_deletes_the_files_it_stored_and_its_row_names_none() {
      PersistentGenerator genvault = track(builder().build());
      ModelClient failsAfterOneFile =
          ModelClient.of(
              "test",
              call -> {
                call.storeBlob("image/png", new java.io.ByteArrayInputStream(new byte[] {1, 2}));
                throw new ProviderException(ErrorType.PROVIDER_ERROR, "broke after a file");
              });
      GenerationFailedException e =
          (GenerationFailedException)
              catchThrowable(
                  () ->
                      genvault.generate(
                          GenerationRequest.image("demo", "a cat"), failsAfterOneFile));
      assertThat(e.errorType()).isEqualTo(ErrorType.PROVIDER_ERROR);
      assertThat(store.find(e.generationId()).orElseThrow().blobs()).isEmpty();
      assertThat(blobs.open("generations/" + e.generationId() + "/0.png")).isEmpty();
    }

    @Test
    void a_cache_outage_never_fails_a_generation() {
      DedupCache broken =
          new DedupCache() {
            @Override
            public Optional<String> get(String key) {
              throw new IllegalStateException("cache down");
            }

            @Override
            public void put(String key, String value, Duration ttl) {
              throw new IllegalStateException("cache down");
            }

            @Override
            public boolean putIfAbsent(String key, String value, Duration ttl) {
              throw new IllegalStateException("cache down");
            }

            @Override
            public void invalidate(String key) {
              throw new IllegalStateException("cache down");
            }

            @Override
            public boolean invalidateIf(String key, String expected) {
              throw new IllegalStateException("cache down");
            }

            @Override
            public boolean renewIf(String key, String expected, Duration ttl) {
              throw new IllegalStateException("cache down");
            }

            @Override
            public boolean awaitChange(String key, String expected, Duration maxWait) {
              throw new IllegalStateException("cache down");
            }
          };
      PersistentGenerator genvault = track(builder().cache(broken).build());
      assertThat(genvault.generate(haiku(), ScriptedClient.emitting("fine")).text())
          .isEqualTo("fine");
    }
  }

  @Nested
  class Dedup {
    @Test
    void an_identical_request_gets_a_new_row_copied_from_the_cache_at_no_cost() {
      PersistentGenerator genvault = generator();
      ScriptedClient client = ScriptedClient.emitting("Old ", "pond.");
      Generation first = genvault.generate(haiku(), client);
      Generation second = genvault.generate(haiku(), client);

      assertThat(client.calls).hasValue(1);
      assertThat(second.id()).isNotEqualTo(first.id());
      assertThat(second.status()).isEqualTo(GenerationStatus.COMPLETE);
      assertThat(second.text()).isEqualTo(first.text());
      assertThat(second.cachedFrom()).isEqualTo(first.id());
      assertThat(second.cost().usd()).isEqualByComparingTo("0");
      assertThat(second.savedCost()).isEqualByComparingTo(first.cost().usd());
      assertThat(store.find(second.id())).contains(second);
    }

    @Test
    void a_repeat_made_the_moment_a_stream_ends_is_served_from_the_cache() {
      PersistentGenerator genvault = generator();
      ScriptedClient client = ScriptedClient.emitting("a", "b");
      for (int round = 0; round < 20; round++) {
        GenerationRequest request = haiku().toBuilder().seed((long) round).build();
        GenerationStream stream = genvault.stream(request, client);
        stream.forEach(piece -> {});
        Generation repeat = genvault.generate(request, client);
        assertThat(repeat.cachedFrom()).as("round " + round).isEqualTo(stream.id());
      }
      assertThat(client.calls).hasValue(20);
    }

    @Test
    void by_default_another_user_is_never_served_a_copy_even_without_a_tenant() {
      PersistentGenerator genvault = generator();
      ScriptedClient client = ScriptedClient.emitting("x");
      GenerationRequest alice = haiku().toBuilder().tenantId(null).userId("alice").build();
      genvault.generate(alice, client);
      Generation bob = genvault.generate(alice.toBuilder().userId("bob").build(), client);
      assertThat(client.calls).hasValue(2);
      assertThat(bob.cachedFrom()).isNull();
      Generation aliceAgain = genvault.generate(alice, client);
      assertThat(aliceAgain.cachedFrom()).isNotNull();
      assertThat(client.calls).hasValue(2);
    }

    @Test
    void the_tenant_scope_shares_across_the_users_of_a_tenant_when_chosen() {
      PersistentGenerator genvault = track(builder().cacheScope(CacheScope.TENANT).build());
      ScriptedClient client = ScriptedClient.emitting("x");
      Generation alice = genvault.generate(haiku().toBuilder().userId("alice").build(), client);
      Generation bob = genvault.generate(haiku().toBuilder().userId("bob").build(), client);
      assertThat(client.calls).hasValue(1);
      assertThat(bob.cachedFrom()).isEqualTo(alice.id());
    }

    @Test
    void a_changed_parameter_or_another_tenant_is_a_miss() {
      PersistentGenerator genvault = generator();
      ScriptedClient client = ScriptedClient.emitting("x");
      genvault.generate(haiku(), client);
      genvault.generate(haiku().toBuilder().temperature(0.2).build(), client);
      genvault.generate(haiku().toBuilder().tenantId("t2").build(), client);
      genvault.generate(haiku().toBuilder().system("be brief").build(), client);
      assertThat(client.calls).hasValue(4);
    }

    @Test
    void an_error_is_never_cached() {
      PersistentGenerator genvault = generator();
      ScriptedClient failing = ScriptedClient.failingAfter(new IllegalStateException("boom"), "x");
      assertThatThrownBy(() -> genvault.generate(haiku(), failing))
          .isInstanceOf(GenerationFailedException.class);
      ScriptedClient working = ScriptedClient.emitting("ok");
      Generation g = genvault.generate(haiku(), working);
      assertThat(working.calls).hasValue(1);
      assertThat(g.cachedFrom()).isNull();
    }

    @Test
    void a_truncated_or_filtered_result_is_not_cached() {
      PersistentGenerator genvault = generator();
      ScriptedClient truncated = ScriptedClient.finishing("length", "cut");
      genvault.generate(haiku(), truncated);
      genvault.generate(haiku(), truncated);
      assertThat(truncated.calls).hasValue(2);
      ScriptedClient filtered = ScriptedClient.finishing("content_filter", "no");
      GenerationRequest other = haiku().toBuilder().seed(1L).build();
      genvault.generate(other, filtered);
      genvault.generate(other, filtered);
      assertThat(filtered.calls).hasValue(2);
    }

    @Test
    void without_a_cache_nothing_is_fingerprinted_or_joined_and_each_request_calls_the_client()
        throws Exception {
      PersistentGenerator genvault = track(builder().cache(DedupCache.none()).build());
      ScriptedClient client = ScriptedClient.pausingAfter(1, "own ", "answer");
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        Future<Generation> first = pool.submit(() -> genvault.generate(haiku(), client));
        assertThat(client.paused.await(10, TimeUnit.SECONDS)).isTrue();
        Future<Generation> second = pool.submit(() -> genvault.generate(haiku(), client));
        await("both requests call the client", () -> client.calls.get() == 2);
        client.gate.countDown();
        Generation a = first.get(20, TimeUnit.SECONDS);
        Generation b = second.get(20, TimeUnit.SECONDS);
        assertThat(List.of(a, b))
            .allSatisfy(
                g -> {
                  assertThat(g.fingerprint()).isNull();
                  assertThat(g.cachedFrom()).isNull();
                  assertThat(g.status()).isEqualTo(GenerationStatus.COMPLETE);
                });
        assertThat(genvault.generate(haiku(), client).cachedFrom()).isNull();
        assertThat(client.calls).hasValue(3);
      } finally {
        pool.shutdownNow();
      }
    }

    @Test
    void two_identical_concurrent_requests_call_the_client_once_and_make_two_rows()
        throws Exception {
      PersistentGenerator genvault = generator();
      ScriptedClient client = ScriptedClient.pausingAfter(1, "shared ", "answer");
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        Future<Generation> first = pool.submit(() -> genvault.generate(haiku(), client));
        assertThat(client.paused.await(10, TimeUnit.SECONDS)).isTrue();
        Future<Generation> second = pool.submit(() -> genvault.generate(haiku(), client));
        await("the second request's row", () -> store.all().size() == 2);
        client.gate.countDown();
        Generation a = first.get(20, TimeUnit.SECONDS);
        Generation b = second.get(20, TimeUnit.SECONDS);
        assertThat(client.calls).hasValue(1);
        assertThat(a.id()).isNotEqualTo(b.id());
        assertThat(b.text()).isEqualTo(a.text()).isEqualTo("shared answer");
        assertThat(b.cachedFrom()).isEqualTo(a.id());
        assertThat(b.cost().usd()).isEqualByComparingTo("0");
        assertThat(store.all()).hasSize(2).allMatch(g -> g.status() == GenerationStatus.COMPLETE);
      } finally {
        pool.shutdownNow();
      }
    }

    @Test
    void an_identical_request_in_flight_in_another_process_is_joined_through_the_shared_cache()
        throws Exception {
      DedupCache shared = DedupCache.caffeine(100);
      PersistentGenerator processA = track(builder().cache(shared).build());
      PersistentGenerator processB =
          track(
              PersistentGenerator.builder()
                  .store(store)
                  .blobs(blobs)
                  .cache(shared)
                  .checkpointPolicy(new CheckpointPolicy(Duration.ofMillis(20), 64))
                  .build());
      ScriptedClient client = ScriptedClient.pausingAfter(1, "from ", "A");
      String leader = processA.submit(haiku(), client);
      assertThat(client.paused.await(10, TimeUnit.SECONDS)).isTrue();
      GenerationStream joined = processB.stream(haiku(), client);
      client.gate.countDown();
      Generation copy = joined.result();
      assertThat(client.calls).hasValue(1);
      assertThat(copy.cachedFrom()).isEqualTo(leader);
      assertThat(copy.text()).isEqualTo("from A");
    }

    /**
     * A lease of an hour: its scheduled renewals (every quarter) never run during a test, which
     * renews by hand while the shared cache's clock moves.
     */
    private PersistentGenerator processWithAnHourLease(DedupCache shared) {
      return track(
          PersistentGenerator.builder()
              .store(store)
              .cache(shared)
              .lease(Duration.ofHours(1))
              .checkpointPolicy(new CheckpointPolicy(Duration.ofMillis(20), 64))
              .build());
    }

    @Test
    void a_generation_longer_than_the_lease_is_still_joined_by_another_process() throws Exception {
      TestClock cacheTime = new TestClock(Instant.parse("2026-11-01T00:00:00Z"));
      DedupCache shared = DedupCache.caffeine(100, cacheTime);
      PersistentGenerator processA = processWithAnHourLease(shared);
      PersistentGenerator processB =
          track(
              PersistentGenerator.builder()
                  .store(store)
                  .cache(shared)
                  .lease(Duration.ofSeconds(5))
                  .checkpointPolicy(new CheckpointPolicy(Duration.ofMillis(20), 64))
                  .build());
      ScriptedClient client = ScriptedClient.pausingAfter(1, "long ", "answer");
      String leader = processA.submit(haiku(), client);
      assertThat(client.paused.await(10, TimeUnit.SECONDS)).isTrue();
      for (int quarter = 0; quarter < 12; quarter++) { // three leases
        cacheTime.advance(Duration.ofMinutes(15));
        processA.renewClaims();
      }
      GenerationStream joined = processB.stream(haiku(), client);
      client.gate.countDown();
      Generation copy = joined.result();
      assertThat(client.calls).as("joined, not started twice").hasValue(1);
      assertThat(copy.cachedFrom()).isEqualTo(leader);
    }

    @Test
    void without_renewals_a_claim_expires_after_its_lease() throws Exception {
      TestClock cacheTime = new TestClock(Instant.parse("2026-11-01T00:00:00Z"));
      DedupCache shared = DedupCache.caffeine(100, cacheTime);
      PersistentGenerator processA = processWithAnHourLease(shared);
      ScriptedClient client = ScriptedClient.pausingAfter(1, "long ", "answer");
      processA.submit(haiku(), client);
      assertThat(client.paused.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(shared.get(FailOpenCache.claimKey("t1", Fingerprint.of(haiku(), CacheScope.USER))))
          .isPresent();
      cacheTime.advance(Duration.ofMinutes(61));
      assertThat(shared.get(FailOpenCache.claimKey("t1", Fingerprint.of(haiku(), CacheScope.USER))))
          .isEmpty();
      client.gate.countDown();
    }

    @Test
    void an_image_served_from_the_cache_owns_a_copy_of_its_files() throws Exception {
      PersistentGenerator genvault = generator();
      GenerationRequest cat = GenerationRequest.image("demo", "a cat");
      Generation first = genvault.generate(cat, DemoModel.create(Duration.ZERO, 1));
      Generation second = genvault.generate(cat, DemoModel.create(Duration.ZERO, 1));
      assertThat(second.cachedFrom()).isEqualTo(first.id());
      assertThat(second.blobs())
          .singleElement()
          .satisfies(
              ref -> {
                assertThat(ref.key()).isEqualTo("generations/" + second.id() + "/0.png");
                assertThat(ref.sha256()).isEqualTo(first.blobs().get(0).sha256());
              });
      assertThat(genvault.delete(first.id())).isTrue();
      assertThat(blobs.open(first.blobs().get(0).key())).isEmpty();
      assertThat(blobs.open(second.blobs().get(0).key())).isPresent();
    }
  }

  @Nested
  class Streaming {
    @Test
    void the_id_and_pending_row_exist_before_the_first_token() throws Exception {
      PersistentGenerator genvault = generator();
      ScriptedClient client = ScriptedClient.pausingAfter(0, "a", "b", "c");
      try (GenerationStream stream = genvault.stream(haiku(), client)) {
        assertThat(client.paused.await(10, TimeUnit.SECONDS)).isTrue();
        Generation row = store.find(stream.id()).orElseThrow();
        assertThat(row.status()).isEqualTo(GenerationStatus.PENDING);
        client.gate.countDown();
        List<String> pieces = new ArrayList<>();
        stream.forEach(pieces::add);
        assertThat(String.join("", pieces)).isEqualTo("abc");
        assertThat(stream.result().status()).isEqualTo(GenerationStatus.COMPLETE);
      }
    }

    @Test
    void a_failed_stream_ends_its_iteration_with_the_failure() {
      PersistentGenerator genvault = generator();
      GenerationStream stream =
          genvault.stream(
              haiku(),
              ScriptedClient.failingAfter(new IllegalStateException("dropped"), "partial"));
      List<String> pieces = new ArrayList<>();
      assertThatThrownBy(() -> stream.forEach(pieces::add))
          .isInstanceOf(GenerationFailedException.class)
          .hasMessageContaining("dropped");
      assertThat(pieces).containsExactly("partial");
      assertThat(stream.result().text()).isEqualTo("partial");
    }

    @Test
    void closing_a_stream_early_does_not_lose_the_generation() throws Exception {
      PersistentGenerator genvault = generator();
      ScriptedClient client = ScriptedClient.pausingAfter(1, "kept ", "to the end");
      GenerationStream stream = genvault.stream(haiku(), client);
      assertThat(client.paused.await(10, TimeUnit.SECONDS)).isTrue();
      stream.close();
      client.gate.countDown();
      await("the generation to complete", () -> store.find(stream.id()).orElseThrow().isTerminal());
      Generation row = store.find(stream.id()).orElseThrow();
      assertThat(row.status()).isEqualTo(GenerationStatus.COMPLETE);
      assertThat(row.text()).isEqualTo("kept to the end");
    }

    @Test
    void with_the_cancel_policy_closing_early_ends_the_row_cancelled_with_the_text_so_far()
        throws Exception {
      PersistentGenerator genvault =
          track(builder().streamClosePolicy(StreamClosePolicy.CANCEL).build());
      ScriptedClient client = ScriptedClient.pausingAfter(1, "only this", " never");
      GenerationStream stream = genvault.stream(haiku(), client);
      assertThat(client.paused.await(10, TimeUnit.SECONDS)).isTrue();
      stream.close();
      await("the generation to end", () -> store.find(stream.id()).orElseThrow().isTerminal());
      Generation row = store.find(stream.id()).orElseThrow();
      assertThat(row.errorType()).isEqualTo(ErrorType.CANCELLED);
      assertThat(row.text()).isEqualTo("only this");
    }

    @Test
    void checkpoints_write_every_live_stream_in_one_call() throws Exception {
      PersistentGenerator genvault =
          track(builder(new CheckpointPolicy(Duration.ofHours(1), 1_000_000)).build());
      List<ScriptedClient> clients = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        ScriptedClient client =
            ScriptedClient.pausingAfter(2, "s" + i + "a ", "s" + i + "b ", "end");
        clients.add(client);
        ids.add(genvault.submit(haiku().toBuilder().seed((long) i).build(), client));
      }
      for (ScriptedClient c : clients) {
        assertThat(c.paused.await(10, TimeUnit.SECONDS)).isTrue();
      }
      genvault.checkpointNow();
      assertThat(store.chunkWrites).hasSize(1);
      assertThat(store.chunkWrites.get(0)).hasSize(3);
      assertThat(
              store.chunkWrites.get(0).stream()
                  .map(Chunk::generationId)
                  .collect(Collectors.toSet()))
          .isEqualTo(Set.copyOf(ids));
      genvault.checkpointNow();
      assertThat(store.chunkWrites).as("nothing new, nothing written").hasSize(1);
      clients.forEach(c -> c.gate.countDown());
      for (String id : ids) {
        assertThat(genvault.follow(id).result().status()).isEqualTo(GenerationStatus.COMPLETE);
      }
    }

    @Test
    void enough_buffered_pieces_trigger_a_checkpoint_before_the_interval() throws Exception {
      PersistentGenerator genvault =
          track(builder(new CheckpointPolicy(Duration.ofHours(1), 4)).build());
      ScriptedClient client = ScriptedClient.pausingAfter(4, "1", "2", "3", "4", "5");
      String id = genvault.submit(haiku(), client);
      await("an early checkpoint", () -> store.find(id).orElseThrow().text().equals("1234"));
      client.gate.countDown();
      assertThat(genvault.follow(id).result().text()).isEqualTo("12345");
    }
  }

  @Nested
  class SubmitAndFollow {
    @Test
    void submit_returns_the_id_of_a_stored_row_and_follow_replays_then_goes_live()
        throws Exception {
      PersistentGenerator genvault = generator();
      ScriptedClient client = ScriptedClient.pausingAfter(2, "a", "b", "c", "d");
      String id = genvault.submit(haiku(), client);
      assertThat(store.find(id)).isPresent();
      assertThat(client.paused.await(10, TimeUnit.SECONDS)).isTrue();
      GenerationStream follower = genvault.follow(id);
      client.gate.countDown();
      StringBuilder text = new StringBuilder();
      follower.forEach(text::append);
      assertThat(text).hasToString("abcd");
      assertThat(follower.result().status()).isEqualTo(GenerationStatus.COMPLETE);
    }

    @Test
    void follow_of_a_finished_generation_gives_its_whole_text() {
      PersistentGenerator genvault = generator();
      Generation g = genvault.generate(haiku(), ScriptedClient.emitting("long ", "done"));
      GenerationStream again = genvault.follow(g.id());
      StringBuilder text = new StringBuilder();
      again.forEach(text::append);
      assertThat(text).hasToString("long done");
    }

    @Test
    void follow_from_another_process_reads_the_store_until_the_end() throws Exception {
      PersistentGenerator processA = generator();
      PersistentGenerator processB =
          track(
              PersistentGenerator.builder()
                  .store(store)
                  .checkpointPolicy(new CheckpointPolicy(Duration.ofMillis(10), 64))
                  .build());
      ScriptedClient client = ScriptedClient.pausingAfter(2, "x", "y", "z");
      String id = processA.submit(haiku(), client);
      assertThat(client.paused.await(10, TimeUnit.SECONDS)).isTrue();
      await("the first checkpoint", () -> !store.chunks(id, -1).isEmpty());
      GenerationStream remote = processB.follow(id);
      client.gate.countDown();
      StringBuilder text = new StringBuilder();
      remote.forEach(text::append);
      assertThat(text).hasToString("xyz");
      assertThat(remote.result().status()).isEqualTo(GenerationStatus.COMPLETE);
    }

    @Test
    void follow_of_an_unknown_id_fails() {
      PersistentGenerator genvault = generator();
      assertThatThrownBy(() -> genvault.follow("no-such-generation"))
          .isInstanceOf(java.util.NoSuchElementException.class);
    }
  }

  @Nested
  class CrashesAndShutdown {
    @Test
    void the_sweeper_ends_a_row_whose_process_died_keeping_its_text() {
      MutableTestClock clock = new MutableTestClock(Instant.parse("2026-03-01T10:00:00Z"));
      GenerationStore shared = GenerationStore.inMemory();
      Generation orphan =
          Generation.builder()
              .id("orphan0000000000000001")
              .request(haiku())
              .createdAt(clock.instant())
              .heartbeatAt(clock.instant())
              .build();
      shared.insert(orphan);
      shared.appendChunks(
          List.of(new Chunk(orphan.id(), 0, "text before the crash", clock.instant())),
          clock.instant());

      PersistentGenerator genvault =
          track(
              PersistentGenerator.builder()
                  .store(shared)
                  .clock(clock)
                  .lease(Duration.ofSeconds(60))
                  .build());
      clock.advance(Duration.ofSeconds(59));
      assertThat(genvault.sweep()).isZero();
      clock.advance(Duration.ofSeconds(2));
      assertThat(genvault.sweep()).isEqualTo(1);
      Generation swept = shared.find(orphan.id()).orElseThrow();
      assertThat(swept.status()).isEqualTo(GenerationStatus.ERROR);
      assertThat(swept.errorType()).isEqualTo(ErrorType.INTERRUPTED);
      assertThat(swept.text()).isEqualTo("text before the crash");
    }

    @Test
    void close_leaves_no_row_pending_or_streaming() throws Exception {
      PersistentGenerator genvault = track(builder().drainTimeout(Duration.ofMillis(100)).build());
      ScriptedClient stuck = ScriptedClient.pausingAfter(1, "started ", "never finished");
      String id = genvault.submit(haiku(), stuck);
      assertThat(stuck.paused.await(10, TimeUnit.SECONDS)).isTrue();
      ScriptedClient fast = ScriptedClient.emitting("quick");
      String quick = genvault.submit(haiku().toBuilder().seed(9L).build(), fast);
      await("the quick one", () -> store.find(quick).orElseThrow().isTerminal());

      genvault.close();

      assertThat(store.all()).allMatch(Generation::isTerminal);
      Generation row = store.find(id).orElseThrow();
      assertThat(row.errorType()).isEqualTo(ErrorType.INTERRUPTED);
      assertThat(row.text()).isEqualTo("started ");
      assertThat(store.find(quick).orElseThrow().status()).isEqualTo(GenerationStatus.COMPLETE);
    }

    @Test
    void close_also_ends_a_request_waiting_on_an_identical_stuck_one() throws Exception {
      PersistentGenerator genvault = track(builder().drainTimeout(Duration.ofMillis(100)).build());
      ScriptedClient stuck = ScriptedClient.pausingAfter(1, "leader ", "never");
      String leader = genvault.submit(haiku(), stuck);
      assertThat(stuck.paused.await(10, TimeUnit.SECONDS)).isTrue();
      String joiner = genvault.submit(haiku(), stuck);
      await("the joiner's row", () -> store.find(joiner).isPresent());

      genvault.close();

      assertThat(store.find(leader).orElseThrow().errorType()).isEqualTo(ErrorType.INTERRUPTED);
      assertThat(store.find(joiner).orElseThrow().errorType()).isEqualTo(ErrorType.INTERRUPTED);
      assertThat(stuck.calls).hasValue(1);
    }

    @Test
    void close_waits_for_work_that_finishes_within_the_drain_timeout() throws Exception {
      PersistentGenerator genvault = track(builder().drainTimeout(Duration.ofSeconds(20)).build());
      ScriptedClient client = ScriptedClient.pausingAfter(1, "a", "b");
      String id = genvault.submit(haiku(), client);
      assertThat(client.paused.await(10, TimeUnit.SECONDS)).isTrue();
      Thread closer = new Thread(genvault::close);
      closer.start();
      await("close() has begun draining", genvault::isClosed);
      client.gate.countDown(); // the work finishes while close() waits for it
      closer.join();
      assertThat(store.find(id).orElseThrow().status()).isEqualTo(GenerationStatus.COMPLETE);
    }
  }

  @Nested
  class Files {
    @Test
    void images_go_to_the_blob_store_under_the_generation_id() throws Exception {
      PersistentGenerator genvault = generator();
      Generation g =
          genvault.generate(
              GenerationRequest.image("demo", "a red square").toBuilder().n(2).build(),
              DemoModel.create(Duration.ZERO, 1));
      assertThat(g.blobs()).hasSize(2);
      for (int n = 0; n < 2; n++) {
        BlobRef ref = g.blobs().get(n);
        assertThat(ref.key()).isEqualTo("generations/" + g.id() + "/" + n + ".png");
        assertThat(ref.contentType()).isEqualTo("image/png");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = blobs.open(ref.key()).orElseThrow()) {
          in.transferTo(out);
        }
        assertThat(out.toByteArray()).startsWith(0x89, 'P', 'N', 'G');
        assertThat(ref.size()).isEqualTo(out.size());
      }
      assertThat(genvault.url(g)).endsWith("/image/" + g.id());
      assertThat(genvault.blobUrl(g, 1)).endsWith("/image/" + g.id() + "/1");
    }

    @Test
    void erasing_a_user_removes_their_rows_and_files() {
      PersistentGenerator genvault = generator();
      Generation img =
          genvault.generate(
              GenerationRequest.image("demo", "x").toBuilder().userId("gone").build(),
              DemoModel.create(Duration.ZERO, 1));
      genvault.generate(haiku().toBuilder().userId("gone").build(), ScriptedClient.emitting("t"));
      Generation kept =
          genvault.generate(
              haiku().toBuilder().userId("stays").seed(3L).build(), ScriptedClient.emitting("k"));
      assertThat(genvault.eraseUser("gone")).isEqualTo(2);
      assertThat(blobs.open(img.blobs().get(0).key())).isEmpty();
      assertThat(store.all()).extracting(Generation::id).containsExactly(kept.id());
    }
  }

  private static Throwable catchThrowable(Runnable r) {
    try {
      r.run();
    } catch (Throwable t) {
      return t;
    }
    throw new AssertionError("expected an exception");
  }

  /** A clock the test moves. */
  static final class MutableTestClock extends java.time.Clock {
    private volatile Instant now;

    MutableTestClock(Instant start) {
      now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
