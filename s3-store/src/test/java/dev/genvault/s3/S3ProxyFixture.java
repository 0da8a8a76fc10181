package dev.genvault.s3;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** S3Proxy in this JVM on 127.0.0.1, in memory, with signature checks, and clients for it. */
final class S3ProxyFixture implements AutoCloseable {
  static final String ACCESS_KEY = "test-access";
  static final String SECRET_KEY = "test-secret-not-real";
  static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));

  private static final AtomicInteger buckets = new AtomicInteger();
  private static S3ProxyFixture shared;
  private static S3Presigner sharedPresigner;

  private final BlobStoreContext context;
  private final S3Proxy proxy;
  final URI endpoint;

  S3ProxyFixture() throws Exception {
    context =
        ContextBuilder.newBuilder("transient")
            .credentials("identity", "credential")
            .build(BlobStoreContext.class);
    proxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .endpoint(URI.create("http://127.0.0.1:0"))
            .v4MaxNonChunkedRequestSize(64L * 1024 * 1024)
            .build();
    proxy.start();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> proxy.getState().equals(AbstractLifeCycle.STARTED));
    endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
  }

  /**
   * One S3Proxy for the whole test JVM (each test takes a bucket of its own), stopped when the JVM
   * exits: starting one per test class only repeated the same work.
   */
  static synchronized S3ProxyFixture shared() throws Exception {
    if (shared == null) {
      S3ProxyFixture started = new S3ProxyFixture();
      sharedPresigner = started.presigner();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      sharedPresigner.close();
                      started.close();
                    } catch (Exception ignored) {
                      // the JVM is going away
                    }
                  }));
      shared = started;
    }
    return shared;
  }

  /** The presigner of the {@link #shared()} proxy. */
  static synchronized S3Presigner sharedPresigner() throws Exception {
    shared();
    return sharedPresigner;
  }

  /** A client for this proxy, as the README wires one for an S3-compatible store. */
  S3Client client(ExecutionInterceptor... interceptors) {
    return client(endpoint, interceptors);
  }

  static S3Client client(URI endpoint, ExecutionInterceptor... interceptors) {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(CREDENTIALS)
        .forcePathStyle(true)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .overrideConfiguration(
            o -> o.executionInterceptors(List.of(interceptors)).retryStrategy(RetryMode.STANDARD))
        .build();
  }

  S3Presigner presigner() {
    return S3Presigner.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(CREDENTIALS)
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
        .build();
  }

  /** A new, empty bucket. */
  String newBucket(S3Client s3) {
    String bucket = "genvault-test-" + buckets.incrementAndGet();
    s3.createBucket(b -> b.bucket(bucket));
    return bucket;
  }

  /** The keys of every object in a bucket. */
  static List<String> keys(S3Client s3, String bucket) {
    return s3.listObjectsV2Paginator(r -> r.bucket(bucket)).contents().stream()
        .map(S3Object::key)
        .toList();
  }

  /** How many multipart uploads were started and neither completed nor aborted. */
  static int openUploads(S3Client s3, String bucket) {
    return s3.listMultipartUploads(r -> r.bucket(bucket)).uploads().size();
  }

  @Override
  public void close() {
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("S3Proxy did not stop", e);
    } finally {
      context.close();
    }
  }
}
