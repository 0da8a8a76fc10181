package dev.genvault.benchmarks;

import dev.genvault.BlobRef;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * PUT and GET of 1 KiB and 1 MiB through {@code S3BlobStore}, beside the bare AWS SDK calls on the
 * same client, against one S3Proxy (in memory) on 127.0.0.1 started in the benchmark's JVM.
 *
 * <p>Two pairs of PUTs (see {@link S3Ops}): {@code genvault_put}, with the default {@code
 * Checksum.AUTO} (over plain HTTP the client's signed body is the checksum), against {@code
 * raw_put}; and {@code genvault_putWithMd5}, with {@code Checksum.CONTENT_MD5} (what an HTTPS
 * endpoint with {@code WHEN_REQUIRED} gets), against {@code raw_putWithMd5}, the bare call with a
 * {@code Content-MD5} computed in the call, as S3BlobStore must.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 3)
@Measurement(iterations = 6, time = 3)
@Fork(1)
public class S3Benchmark {
  @Param({"1024", "1048576"})
  public int size;

  private S3Ops ops;
  private byte[] data;

  @Setup
  public void setUp() throws Exception {
    ops = new S3Ops();
    data = new byte[size];
    new SplittableRandom(size).nextBytes(data);
    genvault_put();
    raw_put();
  }

  @TearDown
  public void tearDown() throws Exception {
    ops.close();
  }

  @Benchmark
  public BlobRef genvault_put() {
    return ops.genvaultPut(data);
  }

  @Benchmark
  public Object raw_put() {
    return ops.rawPut(data);
  }

  @Benchmark
  public BlobRef genvault_putWithMd5() {
    return ops.genvaultPutWithMd5(data);
  }

  @Benchmark
  public Object raw_putWithMd5() {
    return ops.rawPutWithMd5(data);
  }

  @Benchmark
  public long genvault_get() {
    return ops.genvaultGet();
  }

  @Benchmark
  public long raw_get() {
    return ops.rawGet();
  }
}
