package dev.genvault.redis;

import redis.clients.jedis.UnifiedJedis;

/** The DedupCache contract on a master found through a Redis Sentinel. */
class RedisSentinelContractTest extends ClientContractTest {
  @Override
  UnifiedJedis newClient() {
    return EmbeddedTopologies.sentinel();
  }
}
