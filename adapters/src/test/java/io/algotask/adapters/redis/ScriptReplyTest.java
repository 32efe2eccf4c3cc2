package io.algotask.adapters.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScriptReplyTest {
  private enum Kind {
    FREED,
    NOT_HELD
  }

  private static ScriptReply reply(Object raw) {
    return new ScriptReply("release", raw);
  }

  @Test
  void readsEachPositionWithItsType() {
    var reply = reply(List.of("FREED", 3L, List.of("t-1", "e:1"), "t-2", "e:2"));

    assertThat(reply.oneOf(0, Kind.class)).isEqualTo(Kind.FREED);
    assertThat(reply.text(0)).isEqualTo("FREED");
    assertThat(reply.number(1)).isEqualTo(3L);
    assertThat(reply.list(2).pairsFrom(0, Map::entry)).containsExactly(Map.entry("t-1", "e:1"));
    assertThat(reply.pairsFrom(3, Map::entry)).containsExactly(Map.entry("t-2", "e:2"));
    assertThat(reply.pairsFrom(5, Map::entry)).as("no pairs after the end").isEmpty();
    assertThat(reply(1L).number()).isEqualTo(1L);
  }

  @Test
  void anUnexpectedReplyFailsWithTheScriptThePositionAndTheReply() {
    var reply = reply(List.of("GONE", "3", "t-1"));

    assertThatThrownBy(() -> reply.oneOf(0, Kind.class))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'release'")
        .hasMessageContaining("[GONE, 3, t-1]")
        .hasMessageContaining("FREED, NOT_HELD");
    assertThatThrownBy(() -> reply.number(1)).hasMessageContaining("an integer at 1");
    assertThatThrownBy(() -> reply.text(3)).hasMessageContaining("an item at 3");
    assertThatThrownBy(() -> reply.list(2)).hasMessageContaining("a list at 2");
    assertThatThrownBy(() -> reply.pairsFrom(2, Map::entry)).hasMessageContaining("pairs from 2");
    assertThatThrownBy(() -> reply(0L).text(0)).hasMessageContaining("not a list");
    assertThatThrownBy(() -> reply.number()).hasMessageContaining("not an integer");
  }
}
