package dev.genvault.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.genvault.jdbc.JdbcGenerationStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.SQLException;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A non-streaming generation's persistence, insert pending + terminal update, at 1, 8 and 32
 * threads on the same HikariCP pool and the same durable embedded PostgreSQL: through {@link
 * JdbcGenerationStore} with group commit (as {@code PersistentGenerator} uses it), through the same
 * store without group commit, and through hand-written JDBC doing the same two statements with the
 * same values, one transaction each.
 *
 * <p>The {@code pendingInsert_*} benchmarks sample the latency of the pending insert alone (the
 * time a caller waits before its provider call starts), for the same three paths.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class PersistenceBenchmark {
  private EmbeddedPostgres postgres;
  private HikariDataSource pool;
  private PersistenceOps ops;

  @Setup(Level.Trial)
  public void start() throws Exception {
    postgres = Databases.durable();
    pool = Databases.pool(postgres, 16);
    ops = new PersistenceOps(pool);
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    pool.close();
    postgres.close();
  }

  @Benchmark
  @Threads(1)
  public void groupCommit_1thread() {
    ops.generation(ops.grouped);
  }

  @Benchmark
  @Threads(1)
  public void store_1thread() {
    ops.generation(ops.store);
  }

  @Benchmark
  @Threads(1)
  public void rawJdbc_1thread() throws SQLException {
    ops.raw();
  }

  @Benchmark
  @Threads(8)
  public void groupCommit_8threads() {
    ops.generation(ops.grouped);
  }

  @Benchmark
  @Threads(8)
  public void store_8threads() {
    ops.generation(ops.store);
  }

  @Benchmark
  @Threads(8)
  public void rawJdbc_8threads() throws SQLException {
    ops.raw();
  }

  @Benchmark
  @Threads(32)
  public void groupCommit_32threads() {
    ops.generation(ops.grouped);
  }

  @Benchmark
  @Threads(32)
  public void store_32threads() {
    ops.generation(ops.store);
  }

  @Benchmark
  @Threads(32)
  public void rawJdbc_32threads() throws SQLException {
    ops.raw();
  }

  @Benchmark
  @Threads(1)
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public void pendingInsert_groupCommit_1thread() {
    ops.grouped.insert(ops.pending());
  }

  @Benchmark
  @Threads(1)
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public void pendingInsert_store_1thread() {
    ops.store.insert(ops.pending());
  }

  @Benchmark
  @Threads(1)
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public String pendingInsert_rawJdbc_1thread() throws SQLException {
    return ops.rawInsert();
  }

  @Benchmark
  @Threads(8)
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public void pendingInsert_groupCommit_8threads() {
    ops.grouped.insert(ops.pending());
  }

  @Benchmark
  @Threads(8)
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public void pendingInsert_store_8threads() {
    ops.store.insert(ops.pending());
  }

  @Benchmark
  @Threads(8)
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public String pendingInsert_rawJdbc_8threads() throws SQLException {
    return ops.rawInsert();
  }

  @Benchmark
  @Threads(32)
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public void pendingInsert_groupCommit_32threads() {
    ops.grouped.insert(ops.pending());
  }

  @Benchmark
  @Threads(32)
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public void pendingInsert_store_32threads() {
    ops.store.insert(ops.pending());
  }

  @Benchmark
  @Threads(32)
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public String pendingInsert_rawJdbc_32threads() throws SQLException {
    return ops.rawInsert();
  }
}
