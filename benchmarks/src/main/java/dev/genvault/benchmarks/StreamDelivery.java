package dev.genvault.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.genvault.Generation;
import dev.genvault.GenerationOwner;
import dev.genvault.GenerationQuery;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationStatus;
import dev.genvault.GenerationStream;
import dev.genvault.ModelClient;
import dev.genvault.ModelResult;
import dev.genvault.Page;
import dev.genvault.PersistentGenerator;
import dev.genvault.SpendQuery;
import dev.genvault.SpendRow;
import dev.genvault.Usage;
import dev.genvault.jdbc.JdbcGenerationStore;
import dev.genvault.spi.Chunk;
import dev.genvault.spi.DedupCache;
import dev.genvault.spi.GenerationStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * 1, 10 and 100 concurrent streams of 2,000 pieces each, emitted at full speed, read by their
 * callers through {@link PersistentGenerator#stream}: into durable PostgreSQL, and into a store
 * that keeps nothing (the sink costs nothing, so the difference is what persistence costs the
 * reader). Reports pieces per second received by the callers, write transactions per second, and
 * text bytes written per byte streamed. Each configuration runs {@code rounds} times; the best
 * round of each is reported (the first rounds warm the JIT).
 *
 * <p>Arguments (optional): rounds (5).
 */
public final class StreamDelivery {
  private static final int PIECES = 2_000;
  private static final String PIECE = "token-ish "; // 10 bytes

  private StreamDelivery() {}

  /** A store that keeps nothing: every write succeeds at once. */
  static final class NoOpStore implements GenerationStore {
    @Override
    public void insert(Generation generation) {}

    @Override
    public void insertTerminal(Generation generation) {}

    @Override
    public void appendChunks(List<Chunk> chunks, Instant at) {}

    @Override
    public void heartbeat(Collection<String> ids, Instant at) {}

    @Override
    public boolean finish(Generation terminal) {
      return true;
    }

    @Override
    public Optional<Generation> find(String id) {
      return Optional.empty();
    }

    @Override
    public Optional<GenerationOwner> owner(String id) {
      return Optional.empty();
    }

    @Override
    public List<Chunk> chunks(String id, int afterSeq) {
      return List.of();
    }

    @Override
    public Page<Generation> list(GenerationQuery query) {
      return new Page<>(List.of(), null);
    }

    @Override
    public List<SpendRow> spend(SpendQuery query) {
      return List.of();
    }

    @Override
    public List<Generation> findStale(Instant heartbeatBefore, int limit) {
      return List.of();
    }

    @Override
    public boolean delete(String id) {
      return false;
    }

    @Override
    public int deleteByUser(String userId) {
      return 0;
    }
  }

  private static final ModelClient FULL_SPEED =
      ModelClient.of(
          "load",
          call -> {
            for (int i = 0; i < PIECES; i++) {
              call.emit(PIECE);
            }
            return ModelResult.builder().finishReason("stop").usage(Usage.of(10, PIECES)).build();
          });

  /**
   * Pieces per second received by all callers together: {@code streams} callers, each reading
   * generations one after another for {@code millis}.
   */
  private static double run(PersistentGenerator genvault, int streams, String round, long millis)
      throws InterruptedException {
    LongAdder received = new LongAdder();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> readers = new ArrayList<>();
    AtomicLong failures = new AtomicLong();
    long[] end = new long[1];
    for (int s = 0; s < streams; s++) {
      int caller = s;
      Thread reader =
          new Thread(
              () -> {
                try {
                  start.await();
                  for (int n = 0; System.nanoTime() < end[0]; n++) {
                    GenerationRequest request =
                        GenerationRequest.builder()
                            .model("load")
                            .prompt(round + " caller " + caller + " stream " + n)
                            .build();
                    try (GenerationStream stream = genvault.stream(request, FULL_SPEED)) {
                      for (String delta : stream) {
                        received.increment();
                      }
                      if (stream.result().status() != GenerationStatus.COMPLETE) {
                        failures.incrementAndGet();
                      }
                    }
                  }
                } catch (Exception e) {
                  failures.incrementAndGet();
                }
              });
      reader.start();
      readers.add(reader);
    }
    long t0 = System.nanoTime();
    end[0] = t0 + millis * 1_000_000;
    start.countDown();
    for (Thread r : readers) {
      r.join();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (failures.get() > 0) {
      throw new IllegalStateException(failures.get() + " streams failed");
    }
    return received.sum() / seconds;
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    long millis = args.length > 1 ? Long.parseLong(args[1]) : 3000;
    try (EmbeddedPostgres postgres = Databases.durable();
        HikariDataSource pool = Databases.pool(postgres, 16)) {
      CountingStore store = new CountingStore(JdbcGenerationStore.create(pool));
      System.out.printf(
          "%-8s %14s %14s %7s %12s %12s%n",
          "streams", "pg pieces/s", "no-op pieces/s", "ratio", "pg write tx/s", "bytes/byte");
      for (int streams : new int[] {1, 10, 100}) {
        double bestPg = 0;
        double bestNoOp = 0;
        double txPerSecond = 0;
        double bytesPerByte = 0;
        for (int round = 0; round < rounds; round++) {
          String tag = streams + "-" + round;
          try (PersistentGenerator noop =
              PersistentGenerator.builder()
                  .store(new NoOpStore())
                  .cache(DedupCache.none())
                  .build()) {
            bestNoOp = Math.max(bestNoOp, run(noop, streams, "noop " + tag, millis));
          }
          long writesBefore = writes(store);
          long sentBefore = sent(store);
          long finalBefore = finals(store);
          long t0 = System.nanoTime();
          double pg;
          try (PersistentGenerator genvault =
              PersistentGenerator.builder().store(store).cache(DedupCache.none()).build()) {
            pg = run(genvault, streams, "pg " + tag, millis);
          }
          double seconds = (System.nanoTime() - t0) / 1e9;
          if (pg > bestPg) {
            bestPg = pg;
            txPerSecond = (writes(store) - writesBefore) / seconds;
            long finalBytes = finals(store) - finalBefore;
            bytesPerByte = (double) (sent(store) - sentBefore + finalBytes) / finalBytes;
          }
        }
        System.out.printf(
            Locale.ROOT,
            "%-8d %14.0f %14.0f %7.2f %12.1f %12.3f%n",
            streams,
            bestPg,
            bestNoOp,
            bestPg / bestNoOp,
            txPerSecond,
            bytesPerByte);
      }
    }
  }

  private static long writes(CountingStore s) {
    return s.chunkWrites.get() + s.heartbeatWrites.get() + s.otherWrites.get();
  }

  private static long sent(CountingStore s) {
    long total = 0;
    for (LongAdder a : s.chunkBytes.values()) {
      total += a.sum();
    }
    return total;
  }

  private static long finals(CountingStore s) {
    long total = 0;
    for (long b : s.finalBytes.values()) {
      total += b;
    }
    return total;
  }
}
