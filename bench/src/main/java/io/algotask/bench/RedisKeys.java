package io.algotask.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes the run's slot keys from Redis when it is over: a few lines of the Redis protocol (RESP)
 * rather than a client library for two commands.
 */
final class RedisKeys {
  private RedisKeys() {}

  /** Deletes every key matching the pattern (SCAN, then DEL); returns how many went. */
  static long deleteMatching(String redisUri, String pattern) throws IOException {
    var uri = URI.create(redisUri);
    try (var socket = new Socket()) {
      socket.connect(
          new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort()), 5_000);
      socket.setSoTimeout(10_000);
      var out = socket.getOutputStream();
      var in = new BufferedInputStream(socket.getInputStream());
      long deleted = 0;
      var cursor = "0";
      do {
        send(out, "SCAN", cursor, "MATCH", pattern, "COUNT", "1000");
        var reply = (List<?>) read(in);
        cursor = (String) reply.get(0);
        var keys = new ArrayList<String>();
        for (var key : (List<?>) reply.get(1)) {
          keys.add((String) key);
        }
        if (!keys.isEmpty()) {
          var command = new ArrayList<String>();
          command.add("DEL");
          command.addAll(keys);
          send(out, command.toArray(String[]::new));
          deleted += (Long) read(in);
        }
      } while (!cursor.equals("0"));
      return deleted;
    }
  }

  static void send(OutputStream out, String... words) throws IOException {
    var command = new ByteArrayOutputStream();
    command.writeBytes(("*" + words.length + "\r\n").getBytes(StandardCharsets.UTF_8));
    for (var word : words) {
      var bytes = word.getBytes(StandardCharsets.UTF_8);
      command.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
      command.writeBytes(bytes);
      command.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    }
    out.write(command.toByteArray());
    out.flush();
  }

  /** One reply: a String, a Long, null, or a List of replies; an error reply throws. */
  static Object read(InputStream in) throws IOException {
    var type = in.read();
    var line = line(in);
    switch (type) {
      case '+':
        return line;
      case '-':
        throw new IOException("Redis: " + line);
      case ':':
        return Long.parseLong(line);
      case '$':
        var length = Integer.parseInt(line);
        if (length < 0) {
          return null;
        }
        var bytes = in.readNBytes(length);
        line(in);
        return new String(bytes, StandardCharsets.UTF_8);
      case '*':
        var count = Integer.parseInt(line);
        if (count < 0) {
          return null;
        }
        var items = new ArrayList<Object>();
        for (int i = 0; i < count; i++) {
          items.add(read(in));
        }
        return items;
      default:
        throw new IOException("Redis: unexpected reply type " + type);
    }
  }

  private static String line(InputStream in) throws IOException {
    var out = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != '\r') {
      if (b < 0) {
        throw new IOException("Redis closed the connection");
      }
      out.write(b);
    }
    in.read(); // '\n'
    return out.toString(StandardCharsets.UTF_8);
  }
}
