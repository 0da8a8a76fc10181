package dev.genvault.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genvault.tck.BlobStoreContract;
import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/** A 64 MiB upload from a JVM whose whole heap is 40 MiB: only multipart in bounded memory fits. */
class BoundedMemoryUploadTest {
  private static final long SIZE = 64L * 1024 * 1024;

  @Test
  void a_64_mib_stream_uploads_in_parts_from_a_40_mib_heap() throws Exception {
    try (S3ProxyFixture s3proxy = new S3ProxyFixture();
        S3Client s3 = s3proxy.client()) {
      String bucket = s3proxy.newBucket(s3);
      String javaBin =
          System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
      Process child =
          new ProcessBuilder(
                  javaBin,
                  "-Xmx40m",
                  "-cp",
                  System.getProperty("java.class.path"),
                  BoundedMemoryUpload.class.getName(),
                  s3proxy.endpoint.toString(),
                  bucket,
                  Long.toString(SIZE))
              .redirectErrorStream(true)
              .start();
      String output;
      try (InputStream out = child.getInputStream()) {
        output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
      }
      assertThat(child.waitFor(5, TimeUnit.MINUTES)).isTrue();
      assertThat(child.exitValue()).as(output).isZero();
      String[] last = output.strip().lines().reduce((a, b) -> b).orElseThrow().split(" ");

      MessageDigest expected = MessageDigest.getInstance("SHA-256");
      try (InputStream in =
          new DigestInputStream(BlobStoreContract.randomStream(SIZE, 64), expected)) {
        in.transferTo(OutputStream.nullOutputStream());
      }
      String sha = HexFormat.of().formatHex(expected.digest());
      assertThat(last[0]).isEqualTo(Long.toString(SIZE));
      assertThat(last[1]).isEqualTo(sha);
      assertThat(Integer.parseInt(last[2])).isEqualTo(13); // 12 parts of 5 MiB and 4 MiB

      MessageDigest stored = MessageDigest.getInstance("SHA-256");
      try (InputStream in =
          new DigestInputStream(
              s3.getObject(r -> r.bucket(bucket).key("generations/big/0.bin")), stored)) {
        assertThat(in.transferTo(OutputStream.nullOutputStream())).isEqualTo(SIZE);
      }
      assertThat(HexFormat.of().formatHex(stored.digest())).isEqualTo(sha);
      assertThat(S3ProxyFixture.openUploads(s3, bucket)).isZero();
    }
  }
}
