package dev.genvault.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The breaker on a clock the test moves: no sleeping, no timing. */
class CircuitBreakerTest {
  private final AtomicLong now = new AtomicLong(1_000);
  private final List<String> events = new ArrayList<>();
  private final CircuitBreaker breaker =
      new CircuitBreaker(
          3,
          Duration.ofSeconds(2),
          now::get,
          new CircuitBreaker.Listener() {
            @Override
            public void opened(RuntimeException lastFailure, Duration retryIn) {
              events.add("opened: " + lastFailure.getMessage() + " retry in " + retryIn);
            }

            @Override
            public void closed(Duration outage) {
              events.add("closed after " + outage);
            }
          });

  private void fail(String why) {
    assertThat(breaker.tryAcquire()).isTrue();
    breaker.failed(new IllegalStateException(why));
  }

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void failures_below_the_threshold_or_broken_by_a_success_keep_it_closed() {
    fail("one");
    fail("two");
    breaker.succeeded();
    fail("three");
    fail("four");
    assertThat(breaker.isClosed()).isTrue();
    assertThat(breaker.tryAcquire()).isTrue();
    assertThat(events).isEmpty();
  }

  @Test
  void an_outage_is_reported_once_however_many_calls_fail_or_are_skipped() {
    fail("one");
    fail("two");
    fail("three");
    assertThat(breaker.isClosed()).isFalse();
    for (int i = 0; i < 1_000; i++) {
      assertThat(breaker.tryAcquire()).isFalse();
    }
    for (int probe = 0; probe < 5; probe++) {
      advance(Duration.ofSeconds(2));
      fail("still down");
    }
    assertThat(events).containsExactly("opened: three retry in PT2S");
  }

  @Test
  void one_call_probes_once_the_wait_is_over_and_its_success_closes_it() {
    fail("one");
    fail("two");
    fail("three");
    advance(Duration.ofMillis(1999));
    assertThat(breaker.tryAcquire()).as("before the wait is over").isFalse();
    advance(Duration.ofMillis(1));
    assertThat(breaker.tryAcquire()).as("the probe").isTrue();
    assertThat(breaker.tryAcquire()).as("while the probe runs").isFalse();
    advance(Duration.ofMillis(500));
    breaker.succeeded();
    assertThat(breaker.isClosed()).isTrue();
    assertThat(breaker.tryAcquire()).isTrue();
    assertThat(events).containsExactly("opened: three retry in PT2S", "closed after PT2.5S");
  }

  @Test
  void a_failed_probe_waits_again_and_a_later_outage_is_reported_again() {
    fail("one");
    fail("two");
    fail("three");
    advance(Duration.ofSeconds(2));
    fail("probe");
    advance(Duration.ofSeconds(1));
    assertThat(breaker.tryAcquire()).as("a failed probe restarts the wait").isFalse();
    advance(Duration.ofSeconds(1));
    assertThat(breaker.tryAcquire()).isTrue();
    breaker.succeeded();

    fail("a");
    fail("b");
    fail("c");
    assertThat(events)
        .containsExactly(
            "opened: three retry in PT2S", "closed after PT4S", "opened: c retry in PT2S");
  }
}
