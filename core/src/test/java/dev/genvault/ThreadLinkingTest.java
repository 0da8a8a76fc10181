package dev.genvault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genvault.spi.ForwardingGenerationStore;
import dev.genvault.spi.GenerationStore;
import dev.genvault.spi.ThreadTip;
import dev.genvault.spi.Threads;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The generator links each chat turn to the one it continues, before the row is written. */
class ThreadLinkingTest {
  private final List<PersistentGenerator> generators = new ArrayList<>();
  private final AtomicInteger calls = new AtomicInteger();
  private final ModelClient model =
      ModelClient.of(
          "test",
          call -> {
            calls.incrementAndGet();
            List<Message> m = call.request().conversation();
            return ModelResult.text("answer to " + m.get(m.size() - 1).content());
          });

  private PersistentGenerator generator(GenerationStore store) {
    PersistentGenerator g = PersistentGenerator.builder().store(store).build();
    generators.add(g);
    return g;
  }

  @AfterEach
  void close() {
    generators.forEach(PersistentGenerator::close);
  }

  private static GenerationRequest chat(String user, List<Message> messages) {
    return GenerationRequest.builder()
        .model("gpt-4o-mini")
        .system("Be brief.")
        .messages(messages)
        .userId(user)
        .tenantId("t1")
        .build();
  }

  /** Three turns, each sending the whole conversation so far, as a chat app does. */
  private static List<Generation> converse(
      PersistentGenerator genvault, ModelClient model, String user) {
    List<Message> messages = new ArrayList<>();
    List<Generation> turns = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      messages.add(Message.user("question " + t));
      Generation g = genvault.generate(chat(user, messages), model);
      turns.add(g);
      messages.add(Message.assistant(g.text()));
    }
    return turns;
  }

  @Test
  void each_turn_of_a_conversation_continues_the_one_before() {
    GenerationStore store = GenerationStore.inMemory();
    List<Generation> turns = converse(generator(store), model, "alice");

    assertThat(turns.get(0).link()).isNull();
    assertThat(turns.get(1).link())
        .isEqualTo(new ThreadLink(turns.get(0).id(), turns.get(0).id(), 2));
    assertThat(turns.get(2).link())
        .isEqualTo(new ThreadLink(turns.get(1).id(), turns.get(0).id(), 4));
    for (Generation g : turns) {
      assertThat(store.find(g.id())).contains(g);
    }
  }

  @Test
  void a_conversation_is_never_linked_to_another_users_generation() {
    GenerationStore store = GenerationStore.inMemory();
    PersistentGenerator genvault = generator(store);
    Generation alices = converse(genvault, model, "alice").get(0);
    List<Message> same =
        List.of(
            Message.user("question 0"),
            Message.assistant(alices.text()),
            Message.user("question 1"));

    Generation bobs = genvault.generate(chat("bob", same), model);
    Generation hinted =
        genvault.generate(chat("bob", same).toBuilder().parentId(alices.id()).build(), model);

    assertThat(bobs.link()).isNull();
    assertThat(hinted.link()).as("a hint at another user's generation is not followed").isNull();
    assertThat(store.find(hinted.id()).orElseThrow().request()).isEqualTo(hinted.request());
  }

  @Test
  void continuing_builds_the_next_turn_and_links_to_that_very_generation() {
    GenerationStore store = GenerationStore.inMemory();
    PersistentGenerator genvault = generator(store);
    Generation first = genvault.generate(chat("alice", List.of(Message.user("hi"))), model);
    // The same question again is served from the dedup cache: a newer generation with the same
    // conversation and answer.
    Generation twin = genvault.generate(chat("alice", List.of(Message.user("hi"))), model);
    assertThat(twin.cachedFrom()).isEqualTo(first.id());

    GenerationRequest next = GenerationRequest.continuing(first, List.of(Message.user("more")));
    Generation continued = genvault.generate(next, model);
    Generation byHash = genvault.generate(next.toBuilder().parentId(null).build(), model);

    assertThat(next.messages())
        .containsExactly(Message.user("hi"), Message.assistant(first.text()), Message.user("more"));
    assertThat(next.system()).isEqualTo("Be brief.");
    assertThat(next.userId()).isEqualTo("alice");
    assertThat(next.parentId()).isEqualTo(first.id());
    assertThat(continued.parentId()).isEqualTo(first.id());
    assertThat(byHash.parentId()).as("without a hint: the newest match").isEqualTo(twin.id());
    assertThat(byHash.cachedFrom()).as("the hint is not part of the fingerprint").isNotNull();
  }

  @Test
  void a_prompt_can_be_continued() {
    PersistentGenerator genvault = generator(GenerationStore.inMemory());
    Generation first =
        genvault.generate(GenerationRequest.prompt("gpt-4o-mini", "Tell me a joke"), model);

    Generation next =
        genvault.generate(
            GenerationRequest.continuing(first, List.of(Message.user("another"))), model);

    assertThat(next.request().prompt()).isNull();
    assertThat(next.request().messages().get(0)).isEqualTo(Message.user("Tell me a joke"));
    assertThat(next.link()).isEqualTo(new ThreadLink(first.id(), first.id(), 2));
  }

  @Test
  void continuing_refuses_an_image_or_no_new_message() {
    PersistentGenerator genvault = generator(GenerationStore.inMemory());
    Generation first = genvault.generate(GenerationRequest.prompt("gpt-4o-mini", "x"), model);
    assertThatThrownBy(() -> GenerationRequest.continuing(first, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one new message");
  }

  @Test
  void a_store_that_does_not_keep_threads_is_never_asked_and_gets_no_link() {
    AtomicInteger lookups = new AtomicInteger();
    GenerationStore plain =
        new ForwardingGenerationStore(GenerationStore.inMemory()) {
          @Override
          public boolean keepsThreads() {
            return false;
          }

          @Override
          public Optional<ThreadTip> findThreadTip(
              @Nullable String userId, @Nullable String tenantId, List<Threads.Prefix> hashes) {
            lookups.incrementAndGet();
            return super.findThreadTip(userId, tenantId, hashes);
          }
        };
    List<Generation> turns = converse(generator(plain), model, "alice");
    assertThat(turns).allMatch(g -> g.link() == null);
    assertThat(lookups).hasValue(0);
  }

  @Test
  void a_failed_lookup_stores_the_turn_in_full_and_the_generation_goes_on() {
    GenerationStore failing =
        new ForwardingGenerationStore(GenerationStore.inMemory()) {
          @Override
          public Optional<ThreadTip> findThreadTip(
              @Nullable String userId, @Nullable String tenantId, List<Threads.Prefix> hashes) {
            throw new PersistenceException("lookup down", null);
          }
        };
    // Each turn from another process (a generator of its own): nothing remembered, the store asked.
    List<Message> messages = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      messages.add(Message.user("question " + t));
      Generation g = generator(failing).generate(chat("alice", messages), model);
      assertThat(g.status()).isEqualTo(GenerationStatus.COMPLETE);
      assertThat(g.link()).isNull();
      messages.add(Message.assistant(g.text()));
    }
  }

  @Test
  void the_next_turn_is_linked_from_memory_in_this_process_and_from_the_store_in_another() {
    AtomicInteger lookups = new AtomicInteger();
    GenerationStore store =
        new ForwardingGenerationStore(GenerationStore.inMemory()) {
          @Override
          public Optional<ThreadTip> threadTip(String id) {
            lookups.incrementAndGet();
            return super.threadTip(id);
          }

          @Override
          public Optional<ThreadTip> findThreadTip(
              @Nullable String userId, @Nullable String tenantId, List<Threads.Prefix> hashes) {
            lookups.incrementAndGet();
            return super.findThreadTip(userId, tenantId, hashes);
          }
        };
    PersistentGenerator here = generator(store);
    Generation first = here.generate(chat("alice", List.of(Message.user("q0"))), model);
    List<Message> next =
        List.of(Message.user("q0"), Message.assistant(first.text()), Message.user("q1"));

    Generation second = here.generate(chat("alice", next), model);
    assertThat(second.parentId()).isEqualTo(first.id());
    assertThat(lookups).as("the turn just ended here is remembered").hasValue(0);

    Generation elsewhere =
        generator(store).generate(chat("alice", next).toBuilder().temperature(0.5).build(), model);
    assertThat(elsewhere.parentId()).isEqualTo(first.id());
    assertThat(lookups).hasValue(1);

    AtomicInteger before = new AtomicInteger(lookups.get());
    Generation hinted =
        here.generate(
            GenerationRequest.continuing(first, List.of(Message.user("q1"))).toBuilder()
                .temperature(0.9)
                .build(),
            model);
    assertThat(hinted.parentId()).isEqualTo(first.id());
    assertThat(lookups).as("the hinted parent is remembered too").hasValue(before.get());

    here.delete(first.id());
    Generation afterDelete =
        here.generate(chat("alice", next).toBuilder().temperature(0.7).build(), model);
    assertThat(afterDelete.parentId()).as("a deleted parent is forgotten").isNull();
  }

  @Test
  void a_turn_that_joins_an_identical_one_in_flight_gets_the_same_place_in_the_thread()
      throws Exception {
    java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    ModelClient slow =
        ModelClient.of(
            "test",
            call -> {
              if (call.request().messages().size() > 1) {
                started.countDown();
                release.await();
              }
              return ModelResult.text("answer " + call.request().messages().size());
            });
    PersistentGenerator genvault = generator(GenerationStore.inMemory());
    Generation first = genvault.generate(chat("alice", List.of(Message.user("q0"))), slow);
    GenerationRequest next =
        chat(
            "alice",
            List.of(Message.user("q0"), Message.assistant(first.text()), Message.user("q1")));
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      java.util.concurrent.Future<Generation> leader =
          pool.submit(() -> genvault.generate(next, slow));
      started.await();
      java.util.concurrent.Future<Generation> joiner =
          pool.submit(() -> genvault.generate(next, slow));
      org.awaitility.Awaitility.await()
          .until(() -> genvault.list(GenerationQuery.builder().build()).items().size() == 3);
      release.countDown();
      Generation joined = joiner.get();
      assertThat(leader.get().parentId()).isEqualTo(first.id());
      assertThat(joined.cachedFrom()).isEqualTo(leader.get().id());
      assertThat(joined.link()).isEqualTo(leader.get().link());
      assertThat(genvault.find(joined.id()).orElseThrow().link()).isEqualTo(joined.link());
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void a_remembered_parent_deleted_elsewhere_gives_a_turn_written_whole_and_returned_as_written() {
    GenerationStore store = GenerationStore.inMemory();
    PersistentGenerator genvault = generator(store);
    List<Generation> turns = converse(genvault, model, "alice");
    // Deleted through the store itself, not the generator: the generator still remembers it.
    store.delete(turns.get(2).id());
    List<Message> messages = new ArrayList<>(turns.get(2).request().messages());
    messages.add(Message.assistant(turns.get(2).text()));
    messages.add(Message.user("question 3"));

    Generation next = genvault.generate(chat("alice", messages), model);

    assertThat(next.parentId()).isNull();
    assertThat(next.threadId()).isEqualTo(turns.get(0).id());
    assertThat(store.find(next.id())).contains(next);
    // The generator forgot it: the turn after links to the new one.
    messages.add(Message.assistant(next.text()));
    messages.add(Message.user("question 4"));
    assertThat(genvault.generate(chat("alice", messages), model).parentId()).isEqualTo(next.id());
  }

  @Test
  void a_thread_hash_covers_user_tenant_system_roles_and_answer() {
    GenerationRequest base = chat("alice", List.of(Message.user("q")));
    Generation answered =
        Generation.builder()
            .id("g1")
            .request(base)
            .status(GenerationStatus.COMPLETE)
            .text("a")
            .createdAt(java.time.Instant.EPOCH)
            .build();
    String hash = Threads.hashOf(answered);
    List<Message> next = List.of(Message.user("q"), Message.assistant("a"), Message.user("q2"));

    // The key is the answered generation's own conversation, known before its answer.
    assertThat(Threads.prefixesOf(chat("alice", next)))
        .containsExactly(new Threads.Prefix(hash, Threads.keyOf(base), 2));
    assertThat(Threads.keyOf(base)).isNotEqualTo(hash);
    assertThat(Threads.prefixesOf(chat("bob", next)).get(0).hash()).isNotEqualTo(hash);
    assertThat(
            Threads.prefixesOf(chat("alice", next).toBuilder().tenantId("t2").build())
                .get(0)
                .hash())
        .isNotEqualTo(hash);
    assertThat(
            Threads.prefixesOf(chat("alice", next).toBuilder().system("Be long.").build())
                .get(0)
                .hash())
        .isNotEqualTo(hash);
    List<Message> otherRole =
        List.of(new Message("developer", "q"), Message.assistant("a"), Message.user("q2"));
    assertThat(Threads.prefixesOf(chat("alice", otherRole)).get(0).hash()).isNotEqualTo(hash);
    List<Message> otherAnswer =
        List.of(Message.user("q"), Message.assistant("a "), Message.user("q2"));
    assertThat(Threads.prefixesOf(chat("alice", otherAnswer)).get(0).hash()).isNotEqualTo(hash);
    assertThat(Threads.hashOf(answered.toBuilder().toolCalls("[]").build())).isNull();
    assertThat(Threads.hashOf(answered.toBuilder().status(GenerationStatus.STREAMING).build()))
        .isNull();
    assertThat(Threads.prefixesOf(GenerationRequest.prompt("m", "q"))).isEmpty();
  }
}
