/**
 * {@link dev.genvault.spi.BlobStore} on Amazon S3 and S3-compatible stores (MinIO, Cloudflare R2,
 * ...) through the AWS SDK for Java 2: {@link dev.genvault.s3.S3BlobStore}.
 */
@NullMarked
package dev.genvault.s3;

import org.jspecify.annotations.NullMarked;
