package dev.genvault.tck;

import static dev.genvault.tck.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genvault.Generation;
import dev.genvault.GenerationQuery;
import dev.genvault.GenerationStatus;
import dev.genvault.Page;
import dev.genvault.SpendQuery;
import dev.genvault.SpendRow;
import dev.genvault.Usage;
import dev.genvault.spi.Chunk;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The {@link GenerationStoreContract} groups on queries: listing and spend. */
abstract class StoreQueriesContract extends StoreWritesContract {
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
      assertThat(total.get(0).unpriced()).as("bob's has no known cost").isEqualTo(1);

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
      assertThat(bob.unpriced()).isEqualTo(1);
      assertThat(alice.unpriced()).isZero();
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
}
