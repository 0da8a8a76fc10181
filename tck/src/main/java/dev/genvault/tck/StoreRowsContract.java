package dev.genvault.tck;

import static dev.genvault.tck.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genvault.DuplicateGenerationException;
import dev.genvault.Generation;
import dev.genvault.GenerationOwner;
import dev.genvault.GenerationStatus;
import dev.genvault.spi.Chunk;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The {@link GenerationStoreContract} groups on single rows: insert and find, deletion, nulls. */
abstract class StoreRowsContract extends StoreContractSupport {
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
