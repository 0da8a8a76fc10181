package dev.genvault.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.genvault.GenerationRequest;
import dev.genvault.ModelClient;
import dev.genvault.ModelResult;
import dev.genvault.PersistentGenerator;
import dev.genvault.Usage;
import dev.genvault.jdbc.JdbcGenerationStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * 100 concurrent streams at 100 tokens per second each, for 10 seconds, through the default
 * checkpoint policy into durable embedded PostgreSQL. Counts the write transactions the store sees
 * per second while all streams are live, and the bytes of text sent for each stream against its
 * final size. Run: {@code mvn -pl benchmarks exec:exec
 * -Dbench.main=dev.genvault.benchmarks.StreamLoad -Djmh.args=}
 */
public final class StreamLoad {
  private static final int STREAMS = 100;
  private static final int TOKENS = 1000;
  private static final long TOKEN_NANOS = 10_000_000L; // 100 tokens per second

  private StreamLoad() {}

  public static void main(String[] args) throws Exception {
    try (EmbeddedPostgres postgres = Databases.durable();
        HikariDataSource pool = Databases.pool(postgres, 16)) {
      CountingStore store = new CountingStore(JdbcGenerationStore.create(pool));
      ModelClient paced =
          ModelClient.of(
              "load",
              call -> {
                long next = System.nanoTime();
                for (int i = 0; i < TOKENS; i++) {
                  next += TOKEN_NANOS;
                  long wait = next - System.nanoTime();
                  if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                  }
                  call.emit(i % 50 == 49 ? "word\n" : "word ");
                }
                return ModelResult.builder()
                    .finishReason("stop")
                    .usage(Usage.of(10, TOKENS))
                    .build();
              });
      try (PersistentGenerator genvault = PersistentGenerator.builder().store(store).build()) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < STREAMS; i++) {
          ids.add(
              genvault.submit(
                  GenerationRequest.builder().model("load").prompt("stream " + i).build(), paced));
        }
        Thread.sleep(2_000); // all streams live and checkpointing
        long chunksBefore = store.chunkWrites.get();
        long beatsBefore = store.heartbeatWrites.get();
        long otherBefore = store.otherWrites.get();
        long t0 = System.nanoTime();
        Thread.sleep(6_000);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long chunkTx = store.chunkWrites.get() - chunksBefore;
        long beatTx = store.heartbeatWrites.get() - beatsBefore;
        long otherTx = store.otherWrites.get() - otherBefore;
        for (String id : ids) {
          genvault.follow(id).result();
        }
        double worst = 0;
        long totalFinal = 0;
        long totalSent = 0;
        for (String id : ids) {
          long finalSize = store.finalBytes.get(id);
          long sent = store.chunkBytes.getOrDefault(id, new LongAdder()).sum() + finalSize;
          worst = Math.max(worst, (double) sent / finalSize);
          totalFinal += finalSize;
          totalSent += sent;
        }
        System.out.printf(
            "%d streams x %d tokens at 100 tokens/s, default checkpoint policy, durable PostgreSQL%n",
            STREAMS, TOKENS);
        System.out.printf(
            "steady state (%.1f s, all streams live): %.2f write transactions/s"
                + " (checkpoints %d, heartbeats %d, inserts/finishes %d)%n",
            seconds, (chunkTx + beatTx + otherTx) / seconds, chunkTx, beatTx, otherTx);
        System.out.printf(
            "text bytes sent to the database: %.3f x the final size overall, %.3f x at worst"
                + " (chunks + final text; N = %d bytes per stream)%n",
            (double) totalSent / totalFinal, worst, totalFinal / STREAMS);
      }
    }
  }
}
