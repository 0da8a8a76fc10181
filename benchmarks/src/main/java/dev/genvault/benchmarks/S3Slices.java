package dev.genvault.benchmarks;

import java.util.SplittableRandom;

/**
 * PUT and GET of 1 KiB and 1 MiB through {@code S3BlobStore} beside the bare AWS SDK calls, against
 * one in-process S3Proxy (in memory) on 127.0.0.1, in one JVM. The two sides alternate in short
 * slices (which one goes first alternates too), so drift on a shared machine hits both alike; the
 * figure is the median of the per-pair throughput ratios, with their range.
 *
 * <p>Arguments (optional): slice milliseconds (250), measured pairs (30), warm-up seconds (8).
 */
public final class S3Slices {
  private S3Slices() {}

  public static void main(String[] args) throws Exception {
    long sliceMillis = args.length > 0 ? Long.parseLong(args[0]) : 250;
    int pairs = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    long warmupMillis = (args.length > 2 ? Long.parseLong(args[2]) : 8) * 1000;
    try (S3Ops ops = new S3Ops()) {
      Slices.header("genvault", "raw");
      for (int size : new int[] {1024, 1024 * 1024}) {
        byte[] data = new byte[size];
        new SplittableRandom(size).nextBytes(data);
        String label = size == 1024 ? "1 KiB" : "1 MiB";
        ops.genvaultPut(data);
        ops.rawPut(data);
        Slices.compare(
            "PUT " + label,
            () -> ops.genvaultPut(data),
            () -> ops.rawPut(data),
            sliceMillis,
            pairs,
            warmupMillis);
        Slices.compare(
            "PUT+MD5 " + label,
            () -> ops.genvaultPutWithMd5(data),
            () -> ops.rawPutWithMd5(data),
            sliceMillis,
            pairs,
            warmupMillis);
        Slices.compare(
            "GET " + label, ops::genvaultGet, ops::rawGet, sliceMillis, pairs, warmupMillis);
      }
    }
  }
}
