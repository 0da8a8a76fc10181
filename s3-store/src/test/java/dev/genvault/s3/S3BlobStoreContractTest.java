package dev.genvault.s3;

import dev.genvault.spi.BlobStore;
import dev.genvault.tck.BlobStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** The BlobStore contract against S3Proxy through the AWS SDK, with presigned URLs. */
class S3BlobStoreContractTest extends BlobStoreContract {
  private static S3ProxyFixture s3proxy;
  private static S3Client s3;
  private static S3Presigner presigner;

  @BeforeAll
  static void useTheSharedS3Proxy() throws Exception {
    s3proxy = S3ProxyFixture.shared();
    s3 = s3proxy.client();
    presigner = S3ProxyFixture.sharedPresigner();
  }

  @AfterAll
  static void closeClient() {
    s3.close();
  }

  @Override
  protected BlobStore createBlobStore() {
    return S3BlobStore.builder()
        .client(s3)
        .bucket(s3proxy.newBucket(s3))
        .keyPrefix("tck")
        .presigner(presigner)
        .build();
  }
}
