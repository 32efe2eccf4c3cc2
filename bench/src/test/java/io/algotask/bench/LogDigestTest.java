package io.algotask.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogDigestTest {
  @Test
  void warningsAndErrorsAreCountedByLoggerAndMessageWithoutTheirNumbers() {
    var lines =
        List.of(
            "2026-11-27T00:10:42.140Z  WARN 10596 --- [algotask-worker] [e=\"default\": 22]"
                + " i.t.i.replay.ReplayWorkflowTaskHandler   : Workflow task processing failure."
                + " startedEventId=3, WorkflowId=task-1",
            "",
            "io.temporal.internal.statemachines.InternalWorkflowTaskException: Failure",
            "\tat io.temporal.internal.Foo.bar(Foo.java:1)",
            "2026-11-27T00:10:43.140Z  WARN 10596 --- [algotask-worker] [e=\"default\": 11]"
                + " i.t.i.replay.ReplayWorkflowTaskHandler   : Workflow task processing failure."
                + " startedEventId=10, WorkflowId=task-2",
            "2026-11-27T00:10:44.000Z  INFO 10596 --- [algotask-worker] [main] i.a.Thing : fine",
            "2026-11-27T00:10:45.000Z ERROR 10596 --- [algotask-worker] [pool-1] i.a.Publisher  :"
                + " could not publish 3 results");

    var counts = LogDigest.count(lines);

    assertThat(counts)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "WARN ReplayWorkflowTaskHandler: Workflow task processing failure. startedEventId=",
                2,
                "ERROR Publisher: could not publish",
                1));
    assertThat(LogDigest.describe("api-app", Map.of())).isEqualTo("api-app: no warning or error");
  }
}
