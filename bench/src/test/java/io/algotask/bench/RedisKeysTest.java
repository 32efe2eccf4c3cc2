package io.algotask.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisKeysTest {
  @Test
  void commandsAreArraysOfBulkStrings() throws IOException {
    var out = new ByteArrayOutputStream();

    RedisKeys.send(out, "DEL", "a:{x}:holders");

    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo("*2\r\n$3\r\nDEL\r\n$13\r\na:{x}:holders\r\n");
  }

  @Test
  void aScanReplyIsACursorAndItsKeys() throws IOException {
    var reply = "*2\r\n$1\r\n0\r\n*2\r\n$1\r\na\r\n$2\r\nbc\r\n:2\r\n";
    var in = new ByteArrayInputStream(reply.getBytes(StandardCharsets.UTF_8));

    assertThat(RedisKeys.read(in)).isEqualTo(List.of("0", List.of("a", "bc")));
    assertThat(RedisKeys.read(in)).isEqualTo(2L);
  }

  @Test
  void anErrorReplyThrows() {
    var in = new ByteArrayInputStream("-ERR wrong\r\n".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> RedisKeys.read(in)).hasMessage("Redis: ERR wrong");
  }
}
