package io.algotask.adapters.health;

import java.util.Map;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.web.server.ConditionalOnManagementPort;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The liveness and readiness probes on the business port, at the actuator's own paths, for load
 * balancers and Kubernetes that reach only that port. Status only: the details, and the rest of the
 * actuator, are on the management port ({@code management.server.port}).
 */
@RestController
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnManagementPort(ManagementPortType.DIFFERENT)
// the health endpoint exists only while exposed: an operator may narrow the exposure
@ConditionalOnAvailableEndpoint(endpoint = HealthEndpoint.class)
public class BusinessPortProbes {
  private final HealthEndpoint health;

  public BusinessPortProbes(HealthEndpoint health) {
    this.health = health;
  }

  @GetMapping(path = "/actuator/health/liveness", produces = "application/json")
  public ResponseEntity<Map<String, String>> liveness() {
    return probe("liveness");
  }

  @GetMapping(path = "/actuator/health/readiness", produces = "application/json")
  public ResponseEntity<Map<String, String>> readiness() {
    return probe("readiness");
  }

  private ResponseEntity<Map<String, String>> probe(String group) {
    var status = health.healthForPath(group).getStatus();
    return ResponseEntity.status(HttpCodeStatusMapper.DEFAULT.getStatusCode(status))
        .body(Map.of("status", status.getCode()));
  }
}
