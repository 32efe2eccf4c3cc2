package io.algotask.workflows.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays recorded histories of the task workflow against today's code: a change that would break
 * tasks already running fails here. Record again with {@code ./mvnw -pl workflows test
 * -Dtest=AlgorithmTaskWorkflowTest -Dalgotask.record-histories=src/test/resources/histories} only
 * for an intended, versioned change.
 */
class AlgorithmTaskWorkflowReplayTest {
  private static final Path HISTORIES = Path.of("src/test/resources/histories");

  static Stream<Path> histories() throws Exception {
    // subfolders keep the histories of earlier versions of the workflow, which must still replay,
    // and with-summaries/ ones whose timers and steps carry the summaries the Web UI shows
    var files = Files.walk(HISTORIES).filter(p -> p.toString().endsWith(".json")).sorted().toList();
    assertThat(files).as("recorded histories in %s", HISTORIES).isNotEmpty();
    return files.stream();
  }

  @ParameterizedTest
  @MethodSource("histories")
  void replaysWithoutNonDeterminism(Path history) throws Exception {
    WorkflowReplayer.replayWorkflowExecution(
        WorkflowExecutionHistory.fromJson(Files.readString(history)),
        AlgorithmTaskWorkflowImpl.class);
  }
}
