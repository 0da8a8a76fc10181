package dev.genvault.benchmarks;

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
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * PUT and GET of 1 KiB and 1 MiB through {@link S3BlobStore} beside the bare AWS SDK calls, against
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

    BlobStoreContext context =
        ContextBuilder.newBuilder("transient")
            .credentials("identity", "credential")
            .build(BlobStoreContext.class);
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "bench", "bench-secret")
            .endpoint(URI.create("http://127.0.0.1:0"))
            .build();
    proxy.start();
    try (S3Client s3 =
        S3Client.builder()
            .endpointOverride(URI.create("http://127.0.0.1:" + proxy.getPort()))
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create("bench", "bench-secret")))
            .forcePathStyle(true)
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .build()) {
      s3.createBucket(b -> b.bucket("bench"));
      S3BlobStore blobs = S3BlobStore.create(s3, "bench");
      S3BlobStore blobsMd5 =
          S3BlobStore.builder()
              .client(s3)
              .bucket("bench")
              .checksum(S3BlobStore.Checksum.CONTENT_MD5)
              .build();
      System.out.printf(
          "%-12s %8s %8s %8s %8s %s%n", "case", "genvault", "raw", "ratio", "min", "max");
      for (int size : new int[] {1024, 1024 * 1024}) {
        byte[] data = new byte[size];
        new SplittableRandom(size).nextBytes(data);
        String label = size == 1024 ? "1 KiB" : "1 MiB";
        Slices.Op genvaultPut = () -> blobs.put("generations/bench/0.bin", data, "application/zip");
        Slices.Op genvaultPutMd5 =
            () -> blobsMd5.put("generations/bench/1.bin", data, "application/zip");
        Slices.Op rawPut =
            () ->
                s3.putObject(
                    r ->
                        r.bucket("bench")
                            .key("raw/generations/bench/0.bin")
                            .contentType("application/octet-stream"),
                    RequestBody.fromBytes(data));
        // The like-for-like baseline: the bare call with the Content-MD5 S3BlobStore sends.
        Slices.Op rawPutMd5 =
            () ->
                s3.putObject(
                    r ->
                        r.bucket("bench")
                            .key("raw/generations/bench/1.bin")
                            .contentType("application/octet-stream")
                            .contentMD5(md5(data)),
                    RequestBody.fromBytes(data));
        genvaultPut.run();
        rawPut.run();
        Slices.compare("PUT " + label, genvaultPut, rawPut, sliceMillis, pairs, warmupMillis);
        Slices.compare(
            "PUT+MD5 " + label, genvaultPutMd5, rawPutMd5, sliceMillis, pairs, warmupMillis);
        Slices.Op genvaultGet = () -> readAll(blobs.open("generations/bench/0.bin").orElseThrow());
        Slices.Op rawGet =
            () -> readAll(s3.getObject(r -> r.bucket("bench").key("raw/generations/bench/0.bin")));
        Slices.compare("GET " + label, genvaultGet, rawGet, sliceMillis, pairs, warmupMillis);
      }
    } finally {
      proxy.stop();
      context.close();
    }
  }

  private static String md5(byte[] data) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void readAll(InputStream in) {
    try (in) {
      in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
