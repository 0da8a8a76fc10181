package dev.genvault.redis;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.UnifiedJedis;

/**
 * One subscriber connection per cache, on the namespace's channel, that wakes the threads waiting
 * for a key: the release script publishes {@code k<key>} when it deletes a claim, and {@code
 * invalidateAll} publishes {@code v<version>}. The subscriber runs on a daemon thread of its own
 * and subscribes again every {@code retry} after its connection is lost; while it is not
 * subscribed, {@link #isSubscribed()} is false and the cache does not offer to watch keys.
 */
final class ReleaseWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisDedupCache.class);

  /** A waiting thread's signal. */
  static final class Waiter {
    private final CountDownLatch latch = new CountDownLatch(1);

    /** Waits for a notice; true if one came. */
    boolean await(long nanos) throws InterruptedException {
      return latch.await(nanos, TimeUnit.NANOSECONDS);
    }

    void wake() {
      latch.countDown();
    }
  }

  private final UnifiedJedis redis;
  private final String channel;
  private final LongConsumer versionNotice;
  private final Runnable subscribedNotice;
  private final long retryNanos;
  private final ConcurrentHashMap<String, Set<Waiter>> waiters = new ConcurrentHashMap<>();
  private final CountDownLatch closing = new CountDownLatch(1);
  private final Thread thread;
  private volatile boolean subscribed;
  private volatile Subscription current;

  /**
   * @param versionNotice told of a namespace version another instance set
   * @param subscribedNotice told each time the subscription starts (notices may have been missed)
   */
  ReleaseWatcher(
      UnifiedJedis redis,
      String channel,
      LongConsumer versionNotice,
      Runnable subscribedNotice,
      Duration retry) {
    this.redis = redis;
    this.channel = channel;
    this.versionNotice = versionNotice;
    this.subscribedNotice = subscribedNotice;
    this.retryNanos = retry.toNanos();
    this.current = new Subscription();
    this.thread = new Thread(this::run, "genvault-redis-watcher");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  boolean isSubscribed() {
    return subscribed;
  }

  /** How many keys threads wait on now. */
  int waitedKeys() {
    return waiters.size();
  }

  /** Registers a waiter for a key; the caller then reads the key, and unregisters when done. */
  Waiter register(String key) {
    Waiter w = new Waiter();
    waiters.compute(
        key,
        (k, set) -> {
          Set<Waiter> s = set == null ? new HashSet<>() : set;
          s.add(w);
          return s;
        });
    return w;
  }

  void unregister(String key, Waiter w) {
    waiters.computeIfPresent(
        key,
        (k, set) -> {
          set.remove(w);
          return set.isEmpty() ? null : set;
        });
  }

  /** Wakes the waiters of a key. */
  void wake(String key) {
    waiters.computeIfPresent(
        key,
        (k, set) -> {
          set.forEach(Waiter::wake);
          return set;
        });
  }

  private void wakeAll() {
    for (String key : waiters.keySet()) {
      wake(key);
    }
  }

  private void run() {
    while (closing.getCount() > 0) {
      Subscription s = new Subscription();
      current = s;
      try {
        redis.subscribe(s, channel); // returns once unsubscribed, throws when the link is lost
      } catch (RuntimeException e) {
        log.debug("the Redis subscription to {} ended: {}", channel, e.toString());
      } finally {
        subscribed = false;
        wakeAll(); // what they wait for may have been missed: let them look
      }
      try {
        if (closing.await(retryNanos, TimeUnit.NANOSECONDS)) {
          return;
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private final class Subscription extends JedisPubSub {
    @Override
    public void onSubscribe(String channel, int subscribedChannels) {
      if (closing.getCount() == 0) {
        unsubscribe();
        return;
      }
      subscribed = true;
      subscribedNotice.run();
    }

    @Override
    public void onMessage(String channel, String message) {
      if (message.startsWith("k")) {
        wake(message.substring(1));
      } else if (message.startsWith("v")) {
        try {
          versionNotice.accept(Long.parseLong(message.substring(1)));
        } catch (NumberFormatException e) {
          log.debug("ignored a malformed notice on {}", channel);
        }
      }
    }
  }

  @Override
  public void close() {
    closing.countDown();
    subscribed = false;
    try {
      if (current.isSubscribed()) {
        current.unsubscribe();
      }
    } catch (RuntimeException e) {
      log.debug("unsubscribing from {} failed: {}", channel, e.toString());
    }
    wakeAll();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
