package dev.genvault.benchmarks;

import dev.genvault.BlobRef;
import dev.genvault.Generation;
import dev.genvault.GenerationRequest;
import dev.genvault.ModelCall;
import dev.genvault.ModelClient;
import dev.genvault.ModelResult;
import dev.genvault.PersistentGenerator;
import dev.genvault.Usage;
import dev.genvault.spi.DedupCache;
import dev.genvault.spi.GenerationStore;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@link PersistentGenerator#generate} adds around a model call, with the in-memory store and
 * the Caffeine cache: the same in-process client (five pieces of text, usage, a finish reason)
 * called through the generator and called directly. Each call has a new prompt, so the cache misses
 * and every call is a whole generation (ID, fingerprint, pending row, stream, terminal row, cost).
 * The store is replaced every iteration so that it does not grow without end. Run with {@code -prof
 * gc} for the bytes allocated per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class WrapperOverheadBenchmark {
  private static final String[] PIECES = {"Old ", "pond, ", "a frog ", "jumps ", "in."};

  private final ModelClient client =
      ModelClient.of(
          "bench",
          call -> {
            for (String piece : PIECES) {
              call.emit(piece);
            }
            return ModelResult.builder()
                .finishReason("stop")
                .providerModel("bench-model-1")
                .usage(Usage.of(12, 5))
                .build();
          });
  private PersistentGenerator genvault;
  private long n;

  @Setup(Level.Iteration)
  public void start() {
    genvault =
        PersistentGenerator.builder()
            .store(GenerationStore.inMemory())
            .cache(DedupCache.caffeine(10_000))
            .build();
  }

  @TearDown(Level.Iteration)
  public void stop() {
    genvault.close();
  }

  private GenerationRequest next() {
    return GenerationRequest.builder()
        .model("gpt-4o-mini")
        .prompt("Write a haiku, number " + n++)
        .userId("u1")
        .tenantId("t1")
        .build();
  }

  @Benchmark
  public Generation genvault_generate() {
    return genvault.generate(next(), client);
  }

  @Benchmark
  public ModelResult raw_clientCall() throws Exception {
    GenerationRequest request = next();
    StringBuilder text = new StringBuilder();
    ModelResult result =
        client.generate(
            new ModelCall() {
              @Override
              public String generationId() {
                return "direct";
              }

              @Override
              public GenerationRequest request() {
                return request;
              }

              @Override
              public void emit(String delta) {
                text.append(delta);
              }

              @Override
              public BlobRef storeBlob(String contentType, InputStream content) {
                throw new UnsupportedOperationException("no files here");
              }

              @Override
              public boolean isCancelled() {
                return false;
              }
            });
    if (text.length() == 0) {
      throw new IllegalStateException("no text");
    }
    return result;
  }
}
