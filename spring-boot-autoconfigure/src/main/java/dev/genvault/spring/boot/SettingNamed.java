package dev.genvault.spring.boot;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Conditions on a {@code genvault.*} setting that names something: set and not blank, as {@code
 * ${BUCKET:}} would leave it. A blank one counts as unset.
 */
final class SettingNamed {
  static final String BUCKET = "genvault.s3.bucket";
  static final String REDIS_URL = "genvault.redis.url";

  private SettingNamed() {}

  static boolean named(ConditionContext context, String property) {
    return StringUtils.hasText(context.getEnvironment().getProperty(property));
  }

  /** {@code genvault.s3.bucket} names a bucket. */
  static final class Bucket implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      return named(context, BUCKET);
    }
  }

  /** {@code genvault.redis.url} names a server. */
  static final class RedisUrl implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      return named(context, REDIS_URL);
    }
  }

  /** {@code genvault.redis.url} names no server. */
  static final class NoRedisUrl implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      return !named(context, REDIS_URL);
    }
  }
}
