package dev.genvault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.genvault.spi.ForwardingGenerationStore;
import dev.genvault.spi.GenerationStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The terminal write: provider-chosen values are made storable before the store sees them, a write
 * refused for good is never retried, and the caller never gets {@code complete} for a row that is
 * not complete.
 */
class TerminalWriteTest {
  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  private final List<PersistentGenerator> generators = new CopyOnWriteArrayList<>();
  private final TestClock clock = new TestClock(Instant.parse("2026-11-01T00:00:00Z"));

  @AfterEach
  void close() {
    generators.forEach(PersistentGenerator::close);
  }

  /** A store that refuses, for good, every terminal row matching {@code refused}. */
  private static final class RefusingStore extends ForwardingGenerationStore {
    private final Predicate<Generation> refused;
    final AtomicBoolean down = new AtomicBoolean();
    int finishCalls;

    RefusingStore(Predicate<Generation> refused) {
      super(GenerationStore.inMemory());
      this.refused = refused;
    }

    @Override
    public synchronized boolean finish(Generation terminal) {
      finishCalls++;
      if (down.get()) {
        throw new PersistenceException("simulated outage", terminal.id(), true, null);
      }
      if (refused.test(terminal)) {
        throw new PersistenceException(
            "value too long for type character varying(64)", terminal.id(), false, null);
      }
      return super.finish(terminal);
    }
  }

  private PersistentGenerator generator(GenerationStore store, Duration persistTimeout) {
    PersistentGenerator g =
        PersistentGenerator.builder()
            .store(store)
            .sleeper(sleeps::add)
            .clock(clock)
            .persistTimeout(persistTimeout)
            .sweepInterval(Duration.ofDays(1))
            .build();
    generators.add(g);
    return g;
  }

  private static GenerationRequest request() {
    return GenerationRequest.builder().model("gpt-4o-mini").prompt("Write a haiku").build();
  }

  private static ModelClient answering(ModelResult.Builder result) {
    return ModelClient.of(
        "scripted",
        call -> {
          call.emit("Old pond, ");
          call.emit("frog.");
          return result.usage(Usage.of(10, 2)).build();
        });
  }

  @Test
  void provider_values_too_long_or_with_nul_are_cut_and_cleaned_before_the_store_sees_them() {
    GenerationStore store = GenerationStore.inMemory();
    PersistentGenerator genvault = generator(store, Duration.ofSeconds(10));
    Generation g =
        genvault.generate(
            request(),
            answering(
                ModelResult.builder()
                    .finishReason("stop" + "x".repeat(200))
                    .providerModel("m".repeat(300))
                    .providerResponseId("r\0" + "r".repeat(300))
                    .toolCalls("[{\"id\":\"a\0b\"}]")
                    .attribute("service_tier", "default\0")
                    .attribute("lone", "half \uD83D pair")));

    Generation stored = store.find(g.id()).orElseThrow();
    assertThat(stored.status()).isEqualTo(GenerationStatus.COMPLETE);
    assertThat(stored.finishReason()).hasSize(64).startsWith("stopxxx").endsWith("\u2026");
    assertThat(stored.providerModel()).hasSize(256).endsWith("m\u2026");
    assertThat(stored.providerResponseId()).hasSize(256).startsWith("r\uFFFDrrr");
    assertThat(stored.toolCalls()).isEqualTo("[{\"id\":\"a\uFFFDb\"}]");
    assertThat(stored.attributes())
        .containsEntry("service_tier", "default\uFFFD")
        .containsEntry("lone", "half \uFFFD pair");
    assertThat(stored.text()).isEqualTo("Old pond, frog.");
  }

  @Test
  void a_cut_never_splits_a_surrogate_pair() {
    String emoji = "\uD83D\uDE00";
    String cut = ProviderValues.cut("a".repeat(62) + emoji + "tail", 64);
    assertThat(cut).isEqualTo("a".repeat(62) + "\u2026");
    assertThat(ProviderValues.cut("ok" + emoji, 64)).isEqualTo("ok" + emoji);
    assertThat(ProviderValues.clean("\uDE00\uD83D")).isEqualTo("\uFFFD\uFFFD");
  }

  /** Generates on the store and returns the failure, which must be persistence_failed. */
  private GenerationFailedException generateOn(GenerationStore store) {
    PersistentGenerator genvault = generator(store, Duration.ofSeconds(60));
    GenerationFailedException e =
        catchThrowableOfType(
            GenerationFailedException.class,
            () ->
                genvault.generate(
                    request(), answering(ModelResult.builder().finishReason("stop"))));
    assertThat(e).isNotNull();
    assertThat(e.errorType()).isEqualTo(ErrorType.PERSISTENCE_FAILED);
    return e;
  }

  @Test
  void a_terminal_write_refused_for_good_is_not_retried_and_the_caller_gets_the_id_and_text() {
    RefusingStore store = new RefusingStore(t -> t.status() == GenerationStatus.COMPLETE);
    GenerationFailedException e = generateOn(store);
    assertThat(e.generation()).isNotNull();
    assertThat(e.generation().text()).isEqualTo("Old pond, frog.");
    assertThat(e.getCause()).isInstanceOf(PersistenceException.class);
    assertThat(sleeps).as("no retry of a write that can never succeed").isEmpty();
    Generation row = store.find(e.generationId()).orElseThrow();
    assertThat(row.status()).isEqualTo(GenerationStatus.ERROR);
    assertThat(row.errorType()).isEqualTo(ErrorType.PERSISTENCE_FAILED);
    assertThat(row.errorMessage()).contains("value too long");
    assertThat(row.text()).isEqualTo("Old pond, frog.");
    assertThat(row.usage()).isEqualTo(Usage.of(10, 2));
    assertThat(row.cost()).isNotNull();
  }

  @Test
  void when_even_the_fallback_row_is_refused_the_caller_still_gets_the_failure_with_the_text() {
    RefusingStore store = new RefusingStore(t -> true);
    GenerationFailedException e = generateOn(store);
    assertThat(e.generation().text()).isEqualTo("Old pond, frog.");
    assertThat(sleeps).isEmpty();
    assertThat(store.finishCalls).as("the result, then two fallbacks").isEqualTo(3);
  }

  @Test
  void a_stream_whose_terminal_write_is_refused_ends_in_the_failure_not_complete() {
    RefusingStore store = new RefusingStore(t -> t.status() == GenerationStatus.COMPLETE);
    PersistentGenerator genvault = generator(store, Duration.ofSeconds(60));
    try (GenerationStream stream =
        genvault.stream(request(), answering(ModelResult.builder().finishReason("stop")))) {
      Generation result = stream.result();
      assertThat(result.status()).isEqualTo(GenerationStatus.ERROR);
      assertThat(result.errorType()).isEqualTo(ErrorType.PERSISTENCE_FAILED);
      assertThat(result.text()).isEqualTo("Old pond, frog.");
      GenerationFailedException e =
          catchThrowableOfType(GenerationFailedException.class, () -> stream.forEach(delta -> {}));
      assertThat(e.errorType()).isEqualTo(ErrorType.PERSISTENCE_FAILED);
    }
  }

  @Test
  void an_outage_longer_than_the_persist_timeout_is_reported_and_the_row_written_later() {
    RefusingStore store = new RefusingStore(t -> false);
    PersistentGenerator genvault = generator(store, Duration.ofMillis(1));
    ModelClient client =
        ModelClient.of(
            "scripted",
            call -> {
              call.emit("kept");
              store.down.set(true); // the store goes away before the terminal write
              return ModelResult.builder().finishReason("stop").build();
            });

    GenerationFailedException e =
        catchThrowableOfType(
            GenerationFailedException.class, () -> genvault.generate(request(), client));
    assertThat(e.errorType()).isEqualTo(ErrorType.PERSISTENCE_FAILED);
    assertThat(e.getMessage()).contains("kept in memory and retried");
    assertThat(e.generation().text()).isEqualTo("kept");
    assertThat(store.find(e.generationId()).orElseThrow().isTerminal()).isFalse();

    // A sweep while the store is still down, even long after the lease, does not end the row as
    // interrupted: its terminal row is queued.
    clock.advance(Duration.ofHours(1));
    genvault.sweep();
    assertThat(store.find(e.generationId()).orElseThrow().isTerminal()).isFalse();
    store.down.set(false);
    genvault.sweep();
    Generation row = store.find(e.generationId()).orElseThrow();
    assertThat(row.status()).isEqualTo(GenerationStatus.COMPLETE);
    assertThat(row.text()).isEqualTo("kept");
  }

  @Test
  void another_processs_sweeper_leaves_a_queued_terminal_row_alone_while_its_owner_lives() {
    RefusingStore store = new RefusingStore(t -> false);
    PersistentGenerator owner = generator(store, Duration.ofMillis(1));
    PersistentGenerator otherProcess = generator(store, Duration.ofSeconds(60));
    ModelClient client =
        ModelClient.of(
            "scripted",
            call -> {
              call.emit("paid for");
              store.down.set(true); // terminal writes fail from here on
              return ModelResult.builder().finishReason("stop").build();
            });
    GenerationFailedException e =
        catchThrowableOfType(
            GenerationFailedException.class, () -> owner.generate(request(), client));
    assertThat(e.getMessage()).contains("kept in memory and retried");

    // Three quarters of a lease, the owner's renewal beat, then three quarters more: the row's
    // heartbeat is recent, so the other process's sweeper does not end it as interrupted.
    clock.advance(Duration.ofSeconds(45));
    owner.renewClaims();
    clock.advance(Duration.ofSeconds(45));
    assertThat(otherProcess.sweep()).isZero();
    assertThat(store.find(e.generationId()).orElseThrow().isTerminal()).isFalse();

    store.down.set(false);
    owner.renewClaims(); // the next beat writes the queued row
    Generation row = store.find(e.generationId()).orElseThrow();
    assertThat(row.status()).isEqualTo(GenerationStatus.COMPLETE);
    assertThat(row.text()).isEqualTo("paid for");
  }

  @Test
  void a_generation_queued_on_an_executor_when_the_generator_closes_never_calls_the_provider() {
    java.util.Queue<Runnable> queued = new java.util.concurrent.ConcurrentLinkedQueue<>();
    PersistentGenerator genvault =
        PersistentGenerator.builder()
            .store(GenerationStore.inMemory())
            .executor(queued::add)
            .drainTimeout(Duration.ofMillis(50))
            .build();
    java.util.concurrent.atomic.AtomicInteger calls =
        new java.util.concurrent.atomic.AtomicInteger();
    ModelClient counting =
        ModelClient.of(
            "scripted",
            call -> {
              calls.incrementAndGet();
              return ModelResult.text("paid for");
            });
    String id = genvault.submit(request(), counting);
    genvault.close();
    queued.forEach(Runnable::run); // the caller's executor runs the task after close()
    assertThat(calls).hasValue(0);
    assertThat(genvault.find(id).orElseThrow().errorType()).isEqualTo(ErrorType.INTERRUPTED);
  }
}
