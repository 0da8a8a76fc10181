package dev.genvault.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.genvault.BlobRef;
import dev.genvault.PersistenceException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

class S3BlobStoreTest {
  static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 1, 2, 3, 4};
  private static final int MIB = 1024 * 1024;

  private static S3ProxyFixture s3proxy;
  private static S3Presigner presigner;
  private final RequestLog log = new RequestLog();
  private final HttpClient http = HttpClient.newHttpClient();
  private S3Client s3;
  private String bucket;

  @BeforeAll
  static void useTheSharedS3Proxy() throws Exception {
    s3proxy = S3ProxyFixture.shared();
    presigner = S3ProxyFixture.sharedPresigner();
  }

  @BeforeEach
  void newBucket() {
    s3 = s3proxy.client(log);
    bucket = s3proxy.newBucket(s3);
    log.sent.clear();
  }

  @AfterEach
  void closeClient() {
    s3.close();
  }

  private S3BlobStore.Builder store() {
    return S3BlobStore.builder().client(s3).bucket(bucket).keyPrefix("app");
  }

  private HttpResponse<byte[]> fetch(URI url) throws Exception {
    return http.send(HttpRequest.newBuilder(url).build(), BodyHandlers.ofByteArray());
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "../escape.png",
        "generations/../../etc/passwd",
        "generations/abc/../0.png",
        "generations/0.png",
        "generations/abc/def/0.png",
        "other/abc/0.png",
        "generations/abc/0 .png",
        "generations/abc/%2e%2e",
        "generations/abc/0.png?x=1",
        "generations/abc/name.png",
        "generations/abc/01.png",
        "generations/abc/0",
        "generations/abc/0.PNG",
        "generations/abc/0.png.exe"
      })
  void odd_keys_are_refused_before_any_request_is_sent(String key) {
    S3BlobStore blobs = store().presigner(presigner).build();
    BlobRef ref = new BlobRef(key, null, "image/png", 1, "0".repeat(64));
    assertThatThrownBy(() -> blobs.put(key, PNG, "image/png"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> blobs.put(key, new ByteArrayInputStream(PNG), "image/png"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> blobs.open(key)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> blobs.delete(key)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> blobs.url(ref)).isInstanceOf(IllegalArgumentException.class);
    assertThat(log.sent).isEmpty();
  }

  @Test
  void the_content_type_comes_from_the_bytes_never_from_the_caller() {
    S3BlobStore blobs = store().build();
    BlobRef png = blobs.put("generations/t/0.png", PNG, "text/html");
    assertThat(png.contentType()).isEqualTo("image/png");
    assertThat(s3.headObject(r -> r.bucket(bucket).key("app/generations/t/0.png")).contentType())
        .isEqualTo("image/png");
    BlobRef svg =
        blobs.put(
            "generations/t/1.png",
            "<svg onload=alert(1)>".getBytes(StandardCharsets.UTF_8),
            "image/png");
    assertThat(svg.contentType()).isEqualTo("application/octet-stream");
  }

  @Test
  void objects_live_under_the_prefix_every_put_is_verifiable_and_refs_keep_no_url()
      throws Exception {
    S3BlobStore blobs = store().presigner(presigner).build();
    BlobRef ref = blobs.put("generations/p/0.png", PNG, "image/png");
    assertThat(ref.url()).isNull();
    assertThat(ref.sha256()).isEqualTo(sha256(PNG));
    assertThat(log.sent)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.operation()).isEqualTo("PutObject");
              assertThat(s.isVerifiable()).isTrue();
            });
    assertThat(S3ProxyFixture.keys(s3, bucket)).containsExactly("app/generations/p/0.png");
  }

  @Test
  void deleting_removes_the_object_and_an_unknown_key_is_not_an_error() {
    S3BlobStore blobs = store().build();
    blobs.put("generations/d/0.png", PNG, "image/png");
    assertThat(blobs.delete("generations/d/0.png")).isTrue();
    assertThat(S3ProxyFixture.keys(s3, bucket)).isEmpty();
    assertThat(blobs.delete("generations/d/0.png")).isFalse();
    assertThat(blobs.delete("generations/never/0.png")).isFalse();
  }

  @Test
  void a_file_above_the_threshold_goes_in_parts_and_no_upload_is_left_open() throws Exception {
    S3BlobStore blobs = store().multipartThreshold(5 * MIB).build();
    byte[] content = new byte[12 * MIB + 17];
    new SplittableRandom(3).nextBytes(content);
    BlobRef ref =
        blobs.put("generations/m/0.bin", new ByteArrayInputStream(content), "application/zip");
    assertThat(ref.size()).isEqualTo(content.length);
    assertThat(ref.sha256()).isEqualTo(sha256(content));
    assertThat(log.operations())
        .containsExactly(
            "CreateMultipartUpload",
            "UploadPart",
            "UploadPart",
            "UploadPart",
            "CompleteMultipartUpload");
    assertThat(log.sent.stream().filter(s -> s.operation().equals("UploadPart")))
        .allMatch(RequestLog.Sent::isVerifiable);
    try (InputStream in = blobs.open("generations/m/0.bin").orElseThrow()) {
      assertThat(sha256(in.readAllBytes())).isEqualTo(ref.sha256());
    }
    assertThat(S3ProxyFixture.openUploads(s3, bucket)).isZero();
  }

  @Test
  void over_plain_http_the_signed_body_is_the_checksum_and_no_md5_is_added() {
    S3BlobStore blobs = store().multipartThreshold(5 * MIB).build();
    blobs.put("generations/c/0.png", PNG, "image/png");
    blobs.put("generations/c/1.bin", new byte[5 * MIB + 1], "application/zip");
    assertThat(log.sent.stream().filter(s -> s.operation().matches("PutObject|UploadPart")))
        .hasSize(3)
        .allSatisfy(
            s -> {
              assertThat(s.hasContentMd5()).isFalse();
              assertThat(s.payloadHash()).startsWith("STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
            });
  }

  @Test
  void content_md5_mode_adds_one_to_every_put_and_part() {
    S3BlobStore blobs =
        store().multipartThreshold(5 * MIB).checksum(S3BlobStore.Checksum.CONTENT_MD5).build();
    blobs.put("generations/c/0.png", PNG, "image/png");
    blobs.put("generations/c/1.bin", new byte[5 * MIB + 1], "application/zip");
    assertThat(log.sent.stream().filter(s -> s.operation().matches("PutObject|UploadPart")))
        .hasSize(3)
        .allMatch(RequestLog.Sent::hasContentMd5);
  }

  @Test
  void auto_adds_an_md5_only_where_the_client_sends_no_verifiable_body() {
    S3BlobStore.Checksum auto = S3BlobStore.Checksum.AUTO;
    try (S3Client httpsRequired =
            client("https://s3.example.test", RequestChecksumCalculation.WHEN_REQUIRED);
        S3Client awsDefault = client(null, RequestChecksumCalculation.WHEN_SUPPORTED);
        S3Client awsRequired = client(null, RequestChecksumCalculation.WHEN_REQUIRED);
        S3Client httpRequired =
            client("http://127.0.0.1:9000", RequestChecksumCalculation.WHEN_REQUIRED)) {
      assertThat(S3BlobStore.needsContentMd5(httpsRequired, auto)).isTrue();
      assertThat(S3BlobStore.needsContentMd5(awsRequired, auto)).isTrue();
      assertThat(S3BlobStore.needsContentMd5(awsDefault, auto)).isFalse();
      assertThat(S3BlobStore.needsContentMd5(httpRequired, auto)).isFalse();
      assertThat(S3BlobStore.needsContentMd5(httpRequired, S3BlobStore.Checksum.CONTENT_MD5))
          .isTrue();
    }
  }

  private static S3Client client(String endpoint, RequestChecksumCalculation checksums) {
    software.amazon.awssdk.services.s3.S3ClientBuilder b =
        S3Client.builder()
            .region(software.amazon.awssdk.regions.Region.EU_WEST_1)
            .credentialsProvider(
                software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider.create())
            .requestChecksumCalculation(checksums);
    if (endpoint != null) {
      b.endpointOverride(URI.create(endpoint));
    }
    return b.build();
  }

  @Test
  void bytes_above_the_threshold_go_in_parts_too() throws Exception {
    S3BlobStore blobs = store().multipartThreshold(5 * MIB).build();
    byte[] content = new byte[5 * MIB + 1];
    new SplittableRandom(5).nextBytes(content);
    BlobRef ref = blobs.put("generations/mb/0.bin", content, "application/zip");
    assertThat(ref.sha256()).isEqualTo(sha256(content));
    assertThat(log.operations())
        .containsExactly(
            "CreateMultipartUpload", "UploadPart", "UploadPart", "CompleteMultipartUpload");
    try (InputStream in = blobs.open("generations/mb/0.bin").orElseThrow()) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
  }

  @Test
  void a_file_of_exactly_the_threshold_goes_in_one_put() {
    S3BlobStore blobs = store().multipartThreshold(5 * MIB).build();
    BlobRef ref =
        blobs.put("generations/e/0.bin", new ByteArrayInputStream(new byte[5 * MIB]), "x/y");
    assertThat(ref.size()).isEqualTo(5 * MIB);
    assertThat(log.operations()).containsExactly("PutObject");
  }

  @Test
  void a_multipart_upload_whose_content_fails_is_aborted_and_leaves_nothing() {
    S3BlobStore blobs = store().multipartThreshold(5 * MIB).build();
    InputStream breaksAfterSixMib =
        new InputStream() {
          long left = 6L * MIB;

          @Override
          public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
              throw new IOException("the provider's stream broke");
            }
            int n = (int) Math.min(len, left);
            left -= n;
            return n;
          }
        };
    assertThatThrownBy(() -> blobs.put("generations/f/0.bin", breaksAfterSixMib, "x/y"))
        .isInstanceOf(PersistenceException.class)
        .hasMessageContaining("generations/f/0.bin");
    assertThat(log.operations()).contains("AbortMultipartUpload");
    assertThat(S3ProxyFixture.openUploads(s3, bucket)).isZero();
    assertThat(S3ProxyFixture.keys(s3, bucket)).isEmpty();
  }

  @Test
  void a_presigned_url_answers_images_inline_and_other_files_as_attachments() throws Exception {
    S3BlobStore blobs = store().presigner(presigner).build();
    BlobRef png = blobs.put("generations/u/0.png", PNG, "image/png");
    URI url = blobs.url(png).orElseThrow();
    assertThat(url.getQuery()).contains("X-Amz-Expires=900");
    HttpResponse<byte[]> image = fetch(url);
    assertThat(image.statusCode()).isEqualTo(200);
    assertThat(image.body()).isEqualTo(PNG);
    assertThat(image.headers().firstValue("Content-Type")).contains("image/png");
    assertThat(image.headers().firstValue("Content-Disposition")).contains("inline");

    byte[] html = "<html><script>alert(1)</script>".getBytes(StandardCharsets.UTF_8);
    BlobRef other = blobs.put("generations/u/1.png", html, "image/png");
    HttpResponse<byte[]> file = fetch(blobs.url(other).orElseThrow());
    assertThat(file.body()).isEqualTo(html);
    assertThat(file.headers().firstValue("Content-Type")).contains("application/octet-stream");
    assertThat(file.headers().firstValue("Content-Disposition"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("attachment"));
  }

  @Test
  void a_presigned_url_stops_working_after_its_ttl() throws Exception {
    // 3 s, not 1: the signing time is whole seconds, so a 1 s URL can expire at once.
    S3BlobStore blobs = store().presigner(presigner).urlTtl(Duration.ofSeconds(3)).build();
    BlobRef png = blobs.put("generations/x/0.png", PNG, "image/png");
    URI url = blobs.url(png).orElseThrow();
    assertThat(fetch(url).statusCode()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> fetch(url).statusCode() == 403);
  }

  @Test
  void a_public_base_url_gives_permanent_urls_of_the_object_key() throws Exception {
    S3BlobStore blobs = store().publicBaseUrl(s3proxy.endpoint + "/" + bucket).build();
    BlobRef png = blobs.put("generations/b/0.png", PNG, "image/png");
    assertThat(blobs.url(png))
        .contains(URI.create(s3proxy.endpoint + "/" + bucket + "/app/generations/b/0.png"));
    assertThat(S3BlobStore.create(s3, bucket).url(png)).isEmpty();
  }

  @Test
  void the_builder_refuses_what_cannot_work() {
    assertThatThrownBy(() -> store().urlTtl(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store().urlTtl(Duration.ofDays(7).plusSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store().multipartThreshold(5 * MIB - 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store().publicBaseUrl("ftp://x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store().keyPrefix("../up"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> store().presigner(presigner).publicBaseUrl("https://cdn.example.com").build())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> S3BlobStore.builder().bucket("b").build())
        .isInstanceOf(IllegalStateException.class);
  }
}
