package io.algotask.adapters.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.ScriptOutputType;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

@SpringBootTest
class RedisIT {
  @Autowired RedisConnection redis;

  @Test
  void aLuaScriptReadsServerTimeAndWritesAtomically() {
    var key = "algotask:it:{" + UUID.randomUUID() + "}:holders";
    // the semaphore's scripts take time from Redis, not from the caller's clock
    String script =
        "local t = redis.call('TIME') "
            + "redis.call('ZADD', KEYS[1], t[1], ARGV[1]) "
            + "redis.call('PEXPIRE', KEYS[1], 60000) "
            + "return {t[1], redis.call('ZCARD', KEYS[1])}";

    List<Object> result =
        redis.sync().eval(script, ScriptOutputType.MULTI, new String[] {key}, "holder-1");

    long serverSeconds = Long.parseLong((String) result.get(0));
    assertThat(serverSeconds)
        .isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(5L));
    assertThat(result.get(1)).isEqualTo(1L);
    assertThat(redis.sync().zscore(key, "holder-1")).isEqualTo((double) serverSeconds);
  }
}
