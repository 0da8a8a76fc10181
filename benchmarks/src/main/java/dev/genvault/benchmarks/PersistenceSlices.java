package dev.genvault.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.genvault.spi.GroupCommitStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link PersistenceOps} compared the way this machine allows: alternating slices in one JVM on one
 * fresh durable PostgreSQL (see {@link Slices}), at 1, 8 and 32 threads: group commit against raw
 * JDBC, the store alone against raw JDBC, and group commit against the store alone.
 *
 * <p>Arguments (optional): slice milliseconds (500), measured pairs (20), warm-up seconds (15),
 * group commit's batches in flight (its default), thread counts (1,8,32).
 */
public final class PersistenceSlices {
  private PersistenceSlices() {}

  public static void main(String[] args) throws Exception {
    long slice = args.length > 0 ? Long.parseLong(args[0]) : 500;
    int pairs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    long warmup = (args.length > 2 ? Long.parseLong(args[2]) : 15) * 1000;
    int inFlight =
        args.length > 3 ? Integer.parseInt(args[3]) : GroupCommitStore.DEFAULT_MAX_IN_FLIGHT;
    int[] threadCounts =
        args.length > 4
            ? java.util.Arrays.stream(args[4].split(",")).mapToInt(Integer::parseInt).toArray()
            : new int[] {1, 8, 32};
    try (EmbeddedPostgres postgres = Databases.durable();
        HikariDataSource pool = Databases.pool(postgres, 16)) {
      PersistenceOps ops = new PersistenceOps(pool, inFlight);
      // Warm all three paths first (Genvault's needs >10k generations before the JIT settles),
      // so that the first comparison is not the one that pays for compilation.
      Slices warm = new Slices(8, warmup, 1, 0);
      warm.slice(() -> ops.generation(ops.grouped));
      warm.slice(() -> ops.generation(ops.store));
      warm.slice(ops::raw);
      List<Slices.Result> results = new ArrayList<>();
      for (int threads : threadCounts) {
        Slices slices = new Slices(threads, slice, pairs, warmup);
        String at = " @" + threads;
        results.add(
            slices.compare(
                "groupCommit / rawJdbc" + at, () -> ops.generation(ops.grouped), ops::raw));
        results.add(
            slices.compare("store / rawJdbc" + at, () -> ops.generation(ops.store), ops::raw));
        results.add(
            slices.compare(
                "groupCommit / store" + at,
                () -> ops.generation(ops.grouped),
                () -> ops.generation(ops.store)));
        System.out.println(Slices.HEADER);
        results.forEach(System.out::println);
        results.clear();
      }
    }
  }
}
