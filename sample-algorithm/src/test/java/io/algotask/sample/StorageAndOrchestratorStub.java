package io.algotask.sample;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real HTTP server standing in for the storage (GET input, PUT output, as presigned URLs would)
 * and for the orchestrator's callback endpoint, recording everything it is sent.
 */
final class StorageAndOrchestratorStub implements AutoCloseable {
  record Upload(String contentType, int contentTypeHeaders, byte[] bytes) {
    JsonNode json() {
      return JSON.readTree(bytes);
    }
  }

  record Callback(String taskId, String authorization, JsonNode body, Instant receivedAt) {}

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final Map<String, byte[]> inputs = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> inputReads = new ConcurrentHashMap<>();
  private final Map<String, Upload> uploads = new ConcurrentHashMap<>();
  private final List<Callback> callbacks = new CopyOnWriteArrayList<>();
  private volatile int uploadStatus = 200;
  private volatile Function<String, Integer> callbackStatus = taskId -> 202;
  private volatile CountDownLatch callbackGate = new CountDownLatch(0);
  private volatile CountDownLatch uploadGate = new CountDownLatch(0);

  StorageAndOrchestratorStub() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
    server.createContext("/input/", this::serveInput);
    server.createContext("/output/", this::storeOutput);
    server.createContext("/callback/", this::recordCallback);
    server.setExecutor(threads); // unbounded: held callbacks must not starve the rest
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  String input(String name, String content) {
    inputs.put(name, content.getBytes(StandardCharsets.UTF_8));
    return inputUrl(name);
  }

  String inputUrl(String name) {
    return baseUrl() + "/input/" + name;
  }

  String uploadUrl(String name) {
    return baseUrl() + "/output/" + name + "?X-Amz-Signature=abc%2Fdef";
  }

  String callbackUrl(String taskId) {
    return baseUrl() + "/callback/" + taskId;
  }

  int inputReads(String name) {
    AtomicInteger reads = inputReads.get(name);
    return reads == null ? 0 : reads.get();
  }

  Upload upload(String name) {
    return uploads.get(name);
  }

  int uploadCount() {
    return uploads.size();
  }

  List<Callback> callbacks() {
    return List.copyOf(callbacks);
  }

  List<Callback> callbacks(String taskId) {
    return callbacks.stream().filter(callback -> callback.taskId().equals(taskId)).toList();
  }

  void answerUploadsWith(int status) {
    uploadStatus = status;
  }

  void answerCallbacksWith(Function<String, Integer> statusByTaskId) {
    callbackStatus = statusByTaskId;
  }

  /**
   * Each task's callbacks are answered with these statuses in turn, the last one for any further
   * callback of that task.
   */
  void answerCallbacksInTurn(int... statuses) {
    Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
    answerCallbacksWith(
        taskId -> {
          int index = seen.computeIfAbsent(taskId, t -> new AtomicInteger()).getAndIncrement();
          return statuses[Math.min(index, statuses.length - 1)];
        });
  }

  /** Callbacks are recorded at once but answered only after {@link #releaseCallbacks()}. */
  void holdCallbacks() {
    callbackGate = new CountDownLatch(1);
  }

  void releaseCallbacks() {
    callbackGate.countDown();
  }

  /** Uploads are answered only after {@link #releaseUploads()}: the attempts stay at work. */
  void holdUploads() {
    uploadGate = new CountDownLatch(1);
  }

  void releaseUploads() {
    uploadGate.countDown();
  }

  @Override
  public void close() {
    releaseCallbacks();
    releaseUploads();
    server.stop(0);
    threads.shutdownNow();
  }

  private void serveInput(HttpExchange exchange) throws IOException {
    String name = lastSegment(exchange);
    inputReads.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
    byte[] content = inputs.get(name);
    if (content == null) {
      exchange.sendResponseHeaders(404, -1);
    } else {
      exchange.sendResponseHeaders(200, content.length);
      exchange.getResponseBody().write(content);
    }
    exchange.close();
  }

  private void storeOutput(HttpExchange exchange) throws IOException {
    byte[] body = readBody(exchange);
    await(uploadGate);
    if (exchange.getRequestMethod().equals("PUT") && uploadStatus == 200) {
      List<String> contentTypes = exchange.getRequestHeaders().get("Content-Type");
      uploads.put(
          lastSegment(exchange),
          new Upload(
              contentTypes == null ? null : contentTypes.get(0),
              contentTypes == null ? 0 : contentTypes.size(),
              body));
      exchange.sendResponseHeaders(200, -1);
    } else {
      exchange.sendResponseHeaders(uploadStatus == 200 ? 405 : uploadStatus, -1);
    }
    exchange.close();
  }

  private void recordCallback(HttpExchange exchange) throws IOException {
    String taskId = lastSegment(exchange);
    callbacks.add(
        new Callback(
            taskId,
            exchange.getRequestHeaders().getFirst("Authorization"),
            JSON.readTree(readBody(exchange)),
            Instant.now()));
    await(callbackGate);
    exchange.sendResponseHeaders(callbackStatus.apply(taskId), -1);
    exchange.close();
  }

  private static void await(CountDownLatch gate) {
    try {
      gate.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String lastSegment(HttpExchange exchange) {
    String path = exchange.getRequestURI().getPath();
    return path.substring(path.lastIndexOf('/') + 1);
  }

  private static byte[] readBody(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      return in.readAllBytes();
    }
  }
}
