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
  static void startS3Proxy() throws Exception {
    s3proxy = new S3ProxyFixture();
    s3 = s3proxy.client();
    presigner = s3proxy.presigner();
  }

  @AfterAll
  static void stopS3Proxy() throws Exception {
    presigner.close();
    s3.close();
    s3proxy.close();
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
