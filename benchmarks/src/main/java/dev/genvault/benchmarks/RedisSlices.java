package dev.genvault.benchmarks;

/**
 * The pairs of {@link RedisBenchmark} alternating in short slices in one JVM on one embedded
 * redis-server, so the machine's drift hits both sides alike. Arguments: slice length in ms, pairs
 * measured, warm-up seconds per case (default {@code 250 30 8}). Each line: mean ops/s of the first
 * and the second, and the median (min, max) of the per-pair ratios first / second.
 */
public final class RedisSlices {
  private RedisSlices() {}

  public static void main(String[] args) throws Exception {
    long sliceMillis = args.length > 0 ? Long.parseLong(args[0]) : 250;
    int pairs = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    long warmupMillis = (args.length > 2 ? Long.parseLong(args[2]) : 8) * 1000;
    try (RedisOps ops = new RedisOps()) {
      Slices.header("first", "second");
      Slices.compare(
          "GET J/L", ops::jedisGetHit, ops::lettuceGetHit, sliceMillis, pairs, warmupMillis);
      Slices.compare(
          "SETNX J/L", ops::jedisSetNx, ops::lettuceSetNx, sliceMillis, pairs, warmupMillis);
      Slices.compare("hit", ops::genvaultHit, ops::jedisGetHit, sliceMillis, pairs, warmupMillis);
      Slices.compare(
          "miss+claim",
          ops::genvaultMissAndClaim,
          ops::rawGetMissAndSetNx,
          sliceMillis,
          pairs,
          warmupMillis);
    }
  }
}
