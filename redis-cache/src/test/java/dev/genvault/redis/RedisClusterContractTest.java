package dev.genvault.redis;

import redis.clients.jedis.UnifiedJedis;

/**
 * The DedupCache contract on a three-master Redis Cluster through Jedis's cluster client: keys on
 * every node, scripts on each key's node, and releases published on one node heard by a subscriber
 * on another.
 */
class RedisClusterContractTest extends ClientContractTest {
  @Override
  UnifiedJedis newClient() {
    return EmbeddedTopologies.cluster();
  }
}
