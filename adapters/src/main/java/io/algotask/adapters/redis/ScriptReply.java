package io.algotask.adapters.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * A script's reply as Redis sent it, read by position with the type each position must have. A
 * reply of another shape (a script changed on one side only) fails with the script's name, the
 * position and the whole reply, instead of a bare cast error.
 */
public final class ScriptReply {
  private final String script;
  private final Object reply;

  ScriptReply(String script, Object reply) {
    this.script = script;
    this.reply = reply;
  }

  /** The reply itself, when it is one integer. */
  public long number() {
    if (reply instanceof Long number) {
      return number;
    }
    throw unexpected("an integer");
  }

  /** The text at the position of a list reply. */
  public String text(int position) {
    if (item(position) instanceof String text) {
      return text;
    }
    throw unexpected("text at " + position);
  }

  /** The integer at the position of a list reply. */
  public long number(int position) {
    if (item(position) instanceof Long number) {
      return number;
    }
    throw unexpected("an integer at " + position);
  }

  /** The text at the position, as one of the enum's names. */
  public <E extends Enum<E>> E oneOf(int position, Class<E> kinds) {
    var text = text(position);
    try {
      return Enum.valueOf(kinds, text);
    } catch (IllegalArgumentException e) {
      throw unexpected("one of " + List.of(kinds.getEnumConstants()) + " at " + position);
    }
  }

  /** The list nested at the position. */
  public ScriptReply list(int position) {
    if (item(position) instanceof List<?> nested) {
      return new ScriptReply(script, nested);
    }
    throw unexpected("a list at " + position);
  }

  /** The texts from the position to the end, read two by two. */
  public <T> List<T> pairsFrom(int position, BiFunction<String, String, T> pair) {
    var items = items();
    if (position > items.size() || (items.size() - position) % 2 != 0) {
      throw unexpected("pairs from " + position);
    }
    var pairs = new ArrayList<T>((items.size() - position) / 2);
    for (int i = position; i < items.size(); i += 2) {
      pairs.add(pair.apply(text(i), text(i + 1)));
    }
    return pairs;
  }

  private Object item(int position) {
    var items = items();
    if (position >= items.size()) {
      throw unexpected("an item at " + position);
    }
    return items.get(position);
  }

  private List<?> items() {
    if (reply instanceof List<?> items) {
      return items;
    }
    throw unexpected("a list");
  }

  private IllegalStateException unexpected(String wanted) {
    return new IllegalStateException(
        "Redis script '" + script + "' replied " + reply + ", not " + wanted);
  }
}
