package io.algotask.worker.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.algotask.adapters.slots.HeldSlot;
import io.algotask.adapters.slots.SlotTask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ResignalBackoffTest {
  private final AtomicLong now = new AtomicLong(-5_000_000_000L); // nanoTime may be negative
  private final ResignalBackoff backoff =
      new ResignalBackoff(Duration.ofSeconds(5), Duration.ofMinutes(1), now::get);
  private final HeldSlot grant = new SlotTask("ocr", "doc-1").holding("e1:7");

  /** Passes every 2 s for the given time; returns the seconds at which the grant was tried. */
  private List<Long> passesFor(Duration duration) {
    var tried = new ArrayList<Long>();
    var start = now.get();
    for (long t = 0; t <= duration.toSeconds(); t += 2) {
      now.set(start + Duration.ofSeconds(t).toNanos());
      if (backoff.due(grant)) {
        backoff.tried(grant);
        tried.add(t);
      }
    }
    return tried;
  }

  @Test
  void anUnclaimedGrantIsTriedAtDoublingIntervalsUpToTheCap() {
    var tried = passesFor(Duration.ofMinutes(5));

    var gaps = new ArrayList<Long>();
    for (int i = 1; i < tried.size(); i++) {
      gaps.add(tried.get(i) - tried.get(i - 1));
    }
    // at 2 s passes: 5 s is waited as 6, 10 as 10, 20, 40, then the cap of 60
    assertThat(gaps).startsWith(6L, 10L, 20L, 40L, 60L).endsWith(60L, 60L);
    assertThat(tried).as("not every pass, as before").hasSizeLessThan(15);
  }

  @Test
  void aGrantNoLongerUnclaimedIsForgottenAndANewOneStartsOver() {
    passesFor(Duration.ofMinutes(2));
    assertThat(backoff.intervalOf(grant)).isEqualTo(Duration.ofMinutes(1));

    backoff.retainOnly("ocr", List.of());

    assertThat(backoff.intervalOf(grant)).isNull();
    assertThat(backoff.due(grant)).isTrue();
    backoff.tried(grant);
    assertThat(backoff.intervalOf(grant)).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void eachAlgorithmKeepsItsOwnGrants() {
    backoff.tried(grant);
    backoff.retainOnly("classify", List.of());

    assertThat(backoff.due(grant)).isFalse();
    assertThat(backoff.due(new SlotTask("classify", "doc-1").holding("e1:7"))).isTrue();
  }
}
