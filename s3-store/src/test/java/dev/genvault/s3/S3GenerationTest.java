package dev.genvault.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.genvault.BlobRef;
import dev.genvault.ErrorType;
import dev.genvault.Generation;
import dev.genvault.GenerationFailedException;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationStatus;
import dev.genvault.PersistentGenerator;
import dev.genvault.http.Authorizer;
import dev.genvault.http.GenerationRoutes;
import dev.genvault.openai.OpenAiClient;
import dev.genvault.spi.DedupCache;
import dev.genvault.spi.GenerationStore;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** Image generations through OpenAiClient into S3Proxy, and out again through the routes. */
class S3GenerationTest {
  private static final byte[] PNG = S3BlobStoreTest.PNG;

  private static S3ProxyFixture s3proxy;
  private static S3Presigner presigner;
  private final GenerationStore store = GenerationStore.inMemory();
  private final HttpClient http = HttpClient.newHttpClient();
  private MockWebServer openAiServer;
  private OpenAiClient openai;
  private S3Client s3;
  private String bucket;

  @BeforeAll
  static void useTheSharedS3Proxy() throws Exception {
    s3proxy = S3ProxyFixture.shared();
    presigner = S3ProxyFixture.sharedPresigner();
  }

  @BeforeEach
  void start() throws Exception {
    openAiServer = new MockWebServer();
    openAiServer.start(InetAddress.getLoopbackAddress(), 0);
    openai =
        OpenAiClient.builder()
            .apiKey("sk-test-0123456789")
            .baseUrl(openAiServer.url("/v1/").toString())
            .sleeper(d -> {})
            .build();
  }

  @AfterEach
  void stop() {
    openai.close();
    openAiServer.close();
    if (s3 != null) {
      s3.close();
    }
  }

  private static MockResponse images(int count) {
    String item = "{\"b64_json\":\"" + Base64.getEncoder().encodeToString(PNG) + "\"}";
    String data = String.join(",", java.util.Collections.nCopies(count, item));
    return new MockResponse.Builder()
        .code(200)
        .setHeader("Content-Type", "application/json")
        .body("{\"created\":1,\"data\":[" + data + "]}")
        .build();
  }

  private PersistentGenerator generator(S3BlobStore blobs) {
    return PersistentGenerator.builder().store(store).blobs(blobs).cache(DedupCache.none()).build();
  }

  @Test
  void an_image_lands_in_the_bucket_and_its_url_redirects_to_a_presigned_url_that_expires()
      throws Exception {
    s3 = s3proxy.client();
    bucket = s3proxy.newBucket(s3);
    S3BlobStore blobs =
        S3BlobStore.builder()
            .client(s3)
            .bucket(bucket)
            .keyPrefix("gen")
            .presigner(presigner)
            .urlTtl(Duration.ofSeconds(3))
            .build();
    openAiServer.enqueue(images(1));
    try (PersistentGenerator genvault = generator(blobs);
        GenerationRoutes routes =
            GenerationRoutes.builder()
                .generator(genvault)
                .blobs(blobs)
                .authorizer(Authorizer.allowAll())
                .start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      Generation g = genvault.generate(GenerationRequest.image("dall-e-3", "a cat"), openai);

      String key = "generations/" + g.id() + "/0.png";
      assertThat(S3ProxyFixture.keys(s3, bucket)).containsExactly("gen/" + key);
      BlobRef ref = store.find(g.id()).orElseThrow().blobs().get(0);
      assertThat(ref.key()).isEqualTo(key);
      assertThat(ref.url()).isNull();
      assertThat(ref.contentType()).isEqualTo("image/png");
      assertThat(ref.size()).isEqualTo(PNG.length);

      URI page =
          URI.create(
              "http://127.0.0.1:"
                  + routes.address().orElseThrow().getPort()
                  + "/image/"
                  + g.id()
                  + "/0");
      HttpResponse<byte[]> redirect =
          http.send(HttpRequest.newBuilder(page).build(), BodyHandlers.ofByteArray());
      assertThat(redirect.statusCode()).isEqualTo(302);
      URI presigned = URI.create(redirect.headers().firstValue("Location").orElseThrow());
      assertThat(presigned.getQuery()).contains("X-Amz-Signature=", "X-Amz-Expires=3");

      HttpClient following =
          HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
      HttpResponse<byte[]> followed =
          following.send(HttpRequest.newBuilder(page).build(), BodyHandlers.ofByteArray());
      assertThat(followed.statusCode()).isEqualTo(200);
      assertThat(followed.body()).isEqualTo(PNG);
      assertThat(followed.headers().firstValue("Content-Type")).contains("image/png");

      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(250))
          .until(
              () ->
                  http.send(HttpRequest.newBuilder(presigned).build(), BodyHandlers.discarding())
                          .statusCode()
                      == 403);
    }
  }

  @Test
  void s3_going_down_for_good_ends_the_row_blob_upload_failed_and_leaves_nothing_in_the_bucket()
      throws Exception {
    int deadPort;
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      deadPort = closed.getLocalPort();
    }
    AtomicInteger puts = new AtomicInteger();
    AtomicInteger failedAttempts = new AtomicInteger();
    ExecutionInterceptor downAfterTheFirstPut =
        new ExecutionInterceptor() {
          @Override
          public SdkHttpRequest modifyHttpRequest(
              Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
            boolean put =
                "PutObject".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
            if (put && puts.incrementAndGet() > 1) {
              return context.httpRequest().toBuilder().port(deadPort).build();
            }
            return context.httpRequest();
          }

          @Override
          public void beforeTransmission(
              Context.BeforeTransmission context, ExecutionAttributes attributes) {
            if (context.httpRequest().port() == deadPort) {
              failedAttempts.incrementAndGet();
            }
          }
        };
    s3 = s3proxy.client(downAfterTheFirstPut);
    bucket = s3proxy.newBucket(s3);
    S3BlobStore blobs = S3BlobStore.builder().client(s3).bucket(bucket).build();
    openAiServer.enqueue(images(2));
    try (PersistentGenerator genvault = generator(blobs)) {
      GenerationFailedException e =
          catchThrowableOfType(
              GenerationFailedException.class,
              () -> genvault.generate(GenerationRequest.image("dall-e-3", "two cats"), openai));
      assertThat(e.errorType()).isEqualTo(ErrorType.BLOB_UPLOAD_FAILED);
      Generation row = store.find(e.generationId()).orElseThrow();
      assertThat(row.status()).isEqualTo(GenerationStatus.ERROR);
      assertThat(row.errorType()).isEqualTo(ErrorType.BLOB_UPLOAD_FAILED);
      assertThat(row.blobs()).isEmpty();
    }
    assertThat(failedAttempts.get())
        .as("the client retried the PUT (standard mode: 3 attempts)")
        .isEqualTo(3);
    assertThat(S3ProxyFixture.keys(s3, bucket)).isEmpty();
  }
}
