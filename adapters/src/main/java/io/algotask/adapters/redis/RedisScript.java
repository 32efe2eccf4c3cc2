package io.algotask.adapters.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.springframework.core.io.ClassPathResource;

/**
 * A Lua script, run by its SHA: loaded into Redis on first use, and loaded again when Redis has
 * forgotten it (a restart, {@code SCRIPT FLUSH}), so a call sends the script's text only when it
 * must. Every script of the project runs through this one class; its caller decodes the {@link
 * ScriptReply} into a type of its own.
 */
public final class RedisScript {
  private final String name;
  private final String source;
  private final ScriptOutputType output;
  private volatile String sha;

  private RedisScript(String name, String source, ScriptOutputType output) {
    this.name = name;
    this.source = source;
    this.output = output;
  }

  /**
   * A script read from the classpath.
   *
   * @param name the script's name in error messages
   * @param output the shape of its reply: {@code MULTI} for a list, {@code INTEGER} for a number
   * @param paths classpath resources joined in this order into one script (shared functions first)
   */
  public static RedisScript fromClasspath(String name, ScriptOutputType output, String... paths) {
    var source = new StringBuilder();
    for (var path : paths) {
      source.append(read(path)).append('\n');
    }
    return new RedisScript(name, source.toString(), output);
  }

  /** Runs the script on the keys and arguments. */
  public ScriptReply run(
      StatefulRedisConnection<String, String> redis, String[] keys, String... args) {
    var commands = redis.sync();
    if (sha == null) {
      sha = commands.scriptLoad(source);
    }
    Object reply;
    try {
      reply = commands.evalsha(sha, output, keys, args);
    } catch (RedisNoScriptException forgotten) {
      sha = commands.scriptLoad(source);
      reply = commands.evalsha(sha, output, keys, args);
    }
    return new ScriptReply(name, reply);
  }

  private static String read(String path) {
    try (var in = new ClassPathResource(path).getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("missing Redis script " + path, e);
    }
  }
}
