package io.algotask.adapters.registry;

import java.util.List;

/** A registration that breaks the registry's rules; the message names each rule broken. */
public class InvalidAlgorithmException extends RuntimeException {
  private final List<String> broken;

  InvalidAlgorithmException(List<String> broken) {
    super(String.join("; ", broken));
    this.broken = List.copyOf(broken);
  }

  public List<String> broken() {
    return broken;
  }
}
