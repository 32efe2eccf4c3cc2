package io.algotask.sample;

import java.util.SplittableRandom;

/**
 * What one accepted-or-refused attempt will do, drawn when it arrives.
 *
 * <p>The draws come from the seed, the taskId and the attempt number only, never from arrival
 * order, so a seeded run decides the same for each attempt however requests interleave; a later
 * attempt of the same task draws anew. The draws are made in a fixed order whatever the rates, so
 * changing one rate leaves the others' decisions alone. Draws added later come after the earlier
 * ones, so a seed's earlier decisions stay as they were; the callback misbehaviours come after the
 * latency, so a different latency range draws them anew.
 *
 * @param withholdCallback never calls back (wins over {@code lateCallback})
 * @param lateCallback calls back only after the attempt's deadline
 * @param repeatCallback sends the same callback once more after it was answered
 * @param conflictingCallback after the callback was answered, reports the other status once
 */
record AttemptPlan(
    boolean refuse,
    boolean fail,
    boolean withholdCallback,
    long latencyMs,
    boolean lateCallback,
    boolean repeatCallback,
    boolean conflictingCallback) {

  static AttemptPlan draw(long seed, String taskId, int attempt, SampleAlgorithmSettings settings) {
    SplittableRandom random = new SplittableRandom(mix(seed, taskId, attempt));
    boolean refuse = random.nextDouble() < settings.refusalRate();
    boolean fail = random.nextDouble() < settings.failureRate();
    boolean withholdCallback = random.nextDouble() < settings.noCallbackRate();
    long spread = settings.latencyMaxMs() - settings.latencyMinMs();
    long latencyMs = settings.latencyMinMs() + (spread == 0 ? 0 : random.nextLong(spread + 1));
    boolean lateCallback = random.nextDouble() < settings.lateCallbackRate();
    boolean repeatCallback = random.nextDouble() < settings.duplicateCallbackRate();
    boolean conflictingCallback = random.nextDouble() < settings.conflictingCallbackRate();
    return new AttemptPlan(
        refuse,
        fail,
        withholdCallback,
        latencyMs,
        lateCallback,
        repeatCallback,
        conflictingCallback);
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
