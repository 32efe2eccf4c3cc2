package io.algotask.api.intake;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import io.algotask.adapters.kafka.TopicProperties;
import io.algotask.adapters.storage.ObjectStorageProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON Schema of the task request (docs/schemas, shipped in the api-proto jar) holds against
 * the parser: at each rule's boundary both admit or both refuse, and the rules the schema cannot
 * express are the ones its description lists, each a request the schema admits and the parser
 * refuses.
 */
class TaskRequestSchemaTest {
  static final String SCHEMAS = "/io/algotask/api/schemas/";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** The contract's default topics; any legal topic may take replies but Algotask's own. */
  private final TaskRequestParser parser =
      TestParsers.parser(
          new TopicProperties(
              "algotask.task.requests",
              "algotask.task.results",
              "algotask.task.requests.dlq",
              "(?!forbidden\\.).+",
              3,
              Duration.ofSeconds(10)),
          ObjectStorageProperties.TENANT_INPUT_PREFIX);

  private final Schema schema = schema("task-request.schema.json");

  static Schema schema(String name) {
    try (var in = TaskRequestSchemaTest.class.getResourceAsStream(SCHEMAS + name)) {
      assertThat(in).as("%s in the api-proto jar", name).isNotNull();
      return SchemaRegistry.withDefaultDialect(
              SpecificationVersion.DRAFT_2020_12,
              registry ->
                  registry.schemaRegistryConfig(
                      SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()))
          .getSchema(in);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String request(String members) {
    return "{\"taskId\":\"doc-1\",\"algorithm\":\"ocr\""
        + (members.isEmpty() ? "" : ",")
        + members
        + "}";
  }

  private boolean parserAdmits(String json) {
    return parser.parse(json.getBytes(StandardCharsets.UTF_8)) instanceof ParsedRequest.Valid;
  }

  private boolean schemaAdmits(String json) {
    JsonNode node = JSON.readTree(json);
    return schema.validate(node).isEmpty();
  }

  @Test
  void theSchemaAndTheParserAgreeAtEveryRulesBoundary() {
    var admitted =
        List.of(
            request(""),
            request("\"unknownMember\":[1,{}]"),
            "{\"taskId\":\"a\",\"algorithm\":\"ocr\"}",
            "{\"taskId\":\"" + "x".repeat(128) + "\",\"algorithm\":\"ocr\"}",
            "{\"taskId\":\"A9._:-z\",\"algorithm\":\"ocr\"}",
            request("\"tenant\":null,\"priority\":null,\"input\":null,\"params\":null"),
            request("\"replyTopic\":null,\"metadata\":null,\"maxAttempts\":null"),
            request("\"tenant\":\"acme\",\"input\":{\"uri\":\"s3://algotask-documents/acme/a\"}"),
            request("\"tenant\":\"" + "t".repeat(64) + "\""),
            request("\"tenant\":\"A1._-\""),
            request("\"priority\":1"),
            request("\"priority\":5"),
            request("\"queueTimeoutSeconds\":1,\"executionTimeoutSeconds\":1,\"maxAttempts\":1"),
            request(
                "\"queueTimeoutSeconds\":604800,\"executionTimeoutSeconds\":86400,"
                    + "\"maxAttempts\":10"),
            request("\"input\":{\"uri\":\"s3://algotask-documents/default/doc.pdf\",\"x\":1}"),
            request("\"params\":{}"),
            request("\"params\":{\"lang\":\"de\",\"pages\":[1,2],\"deep\":{\"n\":1.5}}"),
            request("\"metadata\":{}"),
            request("\"metadata\":{\"order\":\"42\",\"\":\"\"}"),
            request("\"replyTopic\":\"acme.results\""),
            request("\"replyTopic\":\"" + "r".repeat(249) + "\""),
            request("\"replyTopic\":\"...\""),
            request("\"replyTopic\":\"_single\""));
    var refused =
        List.of(
            "[]",
            "\"doc-1\"",
            "5",
            "null",
            "{}",
            "{\"algorithm\":\"ocr\"}",
            "{\"taskId\":null,\"algorithm\":\"ocr\"}",
            "{\"taskId\":42,\"algorithm\":\"ocr\"}",
            "{\"taskId\":\"\",\"algorithm\":\"ocr\"}",
            "{\"taskId\":\"-doc\",\"algorithm\":\"ocr\"}",
            "{\"taskId\":\"doc 1\",\"algorithm\":\"ocr\"}",
            "{\"taskId\":\"doc/1\",\"algorithm\":\"ocr\"}",
            "{\"taskId\":\"docé\",\"algorithm\":\"ocr\"}",
            "{\"taskId\":\"doc-1\\n\",\"algorithm\":\"ocr\"}",
            "{\"taskId\":\"" + "x".repeat(129) + "\",\"algorithm\":\"ocr\"}",
            "{\"taskId\":\"doc-1\"}",
            "{\"taskId\":\"doc-1\",\"algorithm\":null}",
            "{\"taskId\":\"doc-1\",\"algorithm\":42}",
            "{\"taskId\":\"doc-1\",\"algorithm\":\"\"}",
            "{\"taskId\":\"doc-1\",\"algorithm\":\" \\t\"}",
            request("\"tenant\":\"\""),
            request("\"tenant\":\"-acme\""),
            request("\"tenant\":\"ac:me\""),
            request("\"tenant\":\"" + "t".repeat(65) + "\""),
            request("\"tenant\":7"),
            request("\"priority\":0"),
            request("\"priority\":6"),
            request("\"priority\":\"3\""),
            request("\"priority\":true"),
            request("\"priority\":3.5"),
            request("\"priority\":2147483648"),
            request("\"queueTimeoutSeconds\":0"),
            request("\"queueTimeoutSeconds\":604801"),
            request("\"executionTimeoutSeconds\":0"),
            request("\"executionTimeoutSeconds\":86401"),
            request("\"maxAttempts\":0"),
            request("\"maxAttempts\":11"),
            request("\"maxAttempts\":\"3\""),
            request("\"input\":\"s3://algotask-documents/default/doc.pdf\""),
            request("\"input\":{}"),
            request("\"input\":{\"uri\":5}"),
            request("\"input\":{\"uri\":\"http://algotask-documents/default/doc.pdf\"}"),
            request("\"input\":{\"uri\":\"s3://algotask-documents/\"}"),
            request("\"input\":{\"uri\":\"s3://Algotask-documents/default/doc.pdf\"}"),
            request("\"input\":{\"uri\":\"s3://ab/default/doc.pdf\"}"),
            request("\"params\":[]"),
            request("\"params\":\"lang=de\""),
            request("\"replyTopic\":\"\""),
            request("\"replyTopic\":\".\""),
            request("\"replyTopic\":\"..\""),
            request("\"replyTopic\":\"__consumer_offsets\""),
            request("\"replyTopic\":\"acme results\""),
            request("\"replyTopic\":\"" + "r".repeat(250) + "\""),
            request("\"replyTopic\":5"),
            request("\"metadata\":[]"),
            request("\"metadata\":\"order=42\""),
            request("\"metadata\":{\"order\":42}"),
            request("\"metadata\":{\"order\":null}"),
            request("\"metadata\":{\"order\":{\"n\":\"1\"}}"));

    for (var json : admitted) {
      assertThat(parserAdmits(json)).as("the parser admits %s", json).isTrue();
      assertThat(schemaAdmits(json)).as("the schema admits %s", json).isTrue();
    }
    for (var json : refused) {
      assertThat(parserAdmits(json)).as("the parser refuses %s", json).isFalse();
      assertThat(schemaAdmits(json)).as("the schema refuses %s", json).isFalse();
    }
  }

  /** A rule only Algotask checks: the words of the schema's description that list it. */
  private record BeyondTheSchema(String listedAs, String json) {}

  @Test
  void whatTheSchemaCannotExpressIsListedInItsDescriptionAndOnlyTheParserRefuses() {
    var beyond =
        List.of(
            new BeyondTheSchema("a registered algorithm", "{\"taskId\":\"d\",\"algorithm\":\"x\"}"),
            new BeyondTheSchema(
                "algotask.storage.input-buckets",
                request("\"input\":{\"uri\":\"s3://other-bucket/default/doc.pdf\"}")),
            new BeyondTheSchema(
                "the tenant's prefix",
                request("\"input\":{\"uri\":\"s3://algotask-documents/acme/doc.pdf\"}")),
            new BeyondTheSchema(
                "no '..' segment",
                request("\"input\":{\"uri\":\"s3://algotask-documents/default/../acme/x\"}")),
            new BeyondTheSchema(
                "algotask.topics.allowed-reply-topics",
                request("\"replyTopic\":\"forbidden.results\"")),
            new BeyondTheSchema(
                "neither Algotask's request nor its dead-letter topic",
                request("\"replyTopic\":\"algotask.task.requests\"")),
            new BeyondTheSchema(
                "neither Algotask's request nor its dead-letter topic",
                request("\"replyTopic\":\"algotask.task.requests.dlq\"")),
            new BeyondTheSchema("and exists", request("\"replyTopic\":\"missing.results\"")),
            new BeyondTheSchema(
                "params at most 65536 bytes",
                request("\"params\":{\"text\":\"" + "p".repeat(64 * 1024) + "\"}")),
            new BeyondTheSchema(
                "metadata at most 4096 bytes",
                request("\"metadata\":{\"text\":\"" + "m".repeat(4 * 1024) + "\"}")),
            new BeyondTheSchema("U+0000", request("\"metadata\":{\"order\":\"4\\u00002\"}")),
            new BeyondTheSchema(
                "half of a surrogate pair", request("\"params\":{\"\\ud800\":\"x\"}")),
            new BeyondTheSchema("3.0", request("\"priority\":3.0")),
            new BeyondTheSchema("3.0", request("\"maxAttempts\":1.0")),
            new BeyondTheSchema(
                "a blank algorithm", "{\"taskId\":\"d\",\"algorithm\":\"\\u2003\"}"));

    var description = schema.getSchemaNode().path("description").asString();
    for (var rule : beyond) {
      assertThat(description).as("the schema's description").contains(rule.listedAs());
      assertThat(schemaAdmits(rule.json())).as("the schema admits %s", rule.json()).isTrue();
      assertThat(parserAdmits(rule.json())).as("the parser refuses %s", rule.json()).isFalse();
    }
  }
}
