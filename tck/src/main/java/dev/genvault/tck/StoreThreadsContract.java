package dev.genvault.tck;

import static dev.genvault.tck.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genvault.Cost;
import dev.genvault.Generation;
import dev.genvault.GenerationQuery;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationStatus;
import dev.genvault.Message;
import dev.genvault.MissingParentException;
import dev.genvault.PriceSource;
import dev.genvault.SpendQuery;
import dev.genvault.SpendRow;
import dev.genvault.ThreadLink;
import dev.genvault.Usage;
import dev.genvault.spi.RowOutcome;
import dev.genvault.spi.ThreadTip;
import dev.genvault.spi.Threads;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The {@link GenerationStoreContract} group on threads: a continuation reads back whole with its
 * link, thread hashes are found only within one user and tenant, a deletion never breaks a
 * continuation, erasing a user removes their whole threads, and a thread lists and sums in one
 * call.
 */
abstract class StoreThreadsContract extends StoreBatchesContract {
  private static final String USER = "u-threads";
  private static final String TENANT = "t-threads";

  /** A chat turn's pending row: the given messages, continuing {@code link} if set. */
  static Generation turn(
      List<Message> messages,
      @Nullable String user,
      @Nullable String tenant,
      @Nullable ThreadLink link,
      Instant at) {
    GenerationRequest request =
        GenerationRequest.builder()
            .model("m-chat")
            .system("Be brief.")
            .messages(messages)
            .temperature(0.2)
            .userId(user)
            .tenantId(tenant)
            .metadata("screen", "chat")
            .build();
    return Generation.builder()
        .id(Fixtures.newId())
        .request(request)
        .provider("test")
        .fingerprint("fp")
        .createdAt(at)
        .heartbeatAt(at)
        .link(link)
        .build();
  }

  /** The pending row answered: complete, with usage and cost, plain text. */
  static Generation answered(Generation pending, String answer) {
    Instant at = pending.createdAt().plusSeconds(1);
    return pending.toBuilder()
        .status(GenerationStatus.COMPLETE)
        .text(answer)
        .finishReason("stop")
        .usage(Usage.of(100, 20))
        .cost(new Cost(new BigDecimal("0.0015"), PriceSource.table("2026-01-01")))
        .firstTokenAt(at.minusMillis(200))
        .completedAt(at)
        .updatedAt(at)
        .heartbeatAt(null)
        .build();
  }

  /** Inserts and answers a turn; the finished record. */
  final Generation ask(Generation pending, String answer) {
    store.insert(pending);
    Generation done = answered(pending, answer);
    assertThat(store.finish(done)).isTrue();
    return done;
  }

  /** A conversation of three answered turns, each continuing the one before. */
  final List<Generation> conversation(@Nullable String user, @Nullable String tenant) {
    List<Message> messages = new ArrayList<>(List.of(Message.user("q0 ünï 🧪")));
    List<Generation> turns = new ArrayList<>();
    ThreadLink link = null;
    for (int t = 0; t < 3; t++) {
      Generation done = ask(turn(messages, user, tenant, link, T0.plusSeconds(10L * t)), "a" + t);
      turns.add(done);
      messages.add(Message.assistant(done.text()));
      messages.add(Message.user("q" + (t + 1) + " \"quoted\" \\ "));
      link = new ThreadLink(done.id(), turns.get(0).id(), messages.size() - 1);
    }
    return turns;
  }

  /** The next turn's pending row after {@code last}, as the generator would link it. */
  static Generation next(Generation last, String question, Instant at) {
    List<Message> messages = new ArrayList<>(Threads.passedOn(last.request(), last.text()));
    ThreadLink link = new ThreadLink(last.id(), last.threadId(), messages.size());
    messages.add(Message.user(question));
    return turn(messages, last.userId(), last.tenantId(), link, at);
  }

  private List<Threads.Prefix> hashes(GenerationRequest request) {
    return Threads.prefixesOf(request);
  }

  @Nested
  @DisplayName("threads")
  class ThreadsGroup {
    @Test
    void the_store_keeps_threads() {
      assertThat(store.keepsThreads())
          .as("keepsThreads(): every Genvault store keeps continuations once")
          .isTrue();
    }

    @Test
    void a_continuation_reads_back_whole_with_its_parent_and_thread() {
      List<Generation> turns = conversation(USER, TENANT);
      Generation last = turns.get(2);

      Generation read = store.find(last.id()).orElseThrow();

      assertThat(read).isEqualTo(last);
      assertThat(read.request().messages()).hasSize(5);
      assertThat(read.parentId()).isEqualTo(turns.get(1).id());
      assertThat(read.threadId()).isEqualTo(turns.get(0).id());
      assertThat(read.inheritedMessages()).isEqualTo(4);
      assertThat(store.find(turns.get(0).id()).orElseThrow().threadId())
          .isEqualTo(turns.get(0).id());
      assertThat(store.list(GenerationQuery.builder().userId(USER).build()).items())
          .containsExactly(last, turns.get(1), turns.get(0));
    }

    @Test
    void a_live_continuation_reads_back_whole_with_its_streamed_text() {
      List<Generation> turns = conversation(USER, TENANT);
      Generation live = next(turns.get(2), "and then?", T0.plusSeconds(60));
      store.insert(live);
      store.appendChunks(
          List.of(new dev.genvault.spi.Chunk(live.id(), 0, "stream", T0.plusSeconds(61))),
          T0.plusSeconds(61));

      Generation read = store.find(live.id()).orElseThrow();

      assertThat(read.request()).isEqualTo(live.request());
      assertThat(read.text()).isEqualTo("stream");
      assertThat(read.link()).isEqualTo(live.link());
    }

    @Test
    void a_thread_tip_carries_owner_thread_and_the_hash_of_the_whole_conversation() {
      List<Generation> turns = conversation(USER, TENANT);
      Generation last = turns.get(2);

      assertThat(store.threadTip(last.id()))
          .contains(
              new ThreadTip(last.id(), turns.get(0).id(), USER, TENANT, Threads.hashOf(last)));
      assertThat(Threads.hashOf(last)).isNotNull();
      Generation live = next(last, "more", T0.plusSeconds(60));
      store.insert(live);
      assertThat(store.threadTip(live.id()).orElseThrow().threadHash()).isNull();
      assertThat(store.threadTip("no-such-generation")).isEmpty();
    }

    @Test
    void a_thread_hash_is_found_only_within_the_same_user_and_tenant() {
      Generation last = conversation(USER, TENANT).get(2);
      List<Threads.Prefix> hashes = hashes(next(last, "next", T0).request());

      assertThat(store.findThreadTip(USER, TENANT, hashes).map(ThreadTip::id)).contains(last.id());
      assertThat(store.findThreadTip("another-user", TENANT, hashes)).isEmpty();
      assertThat(store.findThreadTip(USER, "another-tenant", hashes)).isEmpty();
      assertThat(store.findThreadTip(null, TENANT, hashes)).isEmpty();
      assertThat(store.findThreadTip(USER, null, hashes)).isEmpty();
      assertThat(store.findThreadTip(USER, TENANT, List.of())).isEmpty();
    }

    @Test
    void a_user_without_ids_finds_only_threads_without_ids() {
      Generation anonymous = conversation(null, null).get(2);
      List<Threads.Prefix> hashes = hashes(next(anonymous, "next", T0).request());
      assertThat(store.findThreadTip(null, null, hashes).map(ThreadTip::id))
          .contains(anonymous.id());
      assertThat(store.findThreadTip("u", null, hashes)).isEmpty();
    }

    @Test
    void the_longest_prefix_wins_then_the_newest_generation() {
      List<Generation> turns = conversation(USER, TENANT);
      // The same first turn answered again, later: same hash as turns[0], newer.
      Generation again =
          ask(
              turn(turns.get(0).request().messages(), USER, TENANT, null, T0.plusSeconds(100)),
              turns.get(0).text());
      List<Threads.Prefix> all = hashes(next(turns.get(2), "next", T0).request());

      assertThat(store.findThreadTip(USER, TENANT, all).map(ThreadTip::id))
          .contains(turns.get(2).id());
      List<Threads.Prefix> onlyFirst = all.subList(all.size() - 1, all.size());
      assertThat(store.findThreadTip(USER, TENANT, onlyFirst).map(ThreadTip::id))
          .contains(again.id());
    }

    @Test
    void an_error_or_a_live_generation_cannot_be_continued() {
      Generation pending = turn(List.of(Message.user("q")), USER, TENANT, null, T0);
      store.insert(pending);
      store.finish(Fixtures.failed(pending, T0.plusSeconds(1), "partial"));
      Generation failed = store.find(pending.id()).orElseThrow();
      List<Message> after = new ArrayList<>(Threads.passedOn(failed.request(), failed.text()));
      after.add(Message.user("retry"));
      List<Threads.Prefix> hashes = hashes(turn(after, USER, TENANT, null, T0).request());

      assertThat(store.findThreadTip(USER, TENANT, hashes)).isEmpty();
      assertThat(store.threadTip(pending.id()).orElseThrow().threadHash()).isNull();
    }

    @Test
    void a_continuation_whose_parent_is_gone_is_refused_and_written_whole_without_it() {
      Generation root = conversation(USER, TENANT).get(0);
      Generation orphan =
          turn(
              List.of(Message.user("q"), Message.assistant("a"), Message.user("q2")),
              USER,
              TENANT,
              new ThreadLink("no-such-parent", root.id(), 2),
              T0.plusSeconds(50));

      assertThatThrownBy(() -> store.insert(orphan))
          .isInstanceOf(MissingParentException.class)
          .hasMessageContaining(orphan.id());
      assertThat(store.find(orphan.id())).isEmpty();
      assertThatThrownBy(() -> store.insertTerminal(answered(orphan, "x")))
          .isInstanceOf(MissingParentException.class);
      assertThat(store.find(orphan.id())).isEmpty();

      Generation whole = orphan.toBuilder().link(orphan.link().withoutParent()).build();
      store.insert(whole);
      Generation read = store.find(orphan.id()).orElseThrow();
      assertThat(read).isEqualTo(whole);
      assertThat(read.parentId()).isNull();
      assertThat(read.threadId()).isEqualTo(root.id());
      assertThat(read.inheritedMessages()).isZero();
    }

    @Test
    void batch_inserts_keep_links_and_refuse_a_row_whose_parent_is_gone_alone() {
      Generation last = conversation(USER, TENANT).get(2);
      Generation linked = next(last, "batched", T0.plusSeconds(70));
      Generation orphan =
          turn(
              List.of(Message.user("x"), Message.assistant("y"), Message.user("z")),
              USER,
              TENANT,
              new ThreadLink(Fixtures.newId(), "gone", 2),
              T0.plusSeconds(71));
      Generation plain = Fixtures.pending(Fixtures.newId(), T0.plusSeconds(72));

      List<RowOutcome> outcomes = store.insertAll(List.of(linked, orphan, plain));

      assertThat(outcomes.get(0).isApplied()).isTrue();
      assertThat(outcomes.get(1).failure()).isInstanceOf(MissingParentException.class);
      assertThat(outcomes.get(2).isApplied()).isTrue();
      assertThat(store.find(linked.id())).contains(linked);
      assertThat(store.find(orphan.id())).isEmpty();
      assertThat(store.find(plain.id())).contains(plain);
      assertThat(store.finishAll(List.of(answered(linked, "b")))).allMatch(RowOutcome::isApplied);
      assertThat(store.find(linked.id())).contains(answered(linked, "b"));
    }

    @Test
    void a_terminal_insert_keeps_its_link() {
      Generation last = conversation(USER, TENANT).get(2);
      Generation copy = answered(next(last, "cached", T0.plusSeconds(80)), "from cache");
      store.insertTerminal(copy);
      assertThat(store.find(copy.id())).contains(copy);
      assertThat(store.threadTip(copy.id()).orElseThrow().threadHash())
          .isEqualTo(Threads.hashOf(copy));
    }

    @Test
    void a_prompt_can_begin_a_thread() {
      Generation pending =
          Generation.builder()
              .id(Fixtures.newId())
              .request(
                  GenerationRequest.builder()
                      .model("m-chat")
                      .prompt("one-shot question")
                      .userId(USER)
                      .tenantId(TENANT)
                      .build())
              .createdAt(T0)
              .heartbeatAt(T0)
              .build();
      Generation root = ask(pending, "one-shot answer");
      Generation child = next(root, "follow-up", T0.plusSeconds(5));
      assertThat(child.request().messages().get(0)).isEqualTo(Message.user("one-shot question"));
      store.insert(child);

      assertThat(store.find(child.id())).contains(child);
      store.delete(root.id());
      Generation read = store.find(child.id()).orElseThrow();
      assertThat(read.request()).isEqualTo(child.request());
      assertThat(read.link()).isEqualTo(new ThreadLink(null, root.id(), 0));
    }

    @Test
    void deleting_a_middle_turn_keeps_every_later_turn_whole() {
      List<Generation> turns = conversation(USER, TENANT);
      Generation fourth = ask(next(turns.get(2), "q3", T0.plusSeconds(40)), "a3");

      assertThat(store.delete(turns.get(1).id())).isTrue();

      Generation third = store.find(turns.get(2).id()).orElseThrow();
      assertThat(third.request()).isEqualTo(turns.get(2).request());
      assertThat(third.parentId()).isEqualTo(turns.get(0).id());
      assertThat(third.threadId()).isEqualTo(turns.get(0).id());
      assertThat(third.inheritedMessages()).isEqualTo(2);
      Generation fourthRead = store.find(fourth.id()).orElseThrow();
      assertThat(fourthRead.request()).isEqualTo(fourth.request());
      assertThat(fourthRead.parentId()).isEqualTo(turns.get(2).id());
      assertThat(store.find(turns.get(0).id())).contains(turns.get(0));
      assertThat(store.threadTip(turns.get(2).id()).orElseThrow().threadHash())
          .isEqualTo(Threads.hashOf(turns.get(2)));
    }

    @Test
    void deleting_the_first_turn_keeps_the_thread_and_its_id() {
      List<Generation> turns = conversation(USER, TENANT);
      String thread = turns.get(0).id();
      // A branch: the first answer continued a second way.
      Generation branch = ask(next(turns.get(0), "other way", T0.plusSeconds(90)), "b1");

      assertThat(store.delete(thread)).isTrue();

      Generation second = store.find(turns.get(1).id()).orElseThrow();
      assertThat(second)
          .isEqualTo(turns.get(1).toBuilder().link(new ThreadLink(null, thread, 0)).build());
      Generation third = store.find(turns.get(2).id()).orElseThrow();
      assertThat(third.request()).isEqualTo(turns.get(2).request());
      assertThat(third.parentId()).isEqualTo(turns.get(1).id());
      assertThat(third.threadId()).isEqualTo(thread);
      Generation branchRead = store.find(branch.id()).orElseThrow();
      assertThat(branchRead.request()).isEqualTo(branch.request());
      assertThat(branchRead.link()).isEqualTo(new ThreadLink(null, thread, 0));
      assertThat(store.list(GenerationQuery.builder().threadId(thread).build()).items())
          .extracting(Generation::id)
          .containsExactly(branch.id(), turns.get(2).id(), turns.get(1).id());
      assertThat(store.spend(SpendQuery.ofThread(thread)).get(0).generations()).isEqualTo(3);
      assertThat(store.threadTip(turns.get(2).id()).orElseThrow().threadId()).isEqualTo(thread);

      // The next turn, and deleting the thread's new top turn too, keep the thread's ID.
      Generation fourth = ask(next(third, "q3", T0.plusSeconds(95)), "a3");
      assertThat(store.find(fourth.id()).orElseThrow().threadId()).isEqualTo(thread);
      store.delete(turns.get(1).id());
      Generation thirdAgain = store.find(turns.get(2).id()).orElseThrow();
      assertThat(thirdAgain.request()).isEqualTo(turns.get(2).request());
      assertThat(thirdAgain.link()).isEqualTo(new ThreadLink(null, thread, 0));
      assertThat(store.list(GenerationQuery.builder().threadId(thread).build()).items())
          .extracting(Generation::id)
          .containsExactly(fourth.id(), branch.id(), turns.get(2).id());
    }

    @Test
    void deleting_a_parent_of_a_live_continuation_keeps_it_whole_and_finishable() {
      List<Generation> turns = conversation(USER, TENANT);
      Generation live = next(turns.get(2), "live", T0.plusSeconds(60));
      store.insert(live);

      store.delete(turns.get(2).id());
      Generation done = answered(live, "done");
      assertThat(store.finish(done)).isTrue();

      Generation read = store.find(live.id()).orElseThrow();
      assertThat(read.request()).isEqualTo(live.request());
      assertThat(read.parentId()).isEqualTo(turns.get(1).id());
      assertThat(read.text()).isEqualTo("done");
    }

    @Test
    void erasing_a_user_keeps_another_users_continuation_of_their_turn_whole() {
      List<Generation> mine = conversation(USER, TENANT);
      Generation linked = next(mine.get(1), "theirs", T0.plusSeconds(60));
      Generation theirs =
          ask(
              linked.toBuilder()
                  .request(linked.request().toBuilder().userId("someone-else").build())
                  .build(),
              "their answer");

      assertThat(store.deleteByUser(USER)).isEqualTo(3);

      Generation read = store.find(theirs.id()).orElseThrow();
      assertThat(read.request()).isEqualTo(theirs.request());
      assertThat(read.parentId()).isNull();
    }

    @Test
    void erasing_a_user_removes_their_whole_threads_and_no_one_elses() {
      List<Generation> mine = conversation(USER, TENANT);
      List<Generation> theirs = conversation("someone-else", TENANT);

      assertThat(store.deleteByUser(USER)).isEqualTo(3);

      for (Generation g : mine) {
        assertThat(store.find(g.id())).isEmpty();
      }
      for (Generation g : theirs) {
        assertThat(store.find(g.id())).contains(g);
      }
    }

    @Test
    void a_thread_lists_and_sums_in_one_call() {
      List<Generation> turns = conversation(USER, TENANT);
      Generation branch = ask(next(turns.get(0), "other way", T0.plusSeconds(90)), "b1");
      List<Generation> other = conversation(USER, TENANT);
      String thread = turns.get(0).id();

      assertThat(store.list(GenerationQuery.builder().threadId(thread).build()).items())
          .containsExactly(branch, turns.get(2), turns.get(1), turns.get(0));
      assertThat(
              store
                  .list(GenerationQuery.builder().threadId(thread).lastTurnsOnly(true).build())
                  .items())
          .containsExactly(branch, turns.get(2));
      assertThat(
              store
                  .list(GenerationQuery.builder().userId(USER).lastTurnsOnly(true).build())
                  .items())
          .extracting(Generation::id)
          .containsExactlyInAnyOrder(branch.id(), turns.get(2).id(), other.get(2).id());
      List<SpendRow> spend = store.spend(SpendQuery.ofThread(thread));
      assertThat(spend).hasSize(1);
      assertThat(spend.get(0).generations()).isEqualTo(4);
      assertThat(spend.get(0).inputTokens()).isEqualTo(400);
      assertThat(spend.get(0).outputTokens()).isEqualTo(80);
      assertThat(spend.get(0).costUsd()).isEqualByComparingTo("0.0060");
      assertThat(store.spend(SpendQuery.ofThread("no-such-thread"))).isEmpty();
    }

    @Test
    void a_long_thread_reads_back_every_turn_whole() {
      Generation last = conversation(USER, TENANT).get(2);
      for (int t = 3; t < 40; t++) {
        last = ask(next(last, "q" + t, T0.plusSeconds(10L * t)), "a" + t);
      }
      Optional<Generation> read = store.find(last.id());
      assertThat(read).contains(last);
      assertThat(read.orElseThrow().request().messages()).hasSize(79);
      assertThat(read.orElseThrow().inheritedMessages()).isEqualTo(78);
    }
  }
}
