package dev.genvault;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A client that emits the given pieces, optionally waiting on a gate after {@code pauseAfter}
 * pieces, then returns a fixed result or throws.
 */
final class ScriptedClient implements ModelClient {
  final AtomicInteger calls = new AtomicInteger();
  final CountDownLatch paused = new CountDownLatch(1);
  final CountDownLatch gate = new CountDownLatch(1);
  private final List<String> pieces;
  private final int pauseAfter;
  private final @Nullable RuntimeException failure;
  private final String finishReason;

  private ScriptedClient(
      List<String> pieces,
      int pauseAfter,
      @Nullable RuntimeException failure,
      String finishReason) {
    this.pieces = pieces;
    this.pauseAfter = pauseAfter;
    this.failure = failure;
    this.finishReason = finishReason;
  }

  static ScriptedClient emitting(String... pieces) {
    return new ScriptedClient(List.of(pieces), -1, null, "stop");
  }

  static ScriptedClient pausingAfter(int pauseAfter, String... pieces) {
    return new ScriptedClient(List.of(pieces), pauseAfter, null, "stop");
  }

  static ScriptedClient failingAfter(RuntimeException failure, String... pieces) {
    return new ScriptedClient(List.of(pieces), -1, failure, "stop");
  }

  static ScriptedClient finishing(String finishReason, String... pieces) {
    return new ScriptedClient(List.of(pieces), -1, null, finishReason);
  }

  @Override
  public String provider() {
    return "scripted";
  }

  @Override
  public ModelResult generate(ModelCall call) throws Exception {
    calls.incrementAndGet();
    for (int i = 0; i < pieces.size(); i++) {
      if (i == pauseAfter) {
        paused.countDown();
        if (!gate.await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("gate never opened");
        }
      }
      call.emit(pieces.get(i));
    }
    if (failure != null) {
      throw failure;
    }
    return ModelResult.builder()
        .finishReason(finishReason)
        .providerModel("scripted-model-001")
        .usage(Usage.of(10, pieces.size()))
        .build();
  }
}
