package io.algotask.demo;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition every 10 ms until it holds; fails naming what was awaited. */
final class Awaiting {
  private Awaiting() {}

  static void until(Duration timeout, BooleanSupplier condition, String what)
      throws InterruptedException {
    var deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout + ": " + what);
      }
      Thread.sleep(10);
    }
  }
}
