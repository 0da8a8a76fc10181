package dev.genvault.redis;

import dev.genvault.spi.DedupCache;
import dev.genvault.tck.MutableClock;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

/** The DedupCache contract on a Jedis client of the test's making (a cluster's, a Sentinel's). */
abstract class ClientContractTest extends RedisDedupCacheContractTest {
  private UnifiedJedis client;

  /** A new client for the topology under test. */
  abstract UnifiedJedis newClient();

  @Override
  protected DedupCache createCache(MutableClock clock) {
    client = newClient();
    return RedisDedupCache.builder().client(client).recheckEvery(NOTICES_ONLY).build();
  }

  @Override
  protected void closeCache(DedupCache cache) {
    super.closeCache(cache);
    client.close();
  }

  @Override
  RedisDedupCache otherInstance() {
    return RedisDedupCache.builder().client(client).build();
  }

  @Test
  void waiting_threads_are_woken_through_a_subscription_made_by_this_client() {
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(((RedisDedupCache) cache)::watching);
  }
}
