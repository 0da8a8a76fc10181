package dev.genvault.tck;

import static dev.genvault.tck.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genvault.DuplicateGenerationException;
import dev.genvault.Generation;
import dev.genvault.GenerationOwner;
import dev.genvault.GenerationQuery;
import dev.genvault.GenerationStatus;
import dev.genvault.Page;
import dev.genvault.SpendQuery;
import dev.genvault.SpendRow;
import dev.genvault.Usage;
import dev.genvault.spi.Chunk;
import dev.genvault.spi.GenerationStore;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link GenerationStore} keeps. Extend it and implement {@link #createStore()}
 * (a new, empty store per test); override {@link #closeStore} to release it.
 */
public abstract class GenerationStoreContract {

  /** The store under test. */
  protected GenerationStore store;

  /** A new, empty store. Called before each test. */
  protected abstract GenerationStore createStore() throws Exception;

  /** Releases the store after each test; does nothing by default. */
  protected void closeStore(GenerationStore store) throws Exception {}

  @BeforeEach
  void setUpStore() throws Exception {
    store = createStore();
  }

  @AfterEach
  void tearDownStore() throws Exception {
    closeStore(store);
  }

  private Generation insertPending(Instant at) {
    Generation g = Fixtures.pending(Fixtures.newId(), at);
    store.insert(g);
    return g;
  }

  private static List<Generation> runConcurrently(int threads, Callable<Generation> task)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Generation>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        futures.add(pool.submit(task));
      }
      List<Generation> results = new ArrayList<>();
      for (Future<Generation> f : futures) {
        results.add(f.get(30, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  @Nested
  @DisplayName("insert and find")
  class InsertAndFind {
    @Test
    void a_pending_row_is_found_by_its_id() {
      Generation g = insertPending(T0);
      Generation found = store.find(g.id()).orElseThrow();
      assertThat(found.id()).isEqualTo(g.id());
      assertThat(found.status()).isEqualTo(GenerationStatus.PENDING);
      assertThat(found.request()).isEqualTo(g.request());
      assertThat(found.createdAt()).isEqualTo(T0);
      assertThat(found.text()).isEmpty();
    }

    @Test
    void an_unknown_id_finds_nothing() {
      assertThat(store.find("no-such-generation-id")).isEmpty();
      assertThat(store.status("no-such-generation-id")).isEmpty();
      assertThat(store.owner("no-such-generation-id")).isEmpty();
    }

    @Test
    void owner_gives_the_user_and_tenant_of_a_row_live_or_terminal_until_it_is_deleted() {
      Generation g = insertPending(T0);
      Generation anonymous = Fixtures.pending(Fixtures.newId(), null, null, "m1", T0);
      store.insert(anonymous);
      assertThat(store.owner(g.id())).contains(new GenerationOwner(g.id(), "u1", "t1"));
      assertThat(store.owner(anonymous.id()))
          .contains(new GenerationOwner(anonymous.id(), null, null));
      store.finish(Fixtures.complete(g, T0.plusSeconds(1), "x"));
      assertThat(store.owner(g.id())).contains(new GenerationOwner(g.id(), "u1", "t1"));
      store.delete(g.id());
      assertThat(store.owner(g.id())).isEmpty();
    }

    @Test
    void status_follows_a_row_from_pending_to_terminal() {
      Generation g = insertPending(T0);
      assertThat(store.status(g.id())).contains(GenerationStatus.PENDING);
      store.appendChunks(List.of(new Chunk(g.id(), 0, "x", T0)), T0);
      assertThat(store.status(g.id())).contains(GenerationStatus.STREAMING);
      store.finish(Fixtures.failed(g, T0.plusSeconds(1), "x"));
      assertThat(store.status(g.id())).contains(GenerationStatus.ERROR);
    }

    @Test
    void a_duplicate_id_is_rejected_and_the_first_row_is_kept() {
      Generation first = insertPending(T0);
      Generation second =
          Fixtures.pending(first.id(), "other-user", null, "other-model", T0.plusSeconds(5));
      assertThatThrownBy(() -> store.insert(second))
          .isInstanceOf(DuplicateGenerationException.class);
      assertThat(store.find(first.id()).orElseThrow().userId()).isEqualTo("u1");
    }

    @Test
    void insert_refuses_a_terminal_row_and_insert_terminal_refuses_a_live_one() {
      Generation live = Fixtures.pending(Fixtures.newId(), T0);
      assertThatThrownBy(() -> store.insert(Fixtures.complete(live, T0, "x")))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> store.insertTerminal(live))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void every_field_of_a_rich_request_and_result_round_trips() {
      Generation pending =
          Fixtures.pending(Fixtures.newId(), T0).toBuilder()
              .request(Fixtures.richRequest())
              .build();
      store.insert(pending);
      Generation complete =
          Fixtures.complete(pending, T0.plusSeconds(3), "Answer with 🧪 and 中文 and \"quotes\"");
      assertThat(store.finish(complete)).isTrue();
      Generation found = store.find(pending.id()).orElseThrow();
      assertThat(found.request()).isEqualTo(pending.request());
      assertThat(found.text()).isEqualTo(complete.text());
      assertThat(found.usage()).isEqualTo(complete.usage());
      assertThat(found.cost().usd()).isEqualByComparingTo(complete.cost().usd());
      assertThat(found.cost().source().id()).isEqualTo("2026-01-01");
      assertThat(found.blobs()).isEqualTo(complete.blobs());
      assertThat(found.finishReason()).isEqualTo("tool_calls");
      assertThat(found.toolCalls()).isEqualTo(complete.toolCalls());
      assertThat(found.attributes()).isEqualTo(Map.of("size", "1024x1024", "quality", "high"));
      assertThat(found.provider()).isEqualTo("test");
      assertThat(found.providerModel()).isEqualTo("gpt-4o-mini-2024-07-18");
      assertThat(found.providerResponseId()).isEqualTo("chatcmpl-123");
      assertThat(found.fingerprint()).isEqualTo(pending.fingerprint());
      assertThat(found.firstTokenAt()).isEqualTo(complete.firstTokenAt());
      assertThat(found.completedAt()).isEqualTo(complete.completedAt());
      assertThat(found.heartbeatAt()).isNull();
    }

    @Test
    void a_cache_copy_is_inserted_terminal_with_its_origin_and_saved_cost() {
      Generation original = insertPending(T0);
      Generation copy =
          Fixtures.complete(
                  Fixtures.pending(Fixtures.newId(), T0.plusSeconds(1)), T0.plusSeconds(1), "hi")
              .toBuilder()
              .cachedFrom(original.id())
              .savedCost(new BigDecimal("0.0042"))
              .cost(dev.genvault.Cost.zero(dev.genvault.PriceSource.table("2026-01-01")))
              .usage(null)
              .build();
      store.insertTerminal(copy);
      Generation found = store.find(copy.id()).orElseThrow();
      assertThat(found.status()).isEqualTo(GenerationStatus.COMPLETE);
      assertThat(found.cachedFrom()).isEqualTo(original.id());
      assertThat(found.savedCost()).isEqualByComparingTo("0.0042");
      assertThat(found.cost().usd()).isEqualByComparingTo("0");
      assertThat(found.usage()).as("unknown usage stays null, never 0").isNull();
      assertThatThrownBy(() -> store.insertTerminal(copy))
          .isInstanceOf(DuplicateGenerationException.class);
    }
  }

  @Nested
  @DisplayName("chunks")
  class Chunks {
    @Test
    void chunks_assemble_in_seq_order_whatever_order_they_arrive_in() {
      Generation g = insertPending(T0);
      store.appendChunks(List.of(new Chunk(g.id(), 2, "c", T0), new Chunk(g.id(), 0, "a", T0)), T0);
      store.appendChunks(List.of(new Chunk(g.id(), 1, "b", T0)), T0);
      assertThat(store.find(g.id()).orElseThrow().text()).isEqualTo("abc");
      assertThat(store.chunks(g.id(), -1)).extracting(Chunk::seq).containsExactly(0, 1, 2);
    }

    @Test
    void writing_the_same_chunk_again_is_a_no_op() {
      Generation g = insertPending(T0);
      List<Chunk> batch =
          List.of(new Chunk(g.id(), 0, "Hello", T0), new Chunk(g.id(), 1, ", world", T0));
      store.appendChunks(batch, T0);
      store.appendChunks(batch, T0.plusSeconds(1));
      store.appendChunks(List.of(new Chunk(g.id(), 1, "DIFFERENT", T0)), T0.plusSeconds(2));
      assertThat(store.find(g.id()).orElseThrow().text()).isEqualTo("Hello, world");
    }

    @Test
    void the_first_chunk_moves_a_pending_row_to_streaming_with_first_token_time_and_heartbeat() {
      Generation g = insertPending(T0);
      Instant first = T0.plusMillis(300);
      store.appendChunks(List.of(new Chunk(g.id(), 0, "x", first)), T0.plusSeconds(1));
      Generation found = store.find(g.id()).orElseThrow();
      assertThat(found.status()).isEqualTo(GenerationStatus.STREAMING);
      assertThat(found.firstTokenAt()).isEqualTo(first);
      assertThat(found.heartbeatAt()).isEqualTo(T0.plusSeconds(1));
      store.appendChunks(List.of(new Chunk(g.id(), 1, "y", T0.plusSeconds(2))), T0.plusSeconds(2));
      assertThat(store.find(g.id()).orElseThrow().firstTokenAt()).isEqualTo(first);
    }

    @Test
    void one_call_appends_chunks_of_many_generations() {
      Generation a = insertPending(T0);
      Generation b = insertPending(T0);
      store.appendChunks(
          List.of(
              new Chunk(a.id(), 0, "a0", T0),
              new Chunk(b.id(), 0, "b0", T0),
              new Chunk(a.id(), 1, "a1", T0)),
          T0);
      assertThat(store.find(a.id()).orElseThrow().text()).isEqualTo("a0a1");
      assertThat(store.find(b.id()).orElseThrow().text()).isEqualTo("b0");
    }

    @Test
    void chunks_of_unknown_or_terminal_generations_are_ignored() {
      Generation g = insertPending(T0);
      store.finish(Fixtures.failed(g, T0.plusSeconds(1), "final"));
      store.appendChunks(
          List.of(new Chunk(g.id(), 0, "late", T0), new Chunk("unknown-generation-id", 0, "x", T0)),
          T0);
      assertThat(store.find(g.id()).orElseThrow().text()).isEqualTo("final");
      assertThat(store.find("unknown-generation-id")).isEmpty();
    }

    @Test
    void chunks_after_a_seq_returns_only_later_ones() {
      Generation g = insertPending(T0);
      List<Chunk> all = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        all.add(new Chunk(g.id(), i, "t" + i, T0.plusMillis(i)));
      }
      store.appendChunks(all, T0);
      assertThat(store.chunks(g.id(), 2)).extracting(Chunk::text).containsExactly("t3", "t4");
      assertThat(store.chunks(g.id(), 4)).isEmpty();
      assertThat(store.chunks("unknown-generation-id", -1)).isEmpty();
    }

    @Test
    void large_and_multilingual_text_round_trips_exactly() {
      Generation g = insertPending(T0);
      StringBuilder big = new StringBuilder();
      while (big.length() < 300_000) {
        big.append("line ").append(big.length()).append(" — 🧪 中文 𝄞\n");
      }
      String text = big.toString();
      store.appendChunks(
          List.of(
              new Chunk(g.id(), 0, text.substring(0, 100_000), T0),
              new Chunk(g.id(), 1, text.substring(100_000), T0)),
          T0);
      assertThat(store.find(g.id()).orElseThrow().text()).isEqualTo(text);
      store.finish(Fixtures.complete(g, T0.plusSeconds(1), text));
      assertThat(store.find(g.id()).orElseThrow().text()).isEqualTo(text);
    }

    @Test
    void eight_concurrent_writers_with_overlapping_chunks_leave_each_chunk_once() throws Exception {
      Generation g = insertPending(T0);
      CyclicBarrier start = new CyclicBarrier(8);
      runConcurrently(
          8,
          () -> {
            start.await();
            for (int round = 0; round < 10; round++) {
              List<Chunk> batch = new ArrayList<>();
              for (int seq = round * 10; seq < round * 10 + 10; seq++) {
                batch.add(new Chunk(g.id(), seq, "<" + seq + ">", T0));
              }
              store.appendChunks(batch, T0);
            }
            return g;
          });
      StringBuilder expected = new StringBuilder();
      for (int seq = 0; seq < 100; seq++) {
        expected.append('<').append(seq).append('>');
      }
      assertThat(store.find(g.id()).orElseThrow().text()).isEqualTo(expected.toString());
      assertThat(store.chunks(g.id(), -1)).hasSize(100);
    }
  }

  @Nested
  @DisplayName("terminal rows")
  class TerminalRows {
    @Test
    void finish_makes_a_live_row_complete() {
      Generation g = insertPending(T0);
      store.appendChunks(List.of(new Chunk(g.id(), 0, "partial", T0)), T0);
      assertThat(store.finish(Fixtures.complete(g, T0.plusSeconds(2), "whole text"))).isTrue();
      Generation found = store.find(g.id()).orElseThrow();
      assertThat(found.status()).isEqualTo(GenerationStatus.COMPLETE);
      assertThat(found.text()).isEqualTo("whole text");
      assertThat(found.completedAt()).isEqualTo(T0.plusSeconds(2));
    }

    @Test
    void an_error_row_keeps_its_type_message_and_text() {
      Generation g = insertPending(T0);
      assertThat(store.finish(Fixtures.failed(g, T0.plusSeconds(1), "half an ans"))).isTrue();
      Generation found = store.find(g.id()).orElseThrow();
      assertThat(found.status()).isEqualTo(GenerationStatus.ERROR);
      assertThat(found.errorType()).isEqualTo(dev.genvault.ErrorType.PROVIDER_ERROR);
      assertThat(found.errorMessage()).isEqualTo("upstream said no");
      assertThat(found.text()).isEqualTo("half an ans");
    }

    @Test
    void values_at_their_documented_limits_are_kept_whole() {
      String provider = "p".repeat(127) + "\u00e9";
      Generation g = Fixtures.pending(Fixtures.newId(), T0).toBuilder().provider(provider).build();
      store.insert(g);
      String emoji = "\uD83D\uDE00";
      Generation done =
          Fixtures.complete(g, T0.plusSeconds(1), "text").toBuilder()
              .finishReason("f".repeat(62) + emoji)
              .providerModel("m".repeat(255) + "\u00fc")
              .providerResponseId("r".repeat(254) + emoji)
              .attributes(
                  java.util.Map.of("a".repeat(256), "v".repeat(65_535) + "\u2026", "k", "\uFFFD"))
              .build();
      assertThat(store.finish(done)).isTrue();
      Generation found = store.find(g.id()).orElseThrow();
      assertThat(found.provider()).isEqualTo(provider);
      assertThat(found.finishReason()).isEqualTo(done.finishReason());
      assertThat(found.providerModel()).isEqualTo(done.providerModel());
      assertThat(found.providerResponseId()).isEqualTo(done.providerResponseId());
      assertThat(found.attributes()).isEqualTo(done.attributes());
    }

    @Test
    void a_persistence_failed_row_keeps_its_type() {
      Generation g = insertPending(T0);
      Generation failed =
          Fixtures.failed(g, T0.plusSeconds(1), "the whole text").toBuilder()
              .error(dev.genvault.ErrorType.PERSISTENCE_FAILED, "the result could not be stored")
              .build();
      assertThat(store.finish(failed)).isTrue();
      assertThat(store.find(g.id()).orElseThrow().errorType())
          .isEqualTo(dev.genvault.ErrorType.PERSISTENCE_FAILED);
    }

    @Test
    void a_terminal_row_never_changes_again() {
      Generation g = insertPending(T0);
      Generation complete = Fixtures.complete(g, T0.plusSeconds(1), "first");
      assertThat(store.finish(complete)).isTrue();
      assertThat(store.finish(Fixtures.failed(g, T0.plusSeconds(2), "second"))).isFalse();
      store.heartbeat(List.of(g.id()), T0.plusSeconds(3));
      store.appendChunks(List.of(new Chunk(g.id(), 0, "late", T0)), T0.plusSeconds(3));
      Generation found = store.find(g.id()).orElseThrow();
      assertThat(found.status()).isEqualTo(GenerationStatus.COMPLETE);
      assertThat(found.text()).isEqualTo("first");
      assertThat(found.heartbeatAt()).isNull();
    }

    @Test
    void finish_of_an_unknown_id_returns_false() {
      Generation never = Fixtures.complete(Fixtures.pending(Fixtures.newId(), T0), T0, "x");
      assertThat(store.finish(never)).isFalse();
      assertThat(store.find(never.id())).isEmpty();
    }

    @Test
    void finish_refuses_a_live_record() {
      Generation g = insertPending(T0);
      assertThatThrownBy(() -> store.finish(g)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void of_eight_concurrent_finishes_exactly_one_applies() throws Exception {
      Generation g = insertPending(T0);
      CyclicBarrier start = new CyclicBarrier(8);
      List<Boolean> applied = new java.util.concurrent.CopyOnWriteArrayList<>();
      List<Generation> attempts =
          runConcurrently(
              8,
              () -> {
                Generation mine =
                    Fixtures.complete(
                        g, T0.plusSeconds(1), "winner " + Thread.currentThread().getName());
                start.await();
                applied.add(store.finish(mine));
                return mine;
              });
      assertThat(applied).containsOnlyOnce(true);
      String stored = store.find(g.id()).orElseThrow().text();
      assertThat(attempts).extracting(Generation::text).contains(stored);
    }

    @Test
    void heartbeats_touch_live_rows_only() {
      Generation live = insertPending(T0);
      Generation done = insertPending(T0);
      store.finish(Fixtures.complete(done, T0, "x"));
      store.heartbeat(List.of(live.id(), done.id(), "unknown-generation-id"), T0.plusSeconds(30));
      assertThat(store.find(live.id()).orElseThrow().heartbeatAt()).isEqualTo(T0.plusSeconds(30));
      assertThat(store.find(done.id()).orElseThrow().heartbeatAt()).isNull();
    }
  }

  @Nested
  @DisplayName("listing")
  class Listing {
    @Test
    void every_filter_narrows_the_list() {
      Generation a = Fixtures.pending(Fixtures.newId(), "alice", "acme", "gpt-4o", T0);
      Generation b =
          Fixtures.pending(Fixtures.newId(), "bob", "acme", "gpt-4o-mini", T0.plusSeconds(10));
      Generation c =
          Fixtures.pending(Fixtures.newId(), "alice", "globex", "gpt-4o-mini", T0.plusSeconds(20));
      store.insert(a);
      store.insert(b);
      store.insert(c);
      store.finish(Fixtures.complete(b, T0.plusSeconds(11), "b"));

      assertThat(ids(GenerationQuery.builder().userId("alice"))).containsExactly(c.id(), a.id());
      assertThat(ids(GenerationQuery.builder().tenantId("acme"))).containsExactly(b.id(), a.id());
      assertThat(ids(GenerationQuery.builder().model("gpt-4o-mini")))
          .containsExactly(c.id(), b.id());
      assertThat(ids(GenerationQuery.builder().status(GenerationStatus.COMPLETE)))
          .containsExactly(b.id());
      assertThat(
              ids(
                  GenerationQuery.builder()
                      .createdFrom(T0.plusSeconds(10))
                      .createdBefore(T0.plusSeconds(20))))
          .containsExactly(b.id());
      assertThat(ids(GenerationQuery.builder().userId("alice").tenantId("globex")))
          .containsExactly(c.id());
      assertThat(ids(GenerationQuery.builder().userId("nobody"))).isEmpty();
    }

    @Test
    void filter_values_are_data_not_patterns_or_sql() {
      store.insert(Fixtures.pending(Fixtures.newId(), "alice", null, "m1", T0));
      assertThat(ids(GenerationQuery.builder().userId("%"))).isEmpty();
      assertThat(ids(GenerationQuery.builder().userId("a_ice"))).isEmpty();
      assertThat(ids(GenerationQuery.builder().userId("' OR '1'='1"))).isEmpty();
      assertThat(ids(GenerationQuery.builder().model("m1'; DROP TABLE generations; --"))).isEmpty();
      assertThat(ids(GenerationQuery.builder())).hasSize(1);
    }

    @Test
    void pages_cover_every_row_once_newest_first_even_with_equal_times() {
      Set<String> inserted = new HashSet<>();
      for (int i = 0; i < 23; i++) {
        Generation g =
            Fixtures.pending(Fixtures.newId(), T0.plusSeconds(i / 3)); // three rows per second
        store.insert(g);
        inserted.add(g.id());
      }
      List<Generation> seen = new ArrayList<>();
      String cursor = null;
      int pages = 0;
      do {
        Page<Generation> page =
            store.list(GenerationQuery.builder().limit(5).cursor(cursor).build());
        assertThat(page.items().size()).isLessThanOrEqualTo(5);
        seen.addAll(page.items());
        cursor = page.nextCursor();
        pages++;
      } while (cursor != null && pages < 20);
      assertThat(seen).extracting(Generation::id).doesNotHaveDuplicates();
      assertThat(seen.stream().map(Generation::id).collect(Collectors.toSet())).isEqualTo(inserted);
      for (int i = 1; i < seen.size(); i++) {
        Generation prev = seen.get(i - 1);
        Generation next = seen.get(i);
        int byTime = next.createdAt().compareTo(prev.createdAt());
        assertThat(byTime < 0 || (byTime == 0 && next.id().compareTo(prev.id()) < 0))
            .as("newest first, then ID descending")
            .isTrue();
      }
    }

    @Test
    void a_full_last_page_may_carry_a_cursor_that_leads_to_an_empty_page() {
      for (int i = 0; i < 4; i++) {
        store.insert(Fixtures.pending(Fixtures.newId(), T0.plusSeconds(i)));
      }
      Page<Generation> first = store.list(GenerationQuery.builder().limit(4).build());
      assertThat(first.items()).hasSize(4);
      if (first.nextCursor() != null) {
        assertThat(
                store
                    .list(GenerationQuery.builder().limit(4).cursor(first.nextCursor()).build())
                    .items())
            .isEmpty();
      }
    }

    @Test
    void a_cursor_that_was_not_made_by_a_store_is_rejected() {
      assertThatThrownBy(() -> GenerationQuery.builder().cursor("not a cursor!").build())
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_live_row_in_a_list_carries_its_stored_text() {
      Generation g = insertPending(T0);
      store.appendChunks(List.of(new Chunk(g.id(), 0, "so far", T0)), T0);
      assertThat(store.list(GenerationQuery.builder().build()).items().get(0).text())
          .isEqualTo("so far");
    }

    private List<String> ids(GenerationQuery.Builder query) {
      return store.list(query.build()).items().stream()
          .map(Generation::id)
          .collect(Collectors.toList());
    }
  }

  @Nested
  @DisplayName("spend")
  class Spend {
    private Generation finished(
        String user, String model, Instant at, String cost, long in, long out) {
      Generation g = Fixtures.pending(Fixtures.newId(), user, "t1", model, at);
      store.insert(g);
      store.finish(
          Fixtures.complete(g, at.plusSeconds(1), "x").toBuilder()
              .usage(Usage.of(in, out))
              .cost(
                  cost == null
                      ? null
                      : new dev.genvault.Cost(
                          new BigDecimal(cost), dev.genvault.PriceSource.table("v1")))
              .build());
      return g;
    }

    @Test
    void sums_are_exact_and_grouped_by_user_model_and_day() {
      Instant day1 = Instant.parse("2026-03-01T23:59:59Z");
      Instant day2 = Instant.parse("2026-03-02T00:00:00Z");
      finished("alice", "gpt-4o", day1, "0.000000000000000001", 10, 1);
      finished("alice", "gpt-4o", day1, "0.1", 20, 2);
      finished("alice", "gpt-4o-mini", day2, "0.2", 30, 3);
      finished("bob", "gpt-4o", day2, null, 40, 4);

      SpendQuery range =
          SpendQuery.between(
              Instant.parse("2026-03-01T00:00:00Z"), Instant.parse("2026-03-03T00:00:00Z"));
      List<SpendRow> total = store.spend(range);
      assertThat(total).hasSize(1);
      assertThat(total.get(0).generations()).isEqualTo(4);
      assertThat(total.get(0).inputTokens()).isEqualTo(100);
      assertThat(total.get(0).outputTokens()).isEqualTo(10);
      assertThat(total.get(0).costUsd()).isEqualByComparingTo("0.300000000000000001");

      List<SpendRow> byUser =
          store.spend(
              SpendQuery.between(
                  range.createdFrom(), range.createdBefore(), SpendQuery.Dimension.USER));
      assertThat(byUser).hasSize(2);
      SpendRow alice =
          byUser.stream().filter(r -> "alice".equals(r.userId())).findFirst().orElseThrow();
      assertThat(alice.generations()).isEqualTo(3);
      assertThat(alice.costUsd()).isEqualByComparingTo("0.300000000000000001");
      SpendRow bob =
          byUser.stream().filter(r -> "bob".equals(r.userId())).findFirst().orElseThrow();
      assertThat(bob.costUsd()).as("an unknown cost adds nothing").isEqualByComparingTo("0");
      assertThat(bob.model()).isNull();

      List<SpendRow> byModelAndDay =
          store.spend(
              SpendQuery.between(
                  range.createdFrom(),
                  range.createdBefore(),
                  SpendQuery.Dimension.MODEL,
                  SpendQuery.Dimension.DAY));
      assertThat(byModelAndDay).hasSize(3);
      SpendRow gpt4oDay1 =
          byModelAndDay.stream()
              .filter(
                  r -> "gpt-4o".equals(r.model()) && LocalDate.parse("2026-03-01").equals(r.day()))
              .findFirst()
              .orElseThrow();
      assertThat(gpt4oDay1.generations()).isEqualTo(2);
      assertThat(gpt4oDay1.inputTokens()).isEqualTo(30);

      assertThat(store.spend(range.forUser("bob")))
          .singleElement()
          .satisfies(r -> assertThat(r.generations()).isEqualTo(1));
      assertThat(store.spend(range.forTenant("nobody"))).isEmpty();
    }

    @Test
    void the_range_includes_its_start_and_excludes_its_end() {
      finished("alice", "m", T0, "1", 1, 1);
      finished("alice", "m", T0.plusSeconds(60), "2", 1, 1);
      List<SpendRow> rows = store.spend(SpendQuery.between(T0, T0.plusSeconds(60)));
      assertThat(rows)
          .singleElement()
          .satisfies(r -> assertThat(r.costUsd()).isEqualByComparingTo("1"));
    }
  }

  @Nested
  @DisplayName("stale rows")
  class StaleRows {
    @Test
    void live_rows_with_an_old_heartbeat_are_stale_oldest_first() {
      Generation old = insertPending(T0);
      Generation older = insertPending(T0.minusSeconds(30));
      Generation fresh = insertPending(T0);
      Generation done = insertPending(T0.minusSeconds(100));
      store.finish(Fixtures.complete(done, T0, "x"));
      store.heartbeat(List.of(fresh.id()), T0.plusSeconds(100));

      List<Generation> stale = store.findStale(T0.plusSeconds(50), 10);
      assertThat(stale).extracting(Generation::id).containsExactly(older.id(), old.id());
      assertThat(store.findStale(T0.plusSeconds(50), 1))
          .extracting(Generation::id)
          .containsExactly(older.id());
      assertThat(store.findStale(T0.minusSeconds(60), 10)).isEmpty();
    }

    @Test
    void a_stale_row_carries_the_text_stored_so_far() {
      Generation g = insertPending(T0);
      store.appendChunks(List.of(new Chunk(g.id(), 0, "kept", T0)), T0);
      assertThat(store.findStale(T0.plus(Duration.ofMinutes(5)), 10))
          .singleElement()
          .satisfies(s -> assertThat(s.text()).isEqualTo("kept"));
    }
  }

  @Nested
  @DisplayName("deletion")
  class Deletion {
    @Test
    void delete_removes_a_row_and_its_chunks() {
      Generation g = insertPending(T0);
      store.appendChunks(List.of(new Chunk(g.id(), 0, "x", T0)), T0);
      assertThat(store.delete(g.id())).isTrue();
      assertThat(store.find(g.id())).isEmpty();
      assertThat(store.chunks(g.id(), -1)).isEmpty();
      assertThat(store.delete(g.id())).isFalse();
    }

    @Test
    void delete_by_user_removes_only_that_users_rows() {
      Generation a1 = Fixtures.pending(Fixtures.newId(), "alice", null, "m", T0);
      Generation a2 = Fixtures.pending(Fixtures.newId(), "alice", null, "m", T0);
      Generation b = Fixtures.pending(Fixtures.newId(), "bob", null, "m", T0);
      store.insert(a1);
      store.insert(a2);
      store.insert(b);
      store.finish(Fixtures.complete(a2, T0, "x"));
      assertThat(store.deleteByUser("alice")).isEqualTo(2);
      assertThat(store.find(a1.id())).isEmpty();
      assertThat(store.find(a2.id())).isEmpty();
      assertThat(store.find(b.id())).isPresent();
      assertThat(store.deleteByUser("alice")).isZero();
    }
  }

  @Nested
  @DisplayName("null arguments")
  class NullArguments {
    @Test
    void are_rejected() {
      assertThatThrownBy(() -> store.find(null)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> store.owner(null)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> store.insert(null)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> store.delete(null)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> store.deleteByUser(null)).isInstanceOf(NullPointerException.class);
    }
  }
}
