package io.algotask.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.algotask.sample.SampleAlgorithmServer;
import io.algotask.sample.SampleAlgorithmSettings;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.SearchAttributeKey;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.File;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The Temporal Web UI of the local stack as an operator uses it, in headless Chromium (Debian's
 * chromium and chromedriver, which the launcher installs): the tasks of ocr that wait for a slot,
 * found with the search attributes and shown with the columns README describes, and one of them
 * opened, with its summary, details and the summaries of its timer and steps. Screenshots go to
 * target/webui/.
 */
class WebUiIT {
  private static final String RUN = "webui-" + UUID.randomUUID().toString().substring(0, 8);

  /**
   * The demo's algorithm name, as the screenshots show it, served here by a sample service with 2
   * slots. The sample holds each task longer than this test runs, so that the tasks past the second
   * wait in the queue.
   */
  private static final String ALGORITHM = "ocr";

  private static final int LIMIT = 2;
  private static final int TASKS = LIMIT + 2;
  private static final String UI = "http://127.0.0.1:8233";
  private static final String QUERY =
      "TaskStatus=\"QUEUED\" AND AlgorithmName=\"" + ALGORITHM + "\"";
  private static final Path SCREENSHOTS = Path.of("target", "webui");
  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final SearchAttributeKey<String> TASK_STATUS =
      SearchAttributeKey.forKeyword("TaskStatus");

  private static SampleAlgorithmServer sample;
  private static TaskTraffic traffic;
  private static WorkflowServiceStubs service;
  private static WorkflowClient temporal;
  private static WebDriver browser;
  private static final List<String> taskIds = new ArrayList<>();

  @BeforeAll
  static void startEverything() throws Exception {
    sample =
        SampleAlgorithmServer.start(
            SampleAlgorithmSettings.builder().port(0).latencyMs(600_000, 600_000).seed(1L).build());
    var apps = SharedApps.get();
    // the tests' own registry: its ocr is this sample's for as long as this test runs
    apps.register(
        ALGORITHM,
        Map.of(
            "endpoint",
            sample.invocationUrl(ALGORITHM).toString(),
            "maxConcurrency",
            LIMIT,
            "queueTimeoutSeconds",
            30 * 60,
            "executionTimeoutSeconds",
            2 * 60,
            "maxAttempts",
            3));
    traffic = apps.traffic();
    service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget("127.0.0.1:7233").build());
    temporal =
        WorkflowClient.newInstance(
            service,
            WorkflowClientOptions.newBuilder().setNamespace(TestApps.TEMPORAL_NAMESPACE).build());
    browser = headlessChromium();
  }

  @AfterAll
  static void stopEverything() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (temporal != null) {
      cancelTheTasks(); // their slots go back, for whoever uses ocr next
    }
    if (service != null) {
      service.shutdownNow();
    }
    for (var resource : new AutoCloseable[] {traffic, sample}) {
      if (resource != null) {
        resource.close();
      }
    }
  }

  private static WebDriver headlessChromium() {
    var options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1800,1100");
    // the driver is Debian's: nothing is downloaded
    var driver =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File("/usr/bin/chromedriver"))
            .build();
    return new ChromeDriver(driver, options);
  }

  @Test
  void anOperatorFindsTheQueuedTasksOfAnAlgorithmAndSeesWhatOneWaitsFor() throws Exception {
    var document = SampleDocuments.upload(new StorageSettings(), "demo/").get(0);
    for (int i = 1; i <= TASKS; i++) {
      var taskId = RUN + "-" + i;
      taskIds.add(taskId);
      traffic.submit(request(taskId, i, document));
    }
    var queued = awaitQueued();

    showTheColumnsOfTasks();
    browser.get(
        UI
            + "/namespaces/"
            + TestApps.TEMPORAL_NAMESPACE
            + "/workflows?query="
            + URLEncoder.encode(QUERY, StandardCharsets.UTF_8));
    for (var taskId : queued) {
      element(By.linkText("task-" + taskId));
    }
    var headings = text(By.cssSelector("table thead"));
    assertThat(headings).contains("AlgorithmName", "Tenant", "TaskStatus", "Priority");
    var row = text(By.xpath("//tr[.//a[text()='task-" + queued.get(0) + "']]"));
    assertThat(row).contains("QUEUED", "ocr", "acme");
    screenshot("workflows-queued-ocr.png");

    element(By.linkText("task-" + queued.get(0))).click();
    awaitText(element(By.tagName("main")), "slot of ocr, queue timeout 30m"); // its timer

    element(By.xpath("//*[self::a or self::button][normalize-space()='User Metadata']")).click();
    var shown =
        await("the summary, details and current details")
            .atMost(PATIENCE)
            .ignoreExceptions() // the page may render its frames again while they are read
            .until(this::markdownShown, text -> text.contains("waiting for a slot of ocr"));
    assertThat(shown)
        .contains(
            "ocr for acme, priority",
            "task " + queued.get(0) + ", submitted",
            "queue timeout 30m, execution timeout 2m, at most 3 attempts",
            "QUEUED: waiting for a slot of ocr, place ",
            "attempts started 0 of 3");
    screenshot("task-details.png");

    element(
            By.xpath(
                "//*[self::a or self::button][starts-with(normalize-space(),'Event History')]"))
        .click();
    var history = element(By.tagName("main"));
    awaitText(history, "Timer Started");
    assertThat(history.getText())
        .contains(
            "ocr for acme, priority", // its start
            "take a slot of ocr", // the local activity that put it in the queue
            "slot of ocr, queue timeout 30m"); // the timer it waits on
    screenshot("task-history.png");
  }

  /** The text of the Markdown the page shows, which it renders in frames of their own. */
  private String markdownShown() {
    var text = new StringBuilder();
    for (var frame : browser.findElements(By.tagName("iframe"))) {
      browser.switchTo().frame(frame);
      try {
        text.append(browser.findElement(By.tagName("body")).getText()).append('\n');
      } finally {
        browser.switchTo().defaultContent();
      }
    }
    return text.toString();
  }

  /** Adds the search attributes' columns to the workflows table, as README tells. */
  private void showTheColumnsOfTasks() {
    browser.get(UI + "/namespaces/" + TestApps.TEMPORAL_NAMESPACE + "/workflows");
    element(By.cssSelector("[data-testid=workflows-summary-table-configuration-button]")).click();
    for (var column : List.of("AlgorithmName", "Tenant", "TaskStatus", "Priority")) {
      element(By.cssSelector("[data-testid='orderable-list-item-" + column + "-add-button']"))
          .click();
    }
    // the attributes' columns come last: fewer before them keep them in view
    for (var column : List.of("Run ID", "Type", "End")) {
      element(By.cssSelector("[data-testid='orderable-list-item-" + column + "-remove-button']"))
          .click();
    }
    element(By.cssSelector("[data-testid='orderable-list-item-End-add-button']"));
  }

  /** Waits until every task runs or waits, and returns those that wait. */
  private static List<String> awaitQueued() {
    return await("the tasks of ocr, each running or queued")
        .atMost(PATIENCE)
        .until(
            () -> {
              var statuses = new LinkedHashMap<String, String>();
              temporal
                  .listExecutions("TaskQueue=\"" + SharedApps.get().taskQueue() + "\"")
                  .filter(e -> e.getExecution().getWorkflowId().startsWith("task-" + RUN + "-"))
                  .forEach(
                      e ->
                          statuses.put(
                              e.getExecution().getWorkflowId(),
                              e.getTypedSearchAttributes().get(TASK_STATUS)));
              return statuses;
            },
            statuses ->
                statuses.size() == TASKS
                    && statuses.values().stream()
                        .allMatch(s -> "RUNNING".equals(s) || "QUEUED".equals(s))
                    && statuses.values().stream().filter("QUEUED"::equals).count() >= 2)
        .entrySet()
        .stream()
        .filter(e -> "QUEUED".equals(e.getValue()))
        .map(e -> e.getKey().substring("task-".length()))
        .toList();
  }

  private static Map<String, Object> request(String taskId, int priority, String document) {
    var request = new LinkedHashMap<String, Object>();
    request.put("taskId", taskId);
    request.put("algorithm", ALGORITHM);
    request.put("tenant", "acme");
    request.put("priority", priority);
    request.put("input", Map.of("uri", document));
    return request;
  }

  private WebElement element(By by) {
    return await(by.toString())
        .atMost(PATIENCE)
        .ignoreExceptions()
        .until(() -> browser.findElement(by), e -> e.isDisplayed());
  }

  private String text(By by) {
    return element(by).getText();
  }

  private void awaitText(WebElement within, String text) {
    await("the page shows " + text)
        .atMost(PATIENCE)
        .until(within::getText, shown -> shown.contains(text));
  }

  private void screenshot(String name) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    Files.write(
        SCREENSHOTS.resolve(name), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }

  private static void cancelTheTasks() {
    for (var taskId : taskIds) {
      try {
        temporal.newUntypedWorkflowStub("task-" + taskId).cancel();
      } catch (RuntimeException alreadyOver) {
        // nothing to cancel
      }
    }
    await("the tasks cancelled")
        .atMost(PATIENCE)
        .ignoreExceptions()
        .until(
            () ->
                taskIds.stream()
                    .allMatch(
                        id ->
                            temporal.newUntypedWorkflowStub("task-" + id).describe().getStatus()
                                != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING));
  }
}
