package io.algotask.workflows.task;

import static io.algotask.workflows.task.ScriptedActivities.failed;
import static io.algotask.workflows.task.ScriptedActivities.succeeded;
import static org.assertj.core.api.Assertions.assertThat;

import io.algotask.workflows.model.TaskInput;
import io.algotask.workflows.model.TaskSettings;
import io.algotask.workflows.model.TaskStatus;
import io.algotask.workflows.model.TaskWorkflowIds;
import io.algotask.workflows.task.ScriptedActivities.Accept;
import io.algotask.workflows.task.ScriptedActivities.FailsOnce;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.opentracingshim.OpenTracingShim;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.opentracing.OpenTracingClientInterceptor;
import io.temporal.opentracing.OpenTracingOptions;
import io.temporal.opentracing.OpenTracingWorkerInterceptor;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactoryOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The span tree of one task, with Temporal's OpenTracing interceptors over the OpenTelemetry SDK as
 * the apps wire them: one trace from the caller's span through the workflow, its local activities,
 * its activities and its signals, a failed attempt and its retry included.
 */
class AlgorithmTaskWorkflowTracingTest {
  private static final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private static final SdkTracerProvider tracerProvider =
      SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
  private static final OpenTelemetrySdk otel =
      OpenTelemetrySdk.builder()
          .setTracerProvider(tracerProvider)
          .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
          .build();
  private static final OpenTracingOptions tracing =
      OpenTracingOptions.newBuilder().setTracer(OpenTracingShim.createTracerShim(otel)).build();

  @RegisterExtension
  static final TestWorkflowExtension temporal =
      TestWorkflowExtension.newBuilder()
          .registerWorkflowImplementationTypes(AlgorithmTaskWorkflowImpl.class)
          .registerSearchAttribute("TaskStatus", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .setWorkflowClientOptions(
              WorkflowClientOptions.newBuilder()
                  .setInterceptors(new OpenTracingClientInterceptor(tracing))
                  .build())
          .setWorkerFactoryOptions(
              WorkerFactoryOptions.newBuilder()
                  .setWorkerInterceptors(new OpenTracingWorkerInterceptor(tracing))
                  .build())
          .setDoNotStart(true)
          .build();

  private final ScriptedActivities script = new ScriptedActivities();
  private WorkflowClient client;
  private Worker worker;

  @BeforeEach
  void setUp(TestWorkflowEnvironment env, WorkflowClient client, Worker worker) {
    this.client = client;
    this.worker = worker;
    script.connect(client, env::currentTimeMillis);
    worker.registerActivitiesImplementations(
        script.slots, script.algorithm, script.attempts, script.ending);
    env.start();
  }

  @AfterAll
  static void closeTracing() {
    tracerProvider.close();
  }

  @Test
  void oneTaskIsOneTraceFromItsIntakeThroughEachAttemptToItsResult() {
    // attempt 1: the first send fails, the resend (an activity) is accepted, and the algorithm
    // reports a retryable failure; attempt 2 succeeds
    script.reactions.add(new FailsOnce(null));
    script.reactions.add(new Accept(failed(1, true)));
    script.reactions.add(new Accept(succeeded(2)));
    // as a Kafka record's traceparent, or an HTTP request's, is the parent of the intake's span
    var caller =
        SpanContext.createFromRemoteParent(
            "4bf92f3577b34da6a3ce929d0e0e4736",
            "00f067aa0ba902b7",
            TraceFlags.getSampled(),
            TraceState.getDefault());
    var intake =
        otel.getTracer("test")
            .spanBuilder("intake")
            .setParent(Context.root().with(Span.wrap(caller)))
            .startSpan();

    TaskStatus status;
    try (var scope = intake.makeCurrent()) {
      var workflow =
          client.newWorkflowStub(
              AlgorithmTaskWorkflow.class,
              WorkflowOptions.newBuilder()
                  .setTaskQueue(worker.getTaskQueue())
                  .setWorkflowId(TaskWorkflowIds.forTask("t-traced"))
                  .build());
      WorkflowClient.start(workflow::run, input());
      status =
          client
              .newUntypedWorkflowStub(TaskWorkflowIds.forTask("t-traced"))
              .getResult(io.algotask.workflows.model.TaskOutcome.class)
              .status();
    } finally {
      intake.end();
    }

    assertThat(status).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(script.calls)
        .containsExactly(
            "acquire",
            "invoke 1",
            "resend 1",
            "release e1:1",
            "acquire",
            "invoke 2",
            "finish SUCCEEDED");
    var tree = new SpanTree(spans.getFinishedSpanItems());
    // The time-skipping test server drops a signal's header, so the workflow's HandleSignal spans
    // start traces of their own here; Temporal's server keeps it (see the apps' TaskTracingIT).
    var ofTheTask =
        tree.all().stream().filter(span -> !span.getName().startsWith("HandleSignal:")).toList();
    assertThat(ofTheTask).allMatch(span -> span.getTraceId().equals(caller.getTraceId()));
    var run = tree.only("RunWorkflow:AlgorithmTaskWorkflow");
    assertThat(tree.parentOf(run).getName()).isEqualTo("StartWorkflow:AlgorithmTaskWorkflow");
    assertThat(tree.parentOf(tree.parentOf(run))).isEqualTo(tree.only("intake"));
    // each step, local activity or activity, is scheduled by the workflow's run and run under it
    assertThat(tree.stepsOf(run))
        .as(tree::toString)
        .containsExactly(
            "SlotAcquire",
            "AlgorithmInvoke",
            "AlgorithmResend",
            "SlotRelease",
            "SlotAcquire",
            "AlgorithmInvoke",
            "TaskEndAndPublish");
    var sends = tree.named("RunActivity:AlgorithmInvoke");
    assertThat(sends).hasSize(2);
    // the first send of attempt 1 failed (an error on its span); its resend was accepted
    assertThat(sends.get(0).getAttributes().get(AttributeKey.booleanKey("failed"))).isTrue();
    assertThat(sends.get(0).getEvents()).anyMatch(event -> event.getName().equals("exception"));
    assertThat(tree.only("RunActivity:AlgorithmResend").getEvents()).isEmpty();
    assertThat(sends.get(1).getEvents()).isEmpty();
    // the algorithm's callbacks (signals) are sent from within the sends that were accepted
    assertThat(tree.named("SignalWorkflow:callbackReceived"))
        .extracting(signal -> tree.parentOf(signal).getName())
        .containsExactly("RunActivity:AlgorithmResend", "RunActivity:AlgorithmInvoke");
  }

  private static TaskInput input() {
    return new TaskInput(
        "t-traced",
        "ocr",
        "acme",
        3,
        Instant.parse("2026-11-26T10:00:00Z"),
        new TaskSettings(Duration.ofMinutes(30), Duration.ofMinutes(5), 3));
  }

  /** Finished spans by id, to walk from a span to its parent. */
  private record SpanTree(Map<String, SpanData> byId) {
    SpanTree(List<SpanData> finished) {
      this(
          finished.stream()
              .collect(Collectors.toMap(SpanData::getSpanId, Function.identity(), (a, b) -> a)));
    }

    List<SpanData> all() {
      return new ArrayList<>(byId.values());
    }

    SpanData only(String name) {
      var found = named(name);
      assertThat(found).as(name).hasSize(1);
      return found.get(0);
    }

    /** Spans by name in the order they started. */
    List<SpanData> named(String name) {
      return byId.values().stream()
          .filter(span -> span.getName().equals(name))
          .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
          .toList();
    }

    /**
     * The steps the workflow's run scheduled, in order: each a StartActivity span under the run
     * with the RunActivity span of the same step under it.
     */
    List<String> stepsOf(SpanData run) {
      return childrenOf(run).stream()
          .map(
              start -> {
                var step = start.getName().substring("StartActivity:".length());
                assertThat(childrenOf(start))
                    .extracting(SpanData::getName)
                    .containsExactly("RunActivity:" + step);
                return step;
              })
          .toList();
    }

    List<SpanData> childrenOf(SpanData span) {
      return byId.values().stream()
          .filter(child -> child.getParentSpanId().equals(span.getSpanId()))
          .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
          .toList();
    }

    SpanData parentOf(SpanData span) {
      return byId.get(span.getParentSpanId());
    }

    @Override
    public String toString() {
      var out = new StringBuilder();
      byId.values().stream()
          .filter(span -> !byId.containsKey(span.getParentSpanId()))
          .forEach(root -> print(root, 0, out));
      return out.toString();
    }

    private void print(SpanData span, int depth, StringBuilder out) {
      out.append("  ".repeat(depth)).append(span.getName()).append('\n');
      childrenOf(span).forEach(child -> print(child, depth + 1, out));
    }
  }
}
