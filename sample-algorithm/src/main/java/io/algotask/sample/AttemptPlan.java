package io.algotask.sample;

import java.util.SplittableRandom;

/**
 * What one accepted-or-refused attempt will do, drawn when it arrives.
 *
 * <p>The draws come from the seed, the taskId and the attempt number only, never from arrival
 * order, so a seeded run decides the same for each attempt however requests interleave; a later
 * attempt of the same task draws anew. The draws are made in a fixed order whatever the rates, so
 * changing one rate leaves the others' decisions alone.
 */
record AttemptPlan(boolean refuse, boolean fail, boolean withholdCallback, long latencyMs) {

  static AttemptPlan draw(long seed, String taskId, int attempt, SampleAlgorithmSettings settings) {
    SplittableRandom random = new SplittableRandom(mix(seed, taskId, attempt));
    boolean refuse = random.nextDouble() < settings.refusalRate();
    boolean fail = random.nextDouble() < settings.failureRate();
    boolean withholdCallback = random.nextDouble() < settings.noCallbackRate();
    long spread = settings.latencyMaxMs() - settings.latencyMinMs();
    long latencyMs = settings.latencyMinMs() + (spread == 0 ? 0 : random.nextLong(spread + 1));
    return new AttemptPlan(refuse, fail, withholdCallback, latencyMs);
  }

  /** FNV-1a over the task's identity; SplittableRandom mixes the bits further. */
  private static long mix(long seed, String taskId, int attempt) {
    long hash = seed ^ 0xcbf29ce484222325L;
    for (int i = 0; i < taskId.length(); i++) {
      hash = (hash ^ taskId.charAt(i)) * 0x100000001b3L;
    }
    return (hash ^ attempt) * 0x100000001b3L;
  }
}
