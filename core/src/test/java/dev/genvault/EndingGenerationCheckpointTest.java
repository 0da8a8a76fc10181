package dev.genvault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genvault.spi.Chunk;
import dev.genvault.spi.ForwardingGenerationStore;
import dev.genvault.spi.GenerationStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Once a generation's terminal row (which carries its whole text) is being written, checkpoints
 * write no more chunks of it: they would be wasted writes the store ignores.
 */
class EndingGenerationCheckpointTest {
  /** Holds the first terminal write until told, and counts the chunks written. */
  static final class HeldFinish extends ForwardingGenerationStore {
    final CountDownLatch finishing = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger chunks = new AtomicInteger();

    HeldFinish() {
      super(GenerationStore.inMemory());
    }

    @Override
    public void appendChunks(List<Chunk> batch, Instant at) {
      chunks.addAndGet(batch.size());
      super.appendChunks(batch, at);
    }

    @Override
    public boolean finish(Generation terminal) {
      finishing.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return super.finish(terminal);
    }
  }

  @Test
  void a_checkpoint_during_the_terminal_write_writes_no_chunk_of_it() throws Exception {
    HeldFinish store = new HeldFinish();
    try (PersistentGenerator genvault =
        PersistentGenerator.builder()
            .store(store)
            // No checkpoint comes by itself during the test: only the one asked for below.
            .checkpointPolicy(new CheckpointPolicy(Duration.ofHours(1), 1_000_000))
            .build()) {
      String id =
          genvault.submit(
              GenerationRequest.prompt("m", "a question"),
              ScriptedClient.emitting("all ", "of it"));
      assertThat(store.finishing.await(30, TimeUnit.SECONDS)).isTrue();

      try {
        genvault.checkpointNow(); // unsaved text, but its terminal row is being written
        assertThat(store.chunks).hasValue(0);
      } finally {
        store.release.countDown();
      }
      Generation done = genvault.follow(id).result();
      assertThat(done.text()).isEqualTo("all of it");
      assertThat(store.find(id).orElseThrow().text()).isEqualTo("all of it");
    }
  }
}
