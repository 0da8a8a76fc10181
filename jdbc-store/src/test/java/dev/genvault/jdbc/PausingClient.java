package dev.genvault.jdbc;

import dev.genvault.ModelCall;
import dev.genvault.ModelClient;
import dev.genvault.ModelResult;
import dev.genvault.Usage;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model that emits its pieces, waiting on {@link #gate} after the first one when told to pause
 * (so a test can act while a generation is in flight), and counts its calls.
 */
final class PausingClient implements ModelClient {
  final AtomicInteger calls = new AtomicInteger();
  final CountDownLatch paused = new CountDownLatch(1);
  final CountDownLatch gate = new CountDownLatch(1);
  private final boolean pause;
  private final List<String> pieces;

  private PausingClient(boolean pause, String... pieces) {
    this.pause = pause;
    this.pieces = List.of(pieces);
  }

  /** Emits its pieces at once. */
  static PausingClient emitting(String... pieces) {
    return new PausingClient(false, pieces);
  }

  /** Emits the first piece, then waits for the gate before the others. */
  static PausingClient pausing(String... pieces) {
    return new PausingClient(true, pieces);
  }

  @Override
  public String provider() {
    return "scripted";
  }

  @Override
  public ModelResult generate(ModelCall call) throws Exception {
    calls.incrementAndGet();
    for (int i = 0; i < pieces.size(); i++) {
      if (pause && i == 1) {
        paused.countDown();
        if (!gate.await(60, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the gate never opened");
        }
      }
      call.emit(pieces.get(i));
    }
    return ModelResult.builder()
        .finishReason("stop")
        .providerModel("scripted-model-001")
        .usage(Usage.of(10, pieces.size()))
        .build();
  }
}
