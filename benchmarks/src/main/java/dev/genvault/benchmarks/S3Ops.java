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
 * The operations {@link S3Benchmark} and {@link S3Slices} compare, on one S3Proxy (in memory)
 * started on 127.0.0.1 and one AWS SDK client: PUT and GET through {@link S3BlobStore} (with its
 * default checksum, and with a {@code Content-MD5} on every upload), and the bare SDK calls doing
 * the same (the MD5 computed in the call, as S3BlobStore must).
 */
final class S3Ops implements AutoCloseable {
  private static final String BUCKET = "bench";

  private final BlobStoreContext context;
  private final S3Proxy proxy;
  private final S3Client s3;
  private final S3BlobStore blobs;
  private final S3BlobStore blobsMd5;

  S3Ops() throws Exception {
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
    s3.createBucket(b -> b.bucket(BUCKET));
    blobs = S3BlobStore.create(s3, BUCKET);
    blobsMd5 =
        S3BlobStore.builder()
            .client(s3)
            .bucket(BUCKET)
            .checksum(S3BlobStore.Checksum.CONTENT_MD5)
            .build();
  }

  BlobRef genvaultPut(byte[] data) {
    return blobs.put("generations/bench/0.bin", data, "application/zip");
  }

  BlobRef genvaultPutWithMd5(byte[] data) {
    return blobsMd5.put("generations/bench/1.bin", data, "application/zip");
  }

  Object rawPut(byte[] data) {
    return s3.putObject(
        r ->
            r.bucket(BUCKET)
                .key("raw/generations/bench/0.bin")
                .contentType("application/octet-stream"),
        RequestBody.fromBytes(data));
  }

  /** The like-for-like baseline of {@link #genvaultPutWithMd5}: the bare call with that MD5. */
  Object rawPutWithMd5(byte[] data) {
    return s3.putObject(
        r ->
            r.bucket(BUCKET)
                .key("raw/generations/bench/1.bin")
                .contentType("application/octet-stream")
                .contentMD5(md5(data)),
        RequestBody.fromBytes(data));
  }

  long genvaultGet() {
    return readAll(blobs.open("generations/bench/0.bin").orElseThrow());
  }

  long rawGet() {
    return readAll(s3.getObject(r -> r.bucket(BUCKET).key("raw/generations/bench/0.bin")));
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

  @Override
  public void close() throws Exception {
    s3.close();
    proxy.stop();
    context.close();
  }
}
