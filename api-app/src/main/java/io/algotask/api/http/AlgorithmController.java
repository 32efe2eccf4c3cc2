package io.algotask.api.http;

import io.algotask.adapters.registry.AlgorithmChange;
import io.algotask.adapters.registry.AlgorithmRegistry;
import io.algotask.adapters.registry.AlgorithmSettings;
import io.algotask.adapters.slots.SlotSemaphore;
import io.algotask.api.access.Operator;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The live algorithm registry, for operators (contract section 5). */
@RestController
@RequestMapping(path = "/v1/algorithms", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "algorithms", description = "The algorithm registry, for operators")
@SecurityRequirement(name = OpenApiConfiguration.OPERATOR_TOKEN)
@ApiResponse(responseCode = "401", description = "Not the operator token.")
public class AlgorithmController {

  /**
   * An algorithm as operators see it.
   *
   * @param adaptive whether the limit adapts to the algorithm's answers, between minConcurrency and
   *     maxConcurrency
   * @param adaptiveWindowSeconds the length of one decrease episode, and the calm after a
   *     congestion signal before the limit rises
   * @param effectiveLimit the limit the shared semaphore applies now (an adaptive one as it is)
   * @param slotsInUse tasks holding a slot now, across all workers
   * @param tasksWaiting tasks waiting for a slot now
   * @param tenantWeights the weights of tenants in the fair share of the slots (absent: 1)
   */
  public record AlgorithmView(
      String name,
      URI endpoint,
      URI cancelEndpoint,
      int maxConcurrency,
      long queueTimeoutSeconds,
      long executionTimeoutSeconds,
      int maxAttempts,
      boolean adaptive,
      int minConcurrency,
      long adaptiveWindowSeconds,
      int effectiveLimit,
      long slotsInUse,
      long tasksWaiting,
      Map<String, Integer> tenantWeights) {}

  private final AlgorithmRegistry registry;
  private final SlotSemaphore semaphore;

  AlgorithmController(AlgorithmRegistry registry, SlotSemaphore semaphore) {
    this.registry = registry;
    this.semaphore = semaphore;
  }

  @GetMapping
  @Operation(
      operationId = "listAlgorithms",
      summary = "List the algorithms, with their limits and slots now")
  @ApiResponse(responseCode = "200", description = "Every registered algorithm.")
  List<AlgorithmView> all(Operator operator) {
    return registry.all().stream().map(this::view).toList();
  }

  /**
   * Registers an algorithm or changes it; the fields given replace those stored. A new limit is
   * applied to the semaphore before this answers: a raise has already handed slots to waiting
   * tasks.
   */
  @PutMapping(path = "/{name}", consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      operationId = "putAlgorithm",
      summary = "Register or change an algorithm",
      description =
          "The fields given replace those stored, the others stay; a new algorithm needs endpoint"
              + " and maxConcurrency. Takes effect at once.",
      requestBody =
          @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      schema = @Schema(implementation = AlgorithmChange.class))))
  @ApiResponse(responseCode = "200", description = "The algorithm as registered now.")
  @ApiResponse(
      responseCode = "400",
      description = "A rule is broken (`field` names the first), or a new algorithm lacks a field.")
  @ApiResponse(
      responseCode = "413",
      description = "CONTENT_TOO_LARGE: the body is over 16 KiB; none of it past that is read.")
  AlgorithmView register(
      Operator operator, @PathVariable String name, @RequestBody AlgorithmChange change) {
    return view(registry.register(name, change));
  }

  private AlgorithmView view(AlgorithmSettings algorithm) {
    var name = algorithm.name();
    return new AlgorithmView(
        name,
        algorithm.endpoint(),
        algorithm.cancelEndpoint(),
        algorithm.maxConcurrency(),
        algorithm.queueTimeout().toSeconds(),
        algorithm.executionTimeout().toSeconds(),
        algorithm.maxAttempts(),
        algorithm.adaptive(),
        algorithm.minConcurrency(),
        algorithm.adaptiveWindow().toSeconds(),
        semaphore.limit(name).orElse(algorithm.maxConcurrency()),
        semaphore.holders(name),
        semaphore.waiters(name),
        algorithm.tenantWeights());
  }
}
