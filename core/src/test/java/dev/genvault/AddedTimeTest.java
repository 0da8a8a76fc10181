package dev.genvault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.genvault.spi.ForwardingGenerationStore;
import dev.genvault.spi.GenerationStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The listener learns what the generator added around the model call, and how long streamed text
 * waited for its checkpoint, on the injected clock: the store and the model move the clock, so
 * every figure is exact and no real time is measured.
 */
class AddedTimeTest {
  private final TestClock clock = new TestClock(Instant.parse("2026-11-01T00:00:00Z"));

  record Added(String id, Duration before, Duration after) {}

  private final List<Added> added = new CopyOnWriteArrayList<>();
  private final List<Duration> lags = new CopyOnWriteArrayList<>();

  private final GenerationListener listener =
      new GenerationListener() {
        @Override
        public void added(Generation generation, Duration beforeCall, Duration afterCall) {
          added.add(new Added(generation.id(), beforeCall, afterCall));
        }

        @Override
        public void checkpoint(int chunks, int generations, Duration lag) {
          lags.add(lag);
        }
      };

  private final java.util.concurrent.atomic.AtomicInteger inserts =
      new java.util.concurrent.atomic.AtomicInteger();

  /** The pending insert takes 3 ms, the terminal write 5 ms. */
  private final GenerationStore store =
      new ForwardingGenerationStore(GenerationStore.inMemory()) {
        @Override
        public void insert(Generation generation) {
          clock.advance(Duration.ofMillis(3));
          super.insert(generation);
          inserts.incrementAndGet();
        }

        @Override
        public boolean finish(Generation terminal) {
          clock.advance(Duration.ofMillis(5));
          return super.finish(terminal);
        }
      };

  /** Checkpoints only when a generation has two unsaved deltas, never on a timer. */
  private PersistentGenerator genvault() {
    return PersistentGenerator.builder()
        .store(store)
        .clock(clock)
        .listener(listener)
        .checkpointPolicy(new CheckpointPolicy(Duration.ofHours(1), 2))
        .build();
  }

  @Test
  void the_time_around_the_model_call_is_reported_and_the_call_itself_is_not() {
    ModelClient slow =
        ModelClient.of(
            "test",
            call -> {
              clock.advance(Duration.ofSeconds(2));
              call.emit("Old pond");
              return ModelResult.builder().finishReason("stop").build();
            });
    ModelClient failing =
        ModelClient.of(
            "test",
            call -> {
              clock.advance(Duration.ofSeconds(1));
              throw new ProviderException(ErrorType.RATE_LIMITED, "slow down");
            });
    try (PersistentGenerator genvault = genvault()) {
      Generation g = genvault.generate(GenerationRequest.prompt("gpt-4o-mini", "A haiku"), slow);

      assertThat(added)
          .containsExactly(new Added(g.id(), Duration.ofMillis(3), Duration.ofMillis(5)));

      Generation hit = genvault.generate(GenerationRequest.prompt("gpt-4o-mini", "A haiku"), slow);
      assertThat(hit.cachedFrom()).isEqualTo(g.id());
      assertThat(added).as("a cache hit called no model").hasSize(1);

      assertThatThrownBy(
              () -> genvault.generate(GenerationRequest.prompt("gpt-4o-mini", "Another"), failing))
          .isInstanceOf(GenerationFailedException.class);
      assertThat(added).hasSize(2);
      assertThat(added.get(1).before()).isEqualTo(Duration.ofMillis(3));
      assertThat(added.get(1).after()).isEqualTo(Duration.ofMillis(5));
    }
  }

  @Test
  void a_request_that_waited_for_an_identical_one_that_failed_counts_from_the_end_of_the_wait()
      throws Exception {
    java.util.concurrent.atomic.AtomicInteger calls =
        new java.util.concurrent.atomic.AtomicInteger();
    ModelClient failsFirst =
        ModelClient.of(
            "test",
            call -> {
              if (calls.incrementAndGet() == 1) {
                // The identical request is admitted (its row stored) and waits for this one.
                await().atMost(Duration.ofSeconds(10)).until(() -> inserts.get() == 2);
                clock.advance(Duration.ofSeconds(1));
                throw new ProviderException(ErrorType.PROVIDER_ERROR, "it broke");
              }
              call.emit("Old pond");
              return ModelResult.builder().finishReason("stop").build();
            });
    GenerationRequest request = GenerationRequest.prompt("gpt-4o-mini", "A haiku");
    try (PersistentGenerator genvault = genvault()) {
      java.util.concurrent.CompletableFuture<Void> leader =
          java.util.concurrent.CompletableFuture.runAsync(
              () -> {
                try {
                  genvault.generate(request, failsFirst);
                } catch (GenerationFailedException expected) {
                  // the first call fails
                }
              });
      await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() == 1);

      Generation second = genvault.generate(request, failsFirst);

      leader.get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(second.text()).isEqualTo("Old pond");
      assertThat(added)
          .filteredOn(a -> a.id().equals(second.id()))
          .singleElement()
          .satisfies(
              a -> {
                assertThat(a.before()).as("not the second the first one took").isZero();
                assertThat(a.after()).isEqualTo(Duration.ofMillis(5));
              });
    }
  }

  @Test
  void a_checkpoint_reports_how_long_its_oldest_text_waited() {
    ModelClient streaming =
        ModelClient.of(
            "test",
            call -> {
              call.emit("first ");
              clock.advance(Duration.ofMillis(70));
              call.emit("second");
              await().atMost(Duration.ofSeconds(10)).until(() -> !lags.isEmpty());
              return ModelResult.builder().finishReason("stop").build();
            });
    try (PersistentGenerator genvault = genvault()) {
      genvault.generate(GenerationRequest.prompt("gpt-4o-mini", "A haiku"), streaming);
    }
    assertThat(lags.get(0)).isEqualTo(Duration.ofMillis(70));
  }
}
