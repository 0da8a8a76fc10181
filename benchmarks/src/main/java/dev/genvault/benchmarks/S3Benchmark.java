package dev.genvault.benchmarks;

import dev.genvault.BlobRef;
import dev.genvault.s3.S3BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
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
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * PUT and GET of 1 KiB and 1 MiB through {@link S3BlobStore}, beside the bare AWS SDK calls on the
 * same client, against one S3Proxy (in memory) on 127.0.0.1 started in the benchmark's JVM.
 *
 * <p>Two bare PUTs: {@code raw_put} sends the bytes with no checksum of its own (the client signs
 * the payload over plain HTTP, as for every call here), and {@code raw_putWithMd5} sends the {@code
 * Content-MD5} that S3BlobStore sends so the store verifies the bytes; the MD5 is computed in the
 * call, as S3BlobStore must.
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

  private BlobStoreContext context;
  private S3Proxy proxy;
  private S3Client s3;
  private S3BlobStore blobs;
  private S3BlobStore blobsMd5;
  private byte[] data;

  @Setup
  public void setUp() throws Exception {
    context =
        ContextBuilder.newBuilder("transient")
            .credentials("identity", "credential")
            .build(BlobStoreContext.class);
    proxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "bench", "bench-secret")
            .endpoint(URI.create("http://127.0.0.1:0"))
            .build();
    proxy.start();
    s3 =
        S3Client.builder()
            .endpointOverride(URI.create("http://127.0.0.1:" + proxy.getPort()))
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create("bench", "bench-secret")))
            .forcePathStyle(true)
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .build();
    s3.createBucket(b -> b.bucket("bench"));
    blobs = S3BlobStore.create(s3, "bench");
    blobsMd5 =
        S3BlobStore.builder()
            .client(s3)
            .bucket("bench")
            .checksum(S3BlobStore.Checksum.CONTENT_MD5)
            .build();
    data = new byte[size];
    new SplittableRandom(size).nextBytes(data);
    genvault_put();
    raw_put();
  }

  @TearDown
  public void tearDown() throws Exception {
    s3.close();
    proxy.stop();
    context.close();
  }

  @Benchmark
  public BlobRef genvault_put() {
    return blobs.put("generations/bench/0.bin", data, "application/zip");
  }

  @Benchmark
  public Object raw_put() {
    return s3.putObject(
        r -> r.bucket("bench").key("raw/generations/bench/0.bin"), RequestBody.fromBytes(data));
  }

  @Benchmark
  public BlobRef genvault_putWithMd5() {
    return blobsMd5.put("generations/bench/1.bin", data, "application/zip");
  }

  @Benchmark
  public Object raw_putWithMd5() {
    return s3.putObject(
        r -> r.bucket("bench").key("raw/generations/bench/1.bin").contentMD5(md5(data)),
        RequestBody.fromBytes(data));
  }

  @Benchmark
  public long genvault_get() {
    return readAll(blobs.open("generations/bench/0.bin").orElseThrow());
  }

  @Benchmark
  public long raw_get() {
    return readAll(s3.getObject(r -> r.bucket("bench").key("raw/generations/bench/0.bin")));
  }

  private static String md5(byte[] data) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long readAll(InputStream in) {
    try (in) {
      return in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
