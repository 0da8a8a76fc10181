package dev.genvault.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genvault.BlobRef;
import java.net.InetAddress;
import java.net.URI;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/** MockWebServer as the S3 endpoint: what the client sends when S3 answers 503 once. */
class S3RetryTest {
  private MockWebServer server;
  private S3Client s3;

  @BeforeEach
  void start() throws Exception {
    server = new MockWebServer();
    server.start(InetAddress.getLoopbackAddress(), 0);
    s3 = S3ProxyFixture.client(URI.create(server.url("/").toString()));
  }

  @AfterEach
  void stop() {
    s3.close();
    server.close();
  }

  @Test
  void a_put_answered_503_is_sent_again_with_the_same_body_and_succeeds() throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .code(503)
            .setHeader("Content-Type", "application/xml")
            .body(
                "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>")
            .build());
    server.enqueue(new MockResponse.Builder().code(200).setHeader("ETag", "\"abc\"").build());
    S3BlobStore blobs =
        S3BlobStore.builder()
            .client(s3)
            .bucket("bucket")
            .checksum(S3BlobStore.Checksum.CONTENT_MD5)
            .build();

    BlobRef ref = blobs.put("generations/r/0.png", S3BlobStoreTest.PNG, "image/png");

    assertThat(ref.size()).isEqualTo(S3BlobStoreTest.PNG.length);
    assertThat(server.getRequestCount()).isEqualTo(2);
    for (int i = 0; i < 2; i++) {
      RecordedRequest put = server.takeRequest();
      assertThat(put.getMethod()).isEqualTo("PUT");
      assertThat(put.getTarget()).isEqualTo("/bucket/generations/r/0.png");
      // Over plain HTTP the SDK signs the body in aws-chunked chunks: the file is inside.
      assertThat(put.getBody().indexOf(ByteString.of(S3BlobStoreTest.PNG))).isNotNegative();
      assertThat(put.getHeaders().get("Content-MD5")).isNotNull();
      assertThat(put.getHeaders().get("Content-Type")).isEqualTo("image/png");
    }
  }
}
