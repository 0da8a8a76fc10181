package dev.genvault.spring.boot;

import dev.genvault.s3.S3BlobStore;
import dev.genvault.spi.BlobStore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.ClassUtils;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Generated files in S3 ({@code genvault-s3-store}) when {@code genvault.s3.bucket} names a bucket,
 * through the app's {@link S3Client} bean (its own, or Spring Cloud AWS's); the app does not start
 * if it has none, or several and none {@code @Primary}. Without a bucket, files stay in the {@code
 * genvault.blobs} folder, whatever S3 client the app has. File URLs are permanent under {@code
 * genvault.s3.public-base-url}, or presigned with the app's {@link S3Presigner} bean; without
 * either, files are served by the routes. Backs off when the app defines a {@link BlobStore}.
 */
@AutoConfiguration(
    before = GenvaultAutoConfiguration.class,
    afterName = "io.awspring.cloud.autoconfigure.s3.S3AutoConfiguration")
@ConditionalOnClass({S3BlobStore.class, S3Client.class})
@EnableConfigurationProperties(GenvaultProperties.class)
public class GenvaultS3AutoConfiguration {
  @Bean
  @ConditionalOnMissingBean(BlobStore.class)
  @Conditional(SettingNamed.Bucket.class)
  S3BlobStore genvaultS3Blobs(
      ObjectProvider<S3Client> clients,
      GenvaultProperties properties,
      ObjectProvider<S3Presigner> presigner,
      ResourceLoader app) {
    if (!ClassUtils.isPresent(
        "software.amazon.awssdk.core.checksums.RequestChecksumCalculation", app.getClassLoader())) {
      throw new IllegalStateException(
          "genvault.s3.bucket is set, but the app's AWS SDK is older than 2.30, which"
              + " genvault-s3-store needs (it is built with 2.57): upgrade software.amazon.awssdk");
    }
    S3Client s3 = clients.getIfUnique();
    if (s3 == null) {
      throw new IllegalStateException(
          clients.stream().findAny().isPresent()
              ? "genvault.s3.bucket is set and the app has several S3Client beans: mark the one"
                  + " for generated files @Primary, or define a BlobStore bean"
              : "genvault.s3.bucket is set, but the app has no S3Client bean: define one (or add"
                  + " Spring Cloud AWS), or remove genvault.s3.bucket to keep files in the"
                  + " genvault.blobs folder");
    }
    GenvaultProperties.S3 p = properties.getS3();
    String bucket = java.util.Objects.requireNonNull(p.getBucket()).strip();
    S3BlobStore.Builder b = S3BlobStore.builder().client(s3).bucket(bucket);
    if (p.getKeyPrefix() != null && !p.getKeyPrefix().isBlank()) {
      b.keyPrefix(p.getKeyPrefix().strip());
    }
    if (p.getPublicBaseUrl() != null && !p.getPublicBaseUrl().isBlank()) {
      b.publicBaseUrl(p.getPublicBaseUrl().strip());
    } else {
      S3Presigner signer = presigner.getIfUnique();
      if (signer != null) {
        b.presigner(signer).urlTtl(p.getUrlTtl());
      }
    }
    return b.build();
  }
}
