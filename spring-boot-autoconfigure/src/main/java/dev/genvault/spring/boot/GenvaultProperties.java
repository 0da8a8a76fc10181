package dev.genvault.spring.boot;

import dev.genvault.CacheScope;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code genvault.*} properties of a Spring Boot app: where records, files and the cache live,
 * and the generator's settings. Every one has a default, so none is needed to start.
 */
@ConfigurationProperties("genvault")
public class GenvaultProperties {
  /**
   * The base of generation URLs, e.g. {@code https://app.example.com/ai}; without it, the app's own
   * pages on this machine ({@code http://localhost:PORT/CONTEXT/genvault}).
   */
  private @Nullable String baseUrl;

  /** How long an identical request is answered from the dedup cache. */
  private Duration cacheTtl = Duration.ofDays(1);

  /** Who may share a cached answer: the same user (the default) or the same tenant. */
  private CacheScope cacheScope = CacheScope.USER;

  /** How often streamed text is written to the store while it arrives. */
  private Duration checkpointInterval = Duration.ofMillis(250);

  /** How the store treats the schema: create what is missing (default), verify, or none. */
  private Schema schema = Schema.CREATE;

  /** Where generated files go when no other BlobStore bean is defined. */
  private Path blobs = Path.of("genvault-blobs");

  /** Prices and budgets. */
  private final Cost cost = new Cost();

  /** The routes and pages in the app's servlet container. */
  private final Http http = new Http();

  /** Generated files in S3, with the app's {@code S3Client} bean. */
  private final S3 s3 = new S3();

  /** The dedup cache in Redis. */
  private final Redis redis = new Redis();

  /**
   * Generated files in S3: {@code genvault.s3.*}. They go there when the app has an {@code
   * S3Client} bean and {@link #bucket} is set; otherwise to the {@code genvault.blobs} folder.
   */
  public static class S3 {
    /** The bucket for generated files; none by default (files go to the folder). */
    private @Nullable String bucket;

    /**
     * A prefix for every object key, such as {@code prod/genvault} (segments of {@code A-Z a-z 0-9
     * . _ -} separated by {@code /}, no trailing slash); none by default.
     */
    private @Nullable String keyPrefix;

    /**
     * Files served at permanent URLs under this base (a public bucket or a CDN in front of it);
     * without it, and with an {@code S3Presigner} bean, files get presigned URLs.
     */
    private @Nullable String publicBaseUrl;

    /** How long a presigned URL works. */
    private Duration urlTtl = Duration.ofMinutes(15);

    public @Nullable String getBucket() {
      return bucket;
    }

    public void setBucket(@Nullable String bucket) {
      this.bucket = bucket;
    }

    public @Nullable String getKeyPrefix() {
      return keyPrefix;
    }

    public void setKeyPrefix(@Nullable String keyPrefix) {
      this.keyPrefix = keyPrefix;
    }

    public @Nullable String getPublicBaseUrl() {
      return publicBaseUrl;
    }

    public void setPublicBaseUrl(@Nullable String publicBaseUrl) {
      this.publicBaseUrl = publicBaseUrl;
    }

    public Duration getUrlTtl() {
      return urlTtl;
    }

    public void setUrlTtl(Duration urlTtl) {
      this.urlTtl = urlTtl;
    }
  }

  /**
   * The dedup cache in Redis: {@code genvault.redis.*}. With {@code genvault-redis-cache} on the
   * classpath, the cache is in Redis when the app has a Jedis {@code UnifiedJedis} bean, when
   * {@link #url} is set, or when Spring Boot knows a single Redis server ({@code
   * spring.data.redis.*}); otherwise in the database.
   */
  public static class Redis {
    /**
     * The Redis server, {@code redis://[[user]:password@]host[:port][/database]} or {@code
     * rediss://...}; none by default.
     */
    private @Nullable String url;

    /** The first segment of every key: apps sharing a Redis keep apart by namespace. */
    private String namespace = "genvault";

    /** How long one Redis call may take before it counts as a miss. */
    private Duration timeout = Duration.ofMillis(250);

    public @Nullable String getUrl() {
      return url;
    }

    public void setUrl(@Nullable String url) {
      this.url = url;
    }

    public String getNamespace() {
      return namespace;
    }

    public void setNamespace(String namespace) {
      this.namespace = namespace;
    }

    public Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }
  }

  public S3 getS3() {
    return s3;
  }

  public Redis getRedis() {
    return redis;
  }

  /** The routes and pages: {@code genvault.http.*}. */
  public static class Http {
    /** Where the routes and pages are mounted; the base URL, if set, should end with it. */
    private String path = "/genvault";

    public String getPath() {
      return path;
    }

    public void setPath(String path) {
      this.path = path;
    }
  }

  public Http getHttp() {
    return http;
  }

  /** What the store does with the schema at start. */
  public enum Schema {
    /** Create the tables that are missing and apply the migrations the database lacks. */
    CREATE,
    /** Only check that the schema is at this code's version. */
    VERIFY,
    /** Leave the schema to the app's own migrations. */
    NONE
  }

  /** Prices and budgets: {@code genvault.cost.*}. */
  public static class Cost {
    /**
     * A genai-prices data.json (URL or file) read at start and refreshed, beside the bundled table.
     */
    private @Nullable String pricesUrl;

    /** How often {@link #pricesUrl} is read again. */
    private Duration pricesRefresh = Duration.ofHours(6);

    /** A per-user budget in US dollars per day; none by default. */
    private @Nullable BigDecimal userDailyUsd;

    /** A per-tenant budget in US dollars per month; none by default. */
    private @Nullable BigDecimal tenantMonthlyUsd;

    /** The time zone in which budget days and months start. */
    private ZoneId budgetZone = ZoneId.of("UTC");

    public @Nullable String getPricesUrl() {
      return pricesUrl;
    }

    public void setPricesUrl(@Nullable String pricesUrl) {
      this.pricesUrl = pricesUrl;
    }

    public Duration getPricesRefresh() {
      return pricesRefresh;
    }

    public void setPricesRefresh(Duration pricesRefresh) {
      this.pricesRefresh = pricesRefresh;
    }

    public @Nullable BigDecimal getUserDailyUsd() {
      return userDailyUsd;
    }

    public void setUserDailyUsd(@Nullable BigDecimal userDailyUsd) {
      this.userDailyUsd = userDailyUsd;
    }

    public @Nullable BigDecimal getTenantMonthlyUsd() {
      return tenantMonthlyUsd;
    }

    public void setTenantMonthlyUsd(@Nullable BigDecimal tenantMonthlyUsd) {
      this.tenantMonthlyUsd = tenantMonthlyUsd;
    }

    public ZoneId getBudgetZone() {
      return budgetZone;
    }

    public void setBudgetZone(ZoneId budgetZone) {
      this.budgetZone = budgetZone;
    }
  }

  public @Nullable String getBaseUrl() {
    return baseUrl;
  }

  public void setBaseUrl(@Nullable String baseUrl) {
    this.baseUrl = baseUrl;
  }

  public Duration getCacheTtl() {
    return cacheTtl;
  }

  public void setCacheTtl(Duration cacheTtl) {
    this.cacheTtl = cacheTtl;
  }

  public CacheScope getCacheScope() {
    return cacheScope;
  }

  public void setCacheScope(CacheScope cacheScope) {
    this.cacheScope = cacheScope;
  }

  public Duration getCheckpointInterval() {
    return checkpointInterval;
  }

  public void setCheckpointInterval(Duration checkpointInterval) {
    this.checkpointInterval = checkpointInterval;
  }

  public Schema getSchema() {
    return schema;
  }

  public void setSchema(Schema schema) {
    this.schema = schema;
  }

  public Path getBlobs() {
    return blobs;
  }

  public void setBlobs(Path blobs) {
    this.blobs = blobs;
  }

  public Cost getCost() {
    return cost;
  }
}
