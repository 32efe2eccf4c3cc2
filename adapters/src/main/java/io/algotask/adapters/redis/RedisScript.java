package io.algotask.adapters.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.springframework.core.io.ClassPathResource;

/**
 * A Lua script, run by its SHA: sent whole (EVAL, which also caches it) only when the Redis node
 * that serves its keys does not know it yet or has forgotten it (first use, a restart, {@code
 * SCRIPT FLUSH}, a replica promoted in a cluster), so a call sends the script's text only when it
 * must. The node is the one of the keys' slot alone: no script is loaded on every node of a
 * cluster, which would fail while one of them is down. Every script of the project runs through
 * this one class; its caller decodes the {@link ScriptReply} into a type of its own.
 */
public final class RedisScript {
  private final String name;
  private final String source;
  private final ScriptOutputType output;
  private final String sha;

  private RedisScript(String name, String source, ScriptOutputType output) {
    this.name = name;
    this.source = source;
    this.output = output;
    this.sha = sha1(source);
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
  public ScriptReply run(RedisConnection redis, String[] keys, String... args) {
    var commands = redis.sync();
    Object reply;
    try {
      reply = commands.evalsha(sha, output, keys, args);
    } catch (RedisNoScriptException unknown) {
      reply = commands.eval(source, output, keys, args);
    }
    return new ScriptReply(name, reply);
  }

  /** The script's SHA1, as Redis names a script it holds. */
  private static String sha1(String source) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-1", e);
    }
  }

  private static String read(String path) {
    try (var in = new ClassPathResource(path).getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("missing Redis script " + path, e);
    }
  }
}
