package io.algotask.sample;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Flow;

/** Size and SHA-256 of the input document; {@link #NONE} when the invocation had no input. */
record InputDigest(long bytes, String sha256) {
  static final InputDigest NONE = new InputDigest(0, null);

  /**
   * Counts and hashes a response body as it streams in, so a large input is never held in memory.
   */
  static final class Subscriber implements Flow.Subscriber<List<ByteBuffer>> {
    private final MessageDigest digest = sha256();
    private long bytes;

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      for (ByteBuffer buffer : buffers) {
        bytes += buffer.remaining();
        digest.update(buffer);
      }
    }

    @Override
    public void onError(Throwable error) {
      // the HTTP client fails the response future itself
    }

    @Override
    public void onComplete() {
      // the result is read by result() once the client has completed the body
    }

    InputDigest result() {
      return new InputDigest(bytes, HexFormat.of().formatHex(digest.digest()));
    }

    private static MessageDigest sha256() {
      try {
        return MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JDK has SHA-256", e);
      }
    }
  }
}
