package dev.genvault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genvault.spi.BlobStore;
import dev.genvault.spi.Chunk;
import dev.genvault.spi.ForwardingGenerationStore;
import dev.genvault.spi.GenerationStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

/** The checkpoint schedule, driven by an injected monotonic clock: no real time passes. */
class CheckpointerTest {
  private static final long MS = 1_000_000L;

  /** A monotonic clock that moves only when the checkpointer waits or a write takes time. */
  static final class FakeTimer implements Checkpointer.Timer {
    long now = 1_000 * MS;

    @Override
    public long nanoTime() {
      return now;
    }

    @Override
    public void await(Condition condition, long nanos) {
      now += nanos;
    }
  }

  private final FakeTimer timer = new FakeTimer();
  private final List<Long> writes = new ArrayList<>();
  private int maxDeltas = 1_000;
  private java.util.function.IntUnaryOperator deltasAfterWrite = n -> 1;
  private final Instant created = Instant.parse("2026-01-01T00:00:00Z");

  /**
   * Runs the checkpointer loop on this thread until {@code ticks} writes were made, each taking
   * {@code writeTime.applyAsLong(n)} nanoseconds; the stream emits a piece after each write so
   * every tick has text to save. Returns the write times, in ms after the start.
   */
  private List<Long> run(int ticks, LongUnaryOperator writeTime) {
    long start = timer.now;
    Checkpointer[] checkpointer = new Checkpointer[1];
    LiveGeneration[] live = new LiveGeneration[1];
    GenerationStore store =
        new ForwardingGenerationStore(GenerationStore.inMemory()) {
          @Override
          public void appendChunks(List<Chunk> chunks, Instant at) {
            super.appendChunks(chunks, at);
            writes.add((timer.now - start) / MS);
            timer.now += writeTime.applyAsLong(writes.size());
            if (writes.size() == ticks) {
              checkpointer[0].close();
            } else {
              for (int i = deltasAfterWrite.applyAsInt(writes.size()); i > 0; i--) {
                live[0].emit("more ");
              }
            }
          }
        };
    Generation pending =
        Generation.builder()
            .id("checkpointtestid00001")
            .request(GenerationRequest.prompt("m", "p"))
            .createdAt(created)
            .updatedAt(created)
            .build();
    store.insert(pending);
    Clock clock = Clock.fixed(created, java.time.ZoneOffset.UTC);
    checkpointer[0] =
        new Checkpointer(
            store,
            clock,
            new CheckpointPolicy(Duration.ofMillis(250), maxDeltas),
            Duration.ofSeconds(15),
            new Listeners(GenerationListener.NONE),
            timer);
    live[0] =
        new LiveGeneration(pending, clock, BlobStore.inMemory(), checkpointer[0]::deltas, () -> {});
    live[0].emit("first ");
    checkpointer[0].register(live[0]);
    checkpointer[0].loop();
    return writes;
  }

  @Test
  void ticksAreDueAtAFixedRateHoweverLongEachWriteTakes() {
    // Before the fix each tick waited a full interval after the previous write ended:
    // 250, 530, 810, ... with 30 ms writes.
    assertThat(run(6, n -> 30 * MS)).containsExactly(250L, 500L, 750L, 1000L, 1250L, 1500L);
  }

  @Test
  void aWriteThatOverrunsTheIntervalIsFollowedByTheNextTickAtOnce() {
    // The second write takes 400 ms: the third starts as it ends, then the rate resumes.
    List<Long> times = run(5, n -> n == 2 ? 400 * MS : 10 * MS);
    assertThat(times).containsExactly(250L, 500L, 900L, 1150L, 1400L);
  }

  @Test
  void anEarlyTickForAFullBufferKeepsTheSchedule() {
    maxDeltas = 3;
    deltasAfterWrite = n -> n == 2 ? 3 : 1; // after the second write, a burst fills the buffer
    assertThat(run(4, n -> 10 * MS)).containsExactly(250L, 500L, 510L, 750L);
  }
}
