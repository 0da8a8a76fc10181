package dev.genvault.redis;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.embedded.Redis;
import redis.embedded.RedisSentinel;
import redis.embedded.RedisServer;

/**
 * A Redis Cluster of three masters and a Sentinel watching one master, all on 127.0.0.1 and started
 * by the tests (one of each per test JVM), and Jedis clients for them.
 */
final class EmbeddedTopologies {
  static final String MASTER_NAME = "genvault-master";

  /** Where the cluster's nodes keep their state files (Redis writes them; not ours to read). */
  private static final Path NODES = Path.of("target", "redis-cluster").toAbsolutePath();

  private static List<Integer> clusterPorts;
  private static int sentinelPort;

  private EmbeddedTopologies() {}

  /** A client for a three-master cluster whose slots are split between its nodes. */
  static synchronized RedisClusterClient cluster() {
    if (clusterPorts == null) {
      try {
        Files.createDirectories(NODES);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      List<Integer> ports = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        int port = EmbeddedRedis.freePort();
        start(
            RedisServer.newRedisServer()
                .port(port)
                .bind("127.0.0.1")
                .setting("save \"\"")
                .setting("appendonly no")
                .setting("cluster-enabled yes")
                .setting("cluster-config-file " + NODES.resolve("nodes-" + port + ".conf"))
                .setting("cluster-node-timeout 5000"));
        ports.add(port);
      }
      int per = 16384 / 3;
      for (int i = 0; i < 3; i++) {
        try (Jedis node = new Jedis("127.0.0.1", ports.get(i))) {
          int from = i * per;
          int to = i == 2 ? 16383 : from + per - 1;
          node.clusterAddSlots(java.util.stream.IntStream.rangeClosed(from, to).toArray()); // 6.2
          if (i > 0) {
            node.clusterMeet("127.0.0.1", ports.get(0));
          }
        }
      }
      for (int port : ports) {
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  try (Jedis node = new Jedis("127.0.0.1", port)) {
                    return node.clusterInfo().contains("cluster_state:ok");
                  }
                });
      }
      clusterPorts = ports;
    }
    Set<HostAndPort> nodes =
        clusterPorts.stream().map(p -> new HostAndPort("127.0.0.1", p)).collect(Collectors.toSet());
    return RedisClusterClient.builder().nodes(nodes).build();
  }

  /** A client that finds its master through a Sentinel. */
  static synchronized RedisSentinelClient sentinel() {
    if (sentinelPort == 0) {
      int masterPort = EmbeddedRedis.freePort();
      start(
          RedisServer.newRedisServer()
              .port(masterPort)
              .bind("127.0.0.1")
              .setting("save \"\"")
              .setting("appendonly no"));
      int port = EmbeddedRedis.freePort();
      RedisSentinel sentinel =
          RedisSentinel.newRedisSentinel()
              .bind("127.0.0.1")
              .port(port)
              .masterName(MASTER_NAME)
              .masterPort(masterPort)
              .quorumSize(1)
              .build();
      start(sentinel);
      sentinelPort = port;
    }
    return RedisSentinelClient.builder()
        .masterName(MASTER_NAME)
        .sentinels(Set.of(new HostAndPort("127.0.0.1", sentinelPort)))
        .build();
  }

  private static void start(redis.embedded.core.RedisServerBuilder builder) {
    try {
      start(builder.build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void start(Redis redis) {
    try {
      redis.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> EmbeddedRedis.stopQuietly(redis)));
  }
}
