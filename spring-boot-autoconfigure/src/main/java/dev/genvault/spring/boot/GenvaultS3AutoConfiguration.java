package dev.genvault.spring.boot;

import dev.genvault.s3.S3BlobStore;
import dev.genvault.spi.BlobStore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Generated files in S3 ({@code genvault-s3-store}), when the app has an {@link S3Client} bean and
 * {@code genvault.s3.bucket} names a bucket. An app whose {@code S3Client} serves other purposes
 * and sets no bucket keeps its files in the {@code genvault.blobs} folder. File URLs are permanent
 * under {@code genvault.s3.public-base-url}, or presigned with the app's {@link S3Presigner} bean;
 * without either, files are served by the routes. Backs off when the app defines a {@link
 * BlobStore}.
 */
@AutoConfiguration(before = GenvaultAutoConfiguration.class)
@ConditionalOnClass({S3BlobStore.class, S3Client.class})
@EnableConfigurationProperties(GenvaultProperties.class)
public class GenvaultS3AutoConfiguration {
  @Bean
  @ConditionalOnMissingBean(BlobStore.class)
  @ConditionalOnBean(S3Client.class)
  @ConditionalOnProperty("genvault.s3.bucket")
  S3BlobStore genvaultS3Blobs(
      S3Client s3, GenvaultProperties properties, ObjectProvider<S3Presigner> presigner) {
    GenvaultProperties.S3 p = properties.getS3();
    S3BlobStore.Builder b = S3BlobStore.builder().client(s3).bucket(p.getBucket().strip());
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
