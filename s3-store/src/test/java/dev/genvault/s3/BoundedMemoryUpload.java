package dev.genvault.s3;

import dev.genvault.BlobRef;
import dev.genvault.tck.BlobStoreContract;
import java.net.URI;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Run in a JVM of its own with a heap smaller than the file: uploads a stream of pseudo-random
 * bytes through S3BlobStore and prints the ref's size and SHA-256 and the number of parts.
 */
public final class BoundedMemoryUpload {
  private BoundedMemoryUpload() {}

  /** Arguments: endpoint, bucket, size in bytes. */
  public static void main(String[] args) throws Exception {
    RequestLog log = new RequestLog();
    try (S3Client s3 = S3ProxyFixture.client(URI.create(args[0]), log)) {
      S3BlobStore blobs =
          S3BlobStore.builder()
              .client(s3)
              .bucket(args[1])
              .multipartThreshold(S3BlobStore.MIN_PART_SIZE)
              .build();
      BlobRef ref =
          blobs.put(
              "generations/big/0.bin",
              BlobStoreContract.randomStream(Long.parseLong(args[2]), 64),
              "application/zip");
      long parts = log.operations().stream().filter("UploadPart"::equals).count();
      System.out.println(ref.size() + " " + ref.sha256() + " " + parts);
    }
  }
}
