package dev.genvault.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genvault.Generation;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationStatus;
import dev.genvault.ModelClient;
import dev.genvault.ModelResult;
import dev.genvault.PersistentGenerator;
import dev.genvault.spi.GenerationStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StreamPumpTest {
  final GenerationStore store = GenerationStore.inMemory();
  final PersistentGenerator genvault = PersistentGenerator.builder().store(store).build();
  final CountDownLatch release = new CountDownLatch(1);

  /** A model that sends "a", then waits for the test to release it, then sends "b". */
  final ModelClient model =
      ModelClient.of(
          "test",
          call -> {
            call.emit("a");
            release.await(10, TimeUnit.SECONDS);
            call.emit("b");
            return ModelResult.builder().finishReason("stop").build();
          });

  @AfterEach
  void close() {
    release.countDown();
    genvault.close();
  }

  static GenerationRequest request() {
    return GenerationRequest.builder().model("m").prompt("p").build();
  }

  /** What a sink was given. */
  static final class Recorded implements StreamPump.Sink {
    final List<String> pieces = new CopyOnWriteArrayList<>();
    final List<Object> ends = new CopyOnWriteArrayList<>();

    @Override
    public void piece(String text) {
      pieces.add(text);
    }

    @Override
    public void end(Generation generation) {
      ends.add(generation);
    }

    @Override
    public void fail(RuntimeException failure) {
      ends.add(failure);
    }
  }

  @Test
  void the_whole_text_then_the_stored_record() {
    release.countDown();
    StreamPump pump = new StreamPump(genvault.stream(request(), model));
    Recorded sink = new Recorded();

    pump.run(sink);

    assertThat(String.join("", sink.pieces)).isEqualTo("ab");
    assertThat(sink.ends).hasSize(1);
    assertThat(((Generation) sink.ends.get(0)).status()).isEqualTo(GenerationStatus.COMPLETE);
  }

  @Test
  void a_cancel_from_another_thread_wakes_the_pump_which_calls_nothing_more() throws Exception {
    StreamPump pump = new StreamPump(genvault.stream(request(), model));
    Recorded sink = new Recorded();
    AtomicBoolean interruptedAfter = new AtomicBoolean(true);
    Thread pumping =
        new Thread(
            () -> {
              pump.run(sink);
              interruptedAfter.set(Thread.currentThread().isInterrupted());
            });
    pumping.start();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !sink.pieces.isEmpty());

    pump.cancel();

    pumping.join(TimeUnit.SECONDS.toMillis(10));
    assertThat(pumping.isAlive()).as("the pump, waiting for text, was woken").isFalse();
    assertThat(sink.pieces).containsExactly("a");
    assertThat(sink.ends).isEmpty();
    assertThat(interruptedAfter).as("the wake-up does not outlive the pump").isFalse();
    release.countDown();
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> store.find(pump.id()).orElseThrow().isTerminal());
    assertThat(store.find(pump.id()).orElseThrow().text())
        .as("the default close policy lets the generation finish")
        .isEqualTo("ab");
  }

  @Test
  void a_sink_that_throws_closes_the_stream_and_is_told_once() {
    try (PersistentGenerator cancelling =
        PersistentGenerator.builder()
            .store(store)
            .streamClosePolicy(dev.genvault.StreamClosePolicy.CANCEL)
            .build()) {
      StreamPump pump = new StreamPump(cancelling.stream(request(), model));
      List<Object> failures = new CopyOnWriteArrayList<>();
      IllegalStateException thrown = new IllegalStateException("the app's handler failed");

      pump.run(
          new StreamPump.Sink() {
            @Override
            public void piece(String text) {
              throw thrown;
            }

            @Override
            public void end(Generation generation) {
              failures.add(generation);
            }

            @Override
            public void fail(RuntimeException failure) {
              failures.add(failure);
            }
          });

      assertThat(failures).containsExactly(thrown);
      release.countDown();
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> store.find(pump.id()).orElseThrow().isTerminal());
      assertThat(store.find(pump.id()).orElseThrow().errorType())
          .as("under the CANCEL policy the closed stream stops the generation")
          .isEqualTo(dev.genvault.ErrorType.CANCELLED);
    }
  }
}
