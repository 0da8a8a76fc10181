package dev.genvault.benchmarks;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * On one embedded redis-server, in one run: the client choice (a 1 KB GET hit and a SET NX with
 * Jedis and with Lettuce's synchronous API), and {@code RedisDedupCache} on that same Jedis client
 * beside the bare commands it sends (a hit beside a GET; a miss plus claim beside a GET plus {@code
 * SET NX PX}). See {@link RedisOps}; {@link RedisSlices} measures the same pairs alternating.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RedisBenchmark {
  private RedisOps ops;

  @Setup
  public void setUp() {
    ops = new RedisOps();
  }

  @TearDown
  public void tearDown() {
    ops.close();
  }

  @Benchmark
  public String client_jedis_getHit() {
    return ops.jedisGetHit();
  }

  @Benchmark
  public String client_lettuce_getHit() {
    return ops.lettuceGetHit();
  }

  @Benchmark
  public String client_jedis_setNx() {
    return ops.jedisSetNx();
  }

  @Benchmark
  public String client_lettuce_setNx() {
    return ops.lettuceSetNx();
  }

  @Benchmark
  public Optional<String> genvault_hit() {
    return ops.genvaultHit();
  }

  @Benchmark
  public boolean genvault_missAndClaim() {
    return ops.genvaultMissAndClaim();
  }

  /** A call while the circuit breaker skips a Redis that is down: the cost of failing open. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public Optional<String> genvault_whileSkipped() {
    return ops.skippedHit();
  }

  @Benchmark
  public String raw_getMissAndSetNx() {
    return ops.rawGetMissAndSetNx();
  }
}
