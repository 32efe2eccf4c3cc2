package io.algotask.api.callback;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.algotask.adapters.algorithms.AlgorithmClient;
import io.algotask.adapters.algorithms.InvocationBody;
import io.algotask.adapters.algorithms.InvocationSigner;
import io.algotask.adapters.algorithms.InvocationSigningProperties;
import io.algotask.adapters.tokens.CallbackProperties.SigningKey;
import io.algotask.api.ApiProblem;
import io.algotask.api.http.ProblemResponses;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Validation;
import java.io.IOException;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * docs/algorithm-services.md says what the code does: its JSON examples are read with the classes
 * the apps use, its tables of answers hold every answer the code tells apart, and its verification
 * snippets accept what the signer sends.
 */
class AlgorithmServicesDocTest {
  private static final Path DOC = Path.of("..", "docs", "algorithm-services.md");
  private static final Pattern MARKED_BLOCK =
      Pattern.compile(
          "<!-- (example|verify|answers): (\\w+) -->\\n(?:```\\w*\\n(.*?)```|(.*?)\\n\\n)",
          Pattern.DOTALL);

  /** Read as api-app reads reports (ReportReading), and unknown fields are drift here. */
  private static final JsonMapper STRICT =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .build();

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private record Block(String kind, String name, String text) {}

  private static List<Block> blocks() throws IOException {
    var doc = Files.readString(DOC);
    var blocks = new ArrayList<Block>();
    var matcher = MARKED_BLOCK.matcher(doc);
    while (matcher.find()) {
      var text = matcher.group(3) != null ? matcher.group(3) : matcher.group(4);
      blocks.add(new Block(matcher.group(1), matcher.group(2), text));
    }
    return blocks;
  }

  private static List<String> marked(String kind, String name) throws IOException {
    var found =
        blocks().stream()
            .filter(block -> block.kind().equals(kind) && block.name().equals(name))
            .map(Block::text)
            .toList();
    assertThat(found).as("%s: %s in %s", kind, name, DOC).isNotEmpty();
    return found;
  }

  private static JsonNode example(String name) throws IOException {
    return JSON.readTree(marked("example", name).get(0));
  }

  /** The rows of a table: each row's cells, without the header and its rule. */
  private static List<List<String>> table(String name) throws IOException {
    return marked("answers", name)
        .get(0)
        .lines()
        .skip(2)
        .map(AlgorithmServicesDocTest::cells)
        .toList();
  }

  private static List<String> cells(String row) {
    var cells = row.trim().split("\\|");
    return Stream.of(cells).skip(1).map(String::trim).toList();
  }

  /** The names in backquotes of a table's first column: field names or HTTP statuses. */
  private static Set<String> firstColumn(String tableStart) throws IOException {
    var doc = Files.readString(DOC);
    var start = doc.indexOf(tableStart);
    assertThat(start).as(tableStart).isNotNegative();
    var names = new TreeSet<String>();
    for (var row :
        doc.substring(start).lines().skip(2).takeWhile(l -> l.startsWith("|")).toList()) {
      var first = cells(row).get(0);
      names.add(
          first.substring(first.indexOf('`') + 1, first.indexOf('`', first.indexOf('`') + 1)));
    }
    return names;
  }

  @Test
  void theInvocationExampleHoldsEveryFieldTheSenderWritesAndNothingElse() throws IOException {
    var example = example("invocation");

    var read = STRICT.treeToValue(example, InvocationBody.class);

    assertThat((JsonNode) JSON.valueToTree(read))
        .as("written back as the sender writes it")
        .isEqualTo(example);
    assertThat(leafPaths(example, ""))
        .as("every field of the body, in the example")
        .isEqualTo(fieldsOf(InvocationBody.class, ""));
    assertThat(firstColumn("| field | what it is |"))
        .as("the fields table")
        .isEqualTo(fieldsOf(InvocationBody.class, ""));
  }

  /** The fields of a body, nested records as {@code record.field}; anything else is a leaf. */
  private static Set<String> fieldsOf(Class<?> type, String prefix) {
    var names = new TreeSet<String>();
    for (var component : type.getRecordComponents()) {
      var nested = component.getType();
      if (nested.isRecord() && nested.getEnclosingClass() == type) {
        names.addAll(fieldsOf(nested, prefix + component.getName() + "."));
      } else {
        names.add(prefix + component.getName());
      }
    }
    return names;
  }

  private static Set<String> leafPaths(JsonNode node, String prefix) {
    var names = new TreeSet<String>();
    for (var name : node.propertyNames()) {
      var value = node.path(name);
      if (value.isObject() && !name.equals("params")) {
        names.addAll(leafPaths(value, prefix + name + "."));
      } else {
        names.add(prefix + name);
      }
    }
    return names;
  }

  @Test
  void theCallbackAndProgressExamplesAreValidReports() throws IOException {
    var validator = Validation.buildDefaultValidatorFactory().getValidator();
    for (var text : marked("example", "callback")) {
      var callback = STRICT.readValue(text, CallbackBody.class);
      assertThat(validator.validate(callback)).as(text).isEmpty();
    }
    var progress = STRICT.treeToValue(example("progress"), ProgressBody.class);
    assertThat(validator.validate(progress)).isEmpty();
    assertThat(firstColumn("| field | rule |"))
        .as("the callback's fields table")
        .isEqualTo(
            fieldsOf(CallbackBody.class, "").stream()
                .map(name -> name.contains(".") ? name.substring(0, name.indexOf('.')) : name)
                .collect(Collectors.toCollection(TreeSet::new)));
  }

  @Test
  void theProblemExampleIsWhatApiAppAnswersALateCallback() throws IOException {
    var example = example("problem");
    var answered =
        ProblemResponses.detailOf(
            new ApiProblem(ApiProblem.Kind.CONFLICT, "ATTEMPT_OVER", null, "any"));

    assertThat(example.path("type").asString()).isEqualTo(answered.getType().toString());
    assertThat(example.path("title").asString()).isEqualTo(answered.getTitle());
    assertThat(example.path("status").asInt()).isEqualTo(answered.getStatus());
    assertThat(example.path("code").asString()).isEqualTo(answered.getProperties().get("code"));
  }

  /**
   * Each status from 200 to 599 falls in the row of its own code, else of its class, and that row
   * names what the sender makes of it: accepted, busy, refused, or sent again.
   */
  @Test
  void everyAnswerTheSenderTellsApartIsInTheTable() throws IOException {
    var verdicts = new HashMap<String, String>();
    for (var row : table("invocation")) {
      var verdict = row.get(1).replaceAll("^\\*\\*([^*]+)\\*\\*.*", "$1");
      var codes = Pattern.compile("`(\\d(?:\\d\\d|xx))`").matcher(row.get(0));
      while (codes.find()) {
        assertThat(verdicts.put(codes.group(1), verdict)).as(codes.group(1)).isNull();
      }
    }
    for (int status = 200; status < 600; status++) {
      var answer = new AlgorithmClient.Answer(status, java.util.Optional.empty(), "");
      var expected =
          answer.accepted()
              ? "accepted"
              : answer.busy() ? "busy" : answer.refused() ? "refused" : "sent again";
      var documented =
          verdicts.getOrDefault(Integer.toString(status), verdicts.get(status / 100 + "xx"));
      assertThat(documented).as("HTTP %d", status).isEqualTo(expected);
    }
  }

  /** The statuses of the tables are those the controller declares (OpenApiIT holds it to them). */
  @Test
  void theCallbackAndProgressAnswersAreThoseApiAppDeclares() throws Exception {
    assertThat(statusesIn(table("callback"))).isEqualTo(declared("callback"));
    assertThat(statusesIn(table("progress"))).isEqualTo(declared("progress"));
  }

  private static Set<String> statusesIn(List<List<String>> rows) {
    return rows.stream()
        .map(row -> row.get(0).replaceAll("^`(\\d{3})`.*", "$1"))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static Set<String> declared(String methodName) {
    Method method =
        Stream.of(CallbackController.class.getDeclaredMethods())
            .filter(m -> m.getName().equals(methodName))
            .findFirst()
            .orElseThrow();
    var statuses = new TreeSet<String>();
    for (AnnotatedElement element : List.of(CallbackController.class, method)) {
      for (var response : element.getAnnotationsByType(ApiResponse.class)) {
        statuses.add(response.responseCode());
      }
    }
    return statuses;
  }

  /**
   * The cancel example is what the client sends, and both verification snippets accept the
   * signature it carries (and refuse it for another body or key, or out of the replay window).
   */
  @Test
  void theCancelRequestIsAsDocumentedAndTheSnippetsVerifyItsSignature(@TempDir Path work)
      throws Exception {
    var secret = "a-test-invocation-key-of-at-least-32-bytes";
    var client =
        new AlgorithmClient(
            new InvocationSigner(
                new InvocationSigningProperties(List.of(new SigningKey("k-1", secret)), "k-1")));
    var received = new LinkedHashMap<String, String>();
    var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/cancel",
        exchange -> {
          received.put(
              "body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          received.put("signature", exchange.getRequestHeaders().getFirst(InvocationSigner.HEADER));
          exchange.sendResponseHeaders(202, -1);
          exchange.close();
        });
    server.start();
    try {
      var example = example("cancel");
      assertThat(
              client.cancel(
                  URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/cancel"),
                  example.path("taskId").asString(),
                  example.path("attempt").asInt()))
          .isTrue();
    } finally {
      server.stop(0);
    }
    assertThat(JSON.readTree(received.get("body"))).isEqualTo(example("cancel"));

    var header = received.get("signature");
    var body = received.get("body").getBytes(StandardCharsets.UTF_8);
    var keys = Map.of("k-1", secret);
    var verify = javaSnippet(work);
    var now = Instant.now();
    assertThat(verify.verify(header, body, keys, now)).isTrue();
    assertThat(verify.verify(header, "{}".getBytes(StandardCharsets.UTF_8), keys, now)).isFalse();
    assertThat(verify.verify(header, body, Map.of("k-1", secret + "x"), now)).isFalse();
    assertThat(verify.verify(header, body, Map.of("k-2", secret), now)).isFalse();
    assertThat(verify.verify(header, body, keys, now.plus(Duration.ofMinutes(6)))).isFalse();
    assertThat(verify.verify(null, body, keys, now)).isFalse();

    assertThat(
            pythonSnippet(
                work,
                header,
                received.get("body"),
                secret,
                List.of(
                    "verify(H, B, K)",
                    "not verify(H, b'{}', K)",
                    "not verify(H, B, {'k-1': K['k-1'] + 'x'})",
                    "not verify(H, B, K, now=time.time() + 360)",
                    "not verify(None, B, K)",
                    "not verify('nonsense', B, K)")))
        .isEqualTo("ok");
  }

  private interface Verifier {
    boolean verify(String header, byte[] body, Map<String, String> keys, Instant now)
        throws Exception;
  }

  private static Verifier javaSnippet(Path work) throws Exception {
    var source = work.resolve("AlgotaskSignature.java");
    Files.writeString(source, marked("verify", "java").get(0));
    var compiler = ToolProvider.getSystemJavaCompiler();
    assertThat(compiler.run(null, null, null, "-d", work.toString(), source.toString()))
        .as("the Java snippet compiles")
        .isZero();
    var loader = new URLClassLoader(new java.net.URL[] {work.toUri().toURL()});
    var verify =
        loader
            .loadClass("AlgotaskSignature")
            .getMethod("verify", String.class, byte[].class, Map.class, Instant.class);
    return (header, body, keys, now) -> (boolean) verify.invoke(null, header, body, keys, now);
  }

  /** Runs the Python snippet with the checks given, each a Python expression that must hold. */
  private static String pythonSnippet(
      Path work, String header, String body, String secret, List<String> checks) throws Exception {
    var script = new StringBuilder(marked("verify", "python").get(0));
    script.append("\nverify = verify_algotask_signature\n");
    script.append("H = ").append(JSON.writeValueAsString(header)).append('\n');
    script.append("B = ").append(JSON.writeValueAsString(body)).append(".encode('utf-8')\n");
    script.append("K = {'k-1': ").append(JSON.writeValueAsString(secret)).append("}\n");
    for (var check : checks) {
      script
          .append("assert ")
          .append(check)
          .append(", ")
          .append(JSON.writeValueAsString(check))
          .append('\n');
    }
    script.append("print('ok')\n");
    var file = work.resolve("verify.py");
    Files.writeString(file, script);
    var process = new ProcessBuilder("python3", file.toString()).redirectErrorStream(true).start();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
  }
}
