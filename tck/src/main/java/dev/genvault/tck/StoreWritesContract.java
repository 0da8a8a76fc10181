package dev.genvault.tck;

import static dev.genvault.tck.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genvault.Generation;
import dev.genvault.GenerationStatus;
import dev.genvault.spi.Chunk;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The {@link GenerationStoreContract} groups on writes: chunks, terminal rows and stale rows. */
abstract class StoreWritesContract extends StoreRowsContract {
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
}
