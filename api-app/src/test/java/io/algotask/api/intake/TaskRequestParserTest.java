package io.algotask.api.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.algotask.workflows.model.ErrorCode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Every rule of contract section 1, one broken at a time. */
class TaskRequestParserTest {
  private final TaskRequestParser parser = TestParsers.parser();

  private ParsedRequest parse(String json) {
    return parser.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private String brokenRule(String json) {
    var parsed = parse(json);
    assertThat(parsed).isInstanceOf(ParsedRequest.Invalid.class);
    return ((ParsedRequest.Invalid) parsed).rule();
  }

  @Test
  void aMinimalRequestGetsEveryDefault() {
    var parsed = parse("{\"taskId\":\"doc-42\",\"algorithm\":\"ocr\",\"unknownField\":true}");

    assertThat(parsed).isInstanceOf(ParsedRequest.Valid.class);
    var request = ((ParsedRequest.Valid) parsed).request();
    assertThat(request.tenant()).isEqualTo("default");
    assertThat(request.priority()).isEqualTo(3);
    assertThat(request.replyTopic()).isEqualTo("algotask.task.results");
    assertThat(request.queueTimeoutSeconds()).isEqualTo(1800);
    assertThat(request.executionTimeoutSeconds()).isEqualTo(120);
    assertThat(request.maxAttempts()).isEqualTo(3);
    assertThat(request.input()).isNull();
  }

  @Test
  void aFullRequestKeepsWhatItSays() {
    var parsed =
        parse(
            """
            {"taskId":"acme:doc_42.v2","algorithm":"ocr","tenant":"acme","priority":1,
             "input":{"uri":"s3://algotask-documents/acme/doc-42.pdf"},"params":{"lang":"de"},
             "replyTopic":"acme.results","queueTimeoutSeconds":604800,
             "executionTimeoutSeconds":86400,"maxAttempts":10,"metadata":{"order":"7"}}
            """);

    var request = ((ParsedRequest.Valid) parsed).request();
    assertThat(request.taskId()).isEqualTo("acme:doc_42.v2");
    assertThat(request.priority()).isEqualTo(1);
    assertThat(request.input().uri()).isEqualTo("s3://algotask-documents/acme/doc-42.pdf");
    assertThat(request.params().path("lang").asString()).isEqualTo("de");
    assertThat(request.replyTopic()).isEqualTo("acme.results");
    assertThat(request.queueTimeoutSeconds()).isEqualTo(604800);
    assertThat(request.executionTimeoutSeconds()).isEqualTo(86400);
    assertThat(request.maxAttempts()).isEqualTo(10);
    assertThat(request.metadata()).containsEntry("order", "7");
  }

  @Test
  void whatIsNotATaskGoesToTheDeadLetterTopic() {
    for (var notATask :
        new String[] {
          "not json",
          "[1,2]",
          "\"doc-42\"",
          "{}",
          "{\"taskId\":42}",
          "{\"taskId\":\"-starts-badly\"}",
          "{\"taskId\":\"" + "x".repeat(129) + "\"}",
          "{\"taskId\":\"has space\"}"
        }) {
      assertThat(parse(notATask)).as(notATask).isInstanceOf(ParsedRequest.NotATask.class);
    }
    assertThat(parser.parse(null)).isInstanceOf(ParsedRequest.NotATask.class);
  }

  @Test
  void anUnknownAlgorithmIsRejectedWithItsOwnCode() {
    var parsed = (ParsedRequest.Invalid) parse("{\"taskId\":\"t\",\"algorithm\":\"nope\"}");
    assertThat(parsed.code()).isEqualTo(ErrorCode.UNKNOWN_ALGORITHM);
    assertThat(parsed.rule()).contains("nope");
  }

  @Test
  void anInputOutsideTheTenantsPrefixIsRefused() {
    var base = "{\"taskId\":\"t\",\"algorithm\":\"ocr\",\"tenant\":\"acme\",";

    assertThat(parse(base + "\"input\":{\"uri\":\"s3://algotask-documents/acme/a.pdf\"}}"))
        .isInstanceOf(ParsedRequest.Valid.class);
    assertThat(brokenRule(base + "\"input\":{\"uri\":\"s3://algotask-documents/globex/a.pdf\"}}"))
        .isEqualTo("input.uri: the key must start with 'acme/', the inputs of tenant acme");
    assertThat(brokenRule(base + "\"input\":{\"uri\":\"s3://algotask-documents/acme-x/a\"}}"))
        .startsWith("input.uri");
    assertThat(
            brokenRule(base + "\"input\":{\"uri\":\"s3://algotask-documents/acme/../globex/a\"}}"))
        .startsWith("input.uri");
    // no tenant given: the default tenant's prefix
    assertThat(
            brokenRule(
                "{\"taskId\":\"t\",\"algorithm\":\"ocr\","
                    + "\"input\":{\"uri\":\"s3://algotask-documents/acme/a.pdf\"}}"))
        .contains("'default/'");
  }

  @Test
  void eachBrokenRuleIsNamed() {
    var base = "{\"taskId\":\"t\",\"algorithm\":\"ocr\",";
    assertThat(brokenRule("{\"taskId\":\"t\"}")).startsWith("algorithm");
    assertThat(brokenRule(base + "\"tenant\":\"bad tenant\"}")).startsWith("tenant");
    assertThat(brokenRule(base + "\"priority\":0}")).startsWith("priority");
    assertThat(brokenRule(base + "\"priority\":6}")).startsWith("priority");
    assertThat(brokenRule(base + "\"priority\":\"1\"}")).startsWith("priority");
    assertThat(brokenRule(base + "\"input\":{\"uri\":\"http://x/y\"}}")).startsWith("input.uri");
    assertThat(brokenRule(base + "\"input\":{\"uri\":\"s3://other-bucket/default/k\"}}"))
        .contains("other-bucket");
    assertThat(brokenRule(base + "\"input\":\"s3://algotask-documents/k\"}")).startsWith("input");
    assertThat(brokenRule(base + "\"params\":[1]}")).startsWith("params");
    assertThat(brokenRule(base + "\"params\":{\"blob\":\"" + "x".repeat(65_536) + "\"}}"))
        .startsWith("params");
    assertThat(brokenRule(base + "\"replyTopic\":\"bad topic\"}")).startsWith("replyTopic");
    assertThat(brokenRule(base + "\"replyTopic\":\"__consumer_offsets\"}"))
        .startsWith("replyTopic");
    assertThat(brokenRule(base + "\"replyTopic\":\"algotask.task.requests\"}"))
        .startsWith("replyTopic");
    assertThat(brokenRule(base + "\"replyTopic\":\"algotask.task.requests.dlq\"}"))
        .startsWith("replyTopic");
    assertThat(brokenRule(base + "\"replyTopic\":\"other.results\"}")).contains("allowed pattern");
    assertThat(brokenRule(base + "\"queueTimeoutSeconds\":0}")).startsWith("queueTimeoutSeconds");
    assertThat(brokenRule(base + "\"queueTimeoutSeconds\":604801}"))
        .startsWith("queueTimeoutSeconds");
    assertThat(brokenRule(base + "\"executionTimeoutSeconds\":86401}"))
        .startsWith("executionTimeoutSeconds");
    assertThat(brokenRule(base + "\"maxAttempts\":11}")).startsWith("maxAttempts");
    assertThat(brokenRule(base + "\"maxAttempts\":1.5}")).startsWith("maxAttempts");
    assertThat(brokenRule(base + "\"metadata\":{\"n\":1}}")).startsWith("metadata.n");
    assertThat(brokenRule(base + "\"metadata\":{\"big\":\"" + "x".repeat(4096) + "\"}}"))
        .startsWith("metadata");
  }

  @Test
  void aRejectedRequestKeepsItsUsableReplyTopicAndFallsBackOtherwise() {
    var keeps =
        (ParsedRequest.Invalid)
            parse("{\"taskId\":\"t\",\"algorithm\":\"nope\",\"replyTopic\":\"acme.results\"}");
    assertThat(keeps.request().replyTopic()).isEqualTo("acme.results");

    var fallsBack =
        (ParsedRequest.Invalid)
            parse("{\"taskId\":\"t\",\"algorithm\":\"ocr\",\"replyTopic\":\"__internal\"}");
    assertThat(fallsBack.request().replyTopic()).isEqualTo("algotask.task.results");
    assertThat(fallsBack.request().tenant()).isEqualTo("default");
  }

  @Test
  void textThatCannotBeStoredIsRefusedWhereverItIsAndNamed() {
    var base = "{\"taskId\":\"t\",\"algorithm\":\"ocr\",";
    assertThat(brokenRule(base + "\"params\":{\"a\":{\"b\":\"x\\u0000\"}}}"))
        .startsWith("params.a.b:")
        .contains("U+0000");
    assertThat(brokenRule(base + "\"params\":{\"list\":[\"ok\",\"\\u0000\"]}}"))
        .startsWith("params.list[1]:");
    assertThat(brokenRule(base + "\"params\":{\"k\\u0000\":1}}")).startsWith("params:");
    assertThat(brokenRule(base + "\"metadata\":{\"k\":\"\\u0000\"}}")).startsWith("metadata.k:");
    assertThat(brokenRule(base + "\"metadata\":{\"\\u0000\":\"v\"}}")).startsWith("metadata:");
    assertThat(brokenRule(base + "\"metadata\":{\"k\":\"\\ud800\"}}"))
        .as("half of a surrogate pair")
        .startsWith("metadata.k:");
    assertThat(brokenRule(base + "\"unknownField\":\"\\u0000\"}")).startsWith("unknownField:");
    assertThat(parse(base + "\"params\":{\"emoji\":\"\\ud83d\\ude00\"}}"))
        .as("a whole surrogate pair is fine")
        .isInstanceOf(ParsedRequest.Valid.class);

    var unknown =
        (ParsedRequest.Invalid)
            parse(
                "{\"taskId\":\"t\",\"algorithm\":\"no\\u0000pe\","
                    + "\"metadata\":{\"k\":\"\\u0000\"}}");
    assertThat(unknown.rule()).startsWith("algorithm:").doesNotContain("\u0000");
    assertThat(unknown.request().algorithm()).isEqualTo("nope");
    assertThat(unknown.request().metadata()).as("not echoed: it cannot be stored").isNull();
  }

  @Test
  void aReplyTopicThatDoesNotExistIsABrokenRuleAndTheResultGoesToTheDefaultTopic() {
    var rejected =
        (ParsedRequest.Invalid)
            parse("{\"taskId\":\"t\",\"algorithm\":\"ocr\",\"replyTopic\":\"missing.results\"}");

    assertThat(rejected.rule()).startsWith("replyTopic:").contains("does not exist");
    assertThat(rejected.request().replyTopic()).isEqualTo("algotask.task.results");
  }

  @Test
  void aTaskIdThatCannotBeStoredIsNoUsableTaskId() {
    assertThat(parse("{\"taskId\":\"a\\u0000\",\"algorithm\":\"ocr\"}"))
        .isInstanceOf(ParsedRequest.NotATask.class);
  }
}
