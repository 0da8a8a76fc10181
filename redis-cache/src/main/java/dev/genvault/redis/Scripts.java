package dev.genvault.redis;

import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * The two compare-and-act scripts, each on one key (so a cluster runs them on the key's node), run
 * by their SHA-1 and sent whole only when the server does not know them yet.
 */
final class Scripts {
  /** Deletes KEYS[1] if it holds ARGV[1], and publishes ARGV[3] on channel ARGV[2]. */
  static final Scripts RELEASE =
      new Scripts(
          "if redis.call('get', KEYS[1]) == ARGV[1] then\n"
              + "  redis.call('del', KEYS[1])\n"
              + "  redis.call('publish', ARGV[2], ARGV[3])\n"
              + "  return 1\n"
              + "end\n"
              + "return 0\n");

  /** Sets the TTL of KEYS[1] to ARGV[2] milliseconds if it holds ARGV[1]. */
  static final Scripts RENEW =
      new Scripts(
          "if redis.call('get', KEYS[1]) == ARGV[1] then\n"
              + "  return redis.call('pexpire', KEYS[1], ARGV[2])\n"
              + "end\n"
              + "return 0\n");

  private final String source;
  private final String sha1;

  private Scripts(String source) {
    this.source = source;
    this.sha1 = Sha1.hex(source);
  }

  /** Runs the script on one key; true if it returned 1. */
  boolean run(UnifiedJedis redis, String key, List<String> args) {
    Object result;
    try {
      result = redis.evalsha(sha1, List.of(key), args);
    } catch (JedisNoScriptException e) {
      result = redis.eval(source, List.of(key), args);
    }
    return result instanceof Long && (Long) result == 1L;
  }
}
