package io.algotask.ocr;

import java.io.IOException;

/**
 * One job's hold on the external program it is running, so that a cancel can destroy it. Once
 * cancelled, a job starts no further program.
 */
final class OcrJob {
  /** Thrown into the job's thread when it was cancelled; its message says why. */
  static final class CancelledException extends IOException {
    CancelledException(String reason) {
      super(reason);
    }
  }

  private Process running;
  private String cancelled; // why, once cancelled

  synchronized Process start(ProcessBuilder builder) throws IOException {
    checkNotCancelled();
    running = builder.start();
    return running;
  }

  synchronized void finished(Process process) {
    if (running == process) {
      running = null;
    }
  }

  synchronized void checkNotCancelled() throws CancelledException {
    if (cancelled != null) {
      throw new CancelledException(cancelled);
    }
  }

  synchronized boolean cancelled() {
    return cancelled != null;
  }

  /**
   * Stops the job: destroys the program it is running, and it starts no other.
   *
   * @param reason why, for the log: the first reason is kept
   */
  synchronized void cancel(String reason) {
    if (cancelled == null) {
      cancelled = reason;
    }
    if (running != null) {
      destroy(running);
    }
  }

  /**
   * Kills a program and the programs it started (those first: once it is gone, they are not its).
   */
  static void destroy(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }
}
