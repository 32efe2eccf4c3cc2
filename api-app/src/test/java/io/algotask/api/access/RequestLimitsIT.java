package io.algotask.api.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.algotask.adapters.tokens.CallbackClaims;
import io.algotask.adapters.tokens.CallbackTokens;
import io.algotask.api.ApiTestSupport;
import io.algotask.api.v1.SubmitTaskRequest;
import io.algotask.api.v1.TaskServiceGrpc;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.grpc.test.autoconfigure.LocalGrpcPort;
import tools.jackson.databind.JsonNode;

/**
 * Request bodies and gRPC messages of contract section 7: a body is read only after its credential
 * passed, and never beyond its endpoint's limit, whether its length is declared or not. Requests
 * are written on a socket of their own, so that a test decides how much of a body is ever sent: an
 * answer that comes while most of the body is still unsent shows that the body was not read.
 */
class RequestLimitsIT extends ApiTestSupport {
  private static final int KIB = 1024;
  private static final long HUGE = 256L * KIB * KIB;
  private static final int TASK_LIMIT = 256 * KIB;
  private static final int CALLBACK_LIMIT = 64 * KIB;
  private static final int ALGORITHM_LIMIT = 16 * KIB;

  /** Far less than it takes to read a body that is never sent. */
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(5);

  @Autowired CallbackTokens tokens;
  @LocalGrpcPort int grpcPort;

  /** One endpoint that takes a body: where, with what credential, and its limit. */
  private record Endpoint(String method, String path, String credential, int limit) {}

  private List<Endpoint> endpoints() {
    var taskId = newTaskId("limits");
    var token =
        tokens.mint(new CallbackClaims(taskId, 1, ALGORITHM, Instant.now().plusSeconds(600)));
    return List.of(
        new Endpoint("POST", "/v1/tasks", ACME_KEY, TASK_LIMIT),
        new Endpoint("POST", "/v1/tasks/" + taskId + "/callback", token, CALLBACK_LIMIT),
        new Endpoint("POST", "/v1/tasks/" + taskId + "/progress", token, CALLBACK_LIMIT),
        new Endpoint("PUT", "/v1/algorithms/" + RUN + "-limits", OPERATOR_TOKEN, ALGORITHM_LIMIT));
  }

  /** Credentials each endpoint refuses: none, one of another kind, a forged one. */
  private List<String> wrongCredentials(Endpoint endpoint) {
    var otherTask =
        tokens.mint(
            new CallbackClaims(newTaskId("other"), 1, ALGORITHM, Instant.now().plusSeconds(600)));
    var wrong = new ArrayList<String>();
    wrong.add(null);
    wrong.add(endpoint.credential() + "x");
    if (endpoint.path().startsWith("/v1/algorithms")) {
      wrong.add(ALL_TENANTS_KEY);
    } else if (endpoint.path().endsWith("/callback") || endpoint.path().endsWith("/progress")) {
      wrong.add(ACME_KEY);
      wrong.add(otherTask);
      var taskId = endpoint.path().split("/")[3];
      wrong.add(
          tokens.mint(new CallbackClaims(taskId, 1, ALGORITHM, Instant.now().minusSeconds(1))));
    } else {
      wrong.add(OPERATOR_TOKEN);
    }
    return wrong;
  }

  // --- without a valid credential: 401, the body unread

  @Test
  void withoutAValidCredentialAHugeDeclaredBodyIs401BeforeAnyOfItIsSent() throws Exception {
    for (var endpoint : endpoints()) {
      for (var credential : wrongCredentials(endpoint)) {
        try (var exchange = open(endpoint, credential, Long.toString(HUGE))) {
          exchange.assertProblem(401, "UNAUTHENTICATED", endpoint + " as " + credential);
        }
      }
    }
  }

  @Test
  void withoutAValidCredentialAnEndlessChunkedBodyIs401WhileItIsStillBeingSent() throws Exception {
    for (var endpoint : endpoints()) {
      for (var credential : wrongCredentials(endpoint)) {
        try (var exchange = open(endpoint, credential, null)) {
          exchange.sendChunk(new byte[8 * KIB]); // and nothing more, ever
          exchange.assertProblem(401, "UNAUTHENTICATED", endpoint + " as " + credential);
        }
      }
    }
  }

  // --- with a valid credential: 413 beyond the limit, however the body comes

  @Test
  void aDeclaredLengthOverTheLimitIs413BeforeAnyOfTheBodyIsSent() throws Exception {
    for (var endpoint : endpoints()) {
      for (var length : new long[] {endpoint.limit() + 1L, HUGE}) {
        try (var exchange = open(endpoint, endpoint.credential(), Long.toString(length))) {
          exchange.assertProblem(413, "CONTENT_TOO_LARGE", endpoint + " of " + length);
        }
      }
    }
  }

  @Test
  void aChunkedBodyOneByteOverTheLimitIs413() throws Exception {
    for (var endpoint : endpoints()) {
      try (var exchange = open(endpoint, endpoint.credential(), null)) {
        exchange.sendChunk(jsonOfLength(endpoint.limit() + 1));
        exchange.endChunks();
        exchange.assertProblem(413, "CONTENT_TOO_LARGE", endpoint.toString());
      }
    }
  }

  @Test
  void anEndlessChunkedBodyIs413OnceItPassesTheLimitAndNoMoreOfItIsRead() throws Exception {
    for (var endpoint : endpoints()) {
      try (var exchange = open(endpoint, endpoint.credential(), null)) {
        var sent = exchange.sendEndlessly(16 * KIB);
        exchange.assertProblem(413, "CONTENT_TOO_LARGE", endpoint.toString());
        assertThat(sent.get()).as("sent when refused").isGreaterThan(endpoint.limit());
      }
    }
  }

  @Test
  void aBodyOfExactlyTheLimitIsRead() throws Exception {
    for (var endpoint : endpoints()) {
      var body = jsonOfLength(endpoint.limit());
      try (var declared = open(endpoint, endpoint.credential(), Integer.toString(body.length))) {
        declared.send(body);
        assertThat(declared.status()).as(endpoint + " declared").isNotIn(401, 413, 500);
      }
      try (var chunked = open(endpoint, endpoint.credential(), null)) {
        chunked.sendChunk(body);
        chunked.endChunks();
        assertThat(chunked.status()).as(endpoint + " chunked").isNotIn(401, 413, 500);
      }
    }
  }

  @Test
  void hugeAnonymousSubmissionsLeaveTheAppServingSubmissions() throws Exception {
    var submit = endpoints().get(0);
    for (int i = 0; i < 4; i++) {
      try (var declared = open(submit, null, Long.toString(HUGE));
          var chunked = open(submit, null, null)) {
        chunked.sendEndlessly(64 * KIB);
        declared.assertProblem(401, "UNAUTHENTICATED", "declared");
        chunked.assertProblem(401, "UNAUTHENTICATED", "chunked");
      }
      try (var tooLarge = open(submit, ACME_KEY, null)) {
        tooLarge.sendEndlessly(64 * KIB);
        tooLarge.assertProblem(413, "CONTENT_TOO_LARGE", "chunked");
      }
    }

    var taskId = newTaskId("after");
    var normal =
        call(
            "POST",
            "/v1/tasks",
            ACME_KEY,
            "{\"taskId\":\""
                + taskId
                + "\",\"algorithm\":\""
                + ALGORITHM
                + "\",\"tenant\":\"acme\"}");
    assertThat(normal.statusCode()).as(normal.body()).isEqualTo(202);
  }

  // --- gRPC

  @Test
  void aGrpcMessageOverTheLimitIsResourceExhaustedAndOneUnderItIsRead() throws Exception {
    var channel = ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
    try {
      var metadata = new Metadata();
      metadata.put(
          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + ACME_KEY);
      var stub =
          TaskServiceGrpc.newBlockingStub(channel)
              .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata))
              .withDeadlineAfter(10, TimeUnit.SECONDS);
      IntFunction<SubmitTaskRequest> ofSize =
          size ->
              SubmitTaskRequest.newBuilder()
                  .setTaskId(newTaskId("grpc-limit"))
                  .setAlgorithm(ALGORITHM)
                  .setTenant("acme")
                  .putMetadata("padding", "x".repeat(size))
                  .build();

      var over =
          catchThrowableOfType(
              StatusRuntimeException.class, () -> stub.submitTask(ofSize.apply(TASK_LIMIT + 1)));
      assertThat(over).isNotNull();
      assertThat(over.getStatus().getCode())
          .as(over.toString())
          .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

      // read, and refused by the metadata's own rule
      var under =
          catchThrowableOfType(
              StatusRuntimeException.class, () -> stub.submitTask(ofSize.apply(TASK_LIMIT - KIB)));
      assertThat(under).isNotNull();
      assertThat(under.getStatus().getCode())
          .as(under.toString())
          .isEqualTo(Status.Code.INVALID_ARGUMENT);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  // --- a request written by hand

  /** A JSON object of exactly the length, in bytes: blanks before its closing brace. */
  private static byte[] jsonOfLength(int length) {
    var json = new byte[length];
    Arrays.fill(json, (byte) ' ');
    json[0] = '{';
    json[length - 1] = '}';
    return json;
  }

  private Exchange open(Endpoint endpoint, String credential, String contentLength)
      throws IOException {
    var socket = new Socket("127.0.0.1", httpPort);
    socket.setSoTimeout((int) ANSWER_WITHIN.toMillis());
    var head = new StringBuilder();
    head.append(endpoint.method()).append(' ').append(endpoint.path()).append(" HTTP/1.1\r\n");
    head.append("Host: 127.0.0.1:").append(httpPort).append("\r\n");
    head.append("Content-Type: application/json\r\n");
    if (credential != null) {
      head.append("Authorization: Bearer ").append(credential).append("\r\n");
    }
    head.append(
        contentLength == null
            ? "Transfer-Encoding: chunked\r\n"
            : "Content-Length: " + contentLength + "\r\n");
    head.append("\r\n");
    var exchange = new Exchange(socket);
    exchange.send(head.toString().getBytes(StandardCharsets.US_ASCII));
    return exchange;
  }

  /** One request on its own connection, and its answer. */
  private final class Exchange implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private Thread sender;
    private int status;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private byte[] body;

    Exchange(Socket socket) throws IOException {
      this.socket = socket;
      this.out = socket.getOutputStream();
      this.in = socket.getInputStream();
    }

    void send(byte[] bytes) throws IOException {
      out.write(bytes);
      out.flush();
    }

    void sendChunk(byte[] chunk) throws IOException {
      send((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      send(chunk);
      send("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    void endChunks() throws IOException {
      send("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Sends chunks until the server stops taking them; counts the bytes sent, each chunk from the
     * moment its writing begins: the server may read a chunk, and answer, before its write returns.
     */
    AtomicLong sendEndlessly(int chunkSize) {
      var sent = new AtomicLong();
      var chunk = new byte[chunkSize];
      Arrays.fill(chunk, (byte) ' ');
      chunk[0] = '{';
      sender =
          new Thread(
              () -> {
                try {
                  while (sent.get() < HUGE) {
                    sent.addAndGet(chunk.length);
                    sendChunk(chunk);
                  }
                } catch (IOException closedByTheServer) {
                  // the expected end
                }
              });
      sender.setDaemon(true);
      sender.start();
      return sent;
    }

    int status() throws IOException {
      if (status == 0) {
        readAnswer();
      }
      return status;
    }

    void assertProblem(int expected, String code, String what) throws IOException {
      assertThat(status())
          .as("%s: %s", what, new String(body, StandardCharsets.UTF_8))
          .isEqualTo(expected);
      assertThat(headers.get("content-type")).as(what).isEqualTo("application/problem+json");
      JsonNode problem = json.readTree(body);
      assertThat(problem.path("status").asInt()).as(what).isEqualTo(expected);
      assertThat(problem.path("code").asString()).as(what).isEqualTo(code);
      assertThat(problem.path("type").asString())
          .as(what)
          .isEqualTo(PROBLEM_TYPES + code.toLowerCase(Locale.ROOT).replace('_', '-'));
      assertThat(problem.path("detail").asString()).as(what).isNotBlank();
    }

    private void readAnswer() throws IOException {
      var statusLine = line();
      status = Integer.parseInt(statusLine.split(" ")[1]);
      String header;
      while (!(header = line()).isEmpty()) {
        var colon = header.indexOf(':');
        headers.put(
            header.substring(0, colon).trim().toLowerCase(Locale.ROOT),
            header.substring(colon + 1).trim());
      }
      if (headers.containsKey("content-length")) {
        body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
      } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
        var all = new ByteArrayOutputStream();
        int size;
        while ((size = Integer.parseInt(line().split(";")[0].trim(), 16)) > 0) {
          all.write(in.readNBytes(size));
          line();
        }
        line();
        body = all.toByteArray();
      } else {
        body = new byte[0];
      }
    }

    private String line() throws IOException {
      var line = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) != '\n') {
        if (b < 0) {
          throw new IOException("the connection closed mid-answer");
        }
        if (b != '\r') {
          line.write(b);
        }
      }
      return line.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws Exception {
      socket.close();
      if (sender != null) {
        sender.join(ANSWER_WITHIN.toMillis());
      }
    }
  }
}
