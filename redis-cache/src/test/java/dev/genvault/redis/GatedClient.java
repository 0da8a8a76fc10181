package dev.genvault.redis;

import dev.genvault.ModelCall;
import dev.genvault.ModelClient;
import dev.genvault.ModelResult;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model that emits its first piece, then (if gated) waits for the test to open the gate before it
 * emits the rest; it counts its calls.
 */
final class GatedClient implements ModelClient {
  final AtomicInteger calls = new AtomicInteger();
  final CountDownLatch paused = new CountDownLatch(1);
  final CountDownLatch gate;
  private final String first;
  private final String rest;

  private GatedClient(boolean gated, String first, String rest) {
    this.gate = new CountDownLatch(gated ? 1 : 0);
    this.first = first;
    this.rest = rest;
  }

  /** Answers at once. */
  static GatedClient answering(String first, String rest) {
    return new GatedClient(false, first, rest);
  }

  /** Pauses after its first piece until {@link #gate} is opened. */
  static GatedClient pausing(String first, String rest) {
    return new GatedClient(true, first, rest);
  }

  @Override
  public String provider() {
    return "gated";
  }

  @Override
  public ModelResult generate(ModelCall call) throws Exception {
    calls.incrementAndGet();
    call.emit(first);
    paused.countDown();
    if (!gate.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the gate never opened");
    }
    call.emit(rest);
    return ModelResult.builder().finishReason("stop").build();
  }
}
