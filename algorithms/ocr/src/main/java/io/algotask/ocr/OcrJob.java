package io.algotask.ocr;

import java.io.IOException;

/**
 * One job's hold on the external program it is running, so that a cancel can destroy it. Once
 * cancelled, a job starts no further program.
 */
final class OcrJob {
  /** Thrown into the job's thread when it was cancelled. */
  static final class CancelledException extends IOException {
    CancelledException() {
      super("cancelled");
    }
  }

  private Process running;
  private boolean cancelled;

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
    if (cancelled) {
      throw new CancelledException();
    }
  }

  synchronized boolean cancelled() {
    return cancelled;
  }

  /** Stops the job: destroys the program it is running, and it starts no other. */
  synchronized void cancel() {
    cancelled = true;
    if (running != null) {
      running.descendants().forEach(ProcessHandle::destroyForcibly);
      running.destroyForcibly();
    }
  }
}
