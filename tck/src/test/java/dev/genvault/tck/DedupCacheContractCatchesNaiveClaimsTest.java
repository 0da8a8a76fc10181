package dev.genvault.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.genvault.spi.DedupCache;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * The claim tests of {@link DedupCacheContract} must fail for a cache whose release is a plain
 * {@code invalidate} and whose renewal is a plain {@code put}: the late owner's release would
 * delete the new owner's claim, and its renewal would overwrite it.
 */
class DedupCacheContractCatchesNaiveClaimsTest {

  /** Caffeine, with compare-and-delete and compare-and-renew done naively. Not run on its own. */
  static class NaiveClaims extends DedupCacheContract {
    @Override
    protected DedupCache createCache(MutableClock clock) {
      DedupCache real = DedupCache.caffeine(1_000, clock);
      return new DedupCache() {
        @Override
        public Optional<String> get(String key) {
          return real.get(key);
        }

        @Override
        public void put(String key, String value, Duration ttl) {
          real.put(key, value, ttl);
        }

        @Override
        public boolean putIfAbsent(String key, String value, Duration ttl) {
          return real.putIfAbsent(key, value, ttl);
        }

        @Override
        public void invalidate(String key) {
          real.invalidate(key);
        }

        @Override
        public boolean invalidateIf(String key, String expected) {
          boolean present = real.get(key).isPresent();
          real.invalidate(key);
          return present;
        }

        @Override
        public boolean renewIf(String key, String expected, Duration ttl) {
          real.put(key, expected, ttl);
          return true;
        }
      };
    }
  }

  @Test
  void the_late_owner_tests_fail_for_naive_claims() {
    List<String> failed =
        EngineTestKit.engine("junit-jupiter")
            .selectors(selectClass(NaiveClaims.class))
            .execute()
            .testEvents()
            .failed()
            .stream()
            .map(Event::getTestDescriptor)
            .map(d -> d.getDisplayName())
            .toList();
    assertThat(failed)
        .contains(
            "a_late_owner_cannot_release_the_claim_another_took_after_its_own_expired()",
            "a_late_owner_cannot_renew_the_claim_another_took()",
            "an_expired_claim_is_not_revived_by_a_renewal()",
            "invalidate_if_removes_only_the_expected_value()");
  }

  @Test
  void the_same_tests_pass_for_the_caffeine_cache() {
    long failed =
        EngineTestKit.engine("junit-jupiter")
            .selectors(selectClass(CaffeineDedupCacheTest.class))
            .execute()
            .testEvents()
            .failed()
            .count();
    assertThat(failed).isZero();
  }
}
