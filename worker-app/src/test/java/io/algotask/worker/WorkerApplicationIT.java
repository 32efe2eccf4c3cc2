package io.algotask.worker;

import io.algotask.adapters.testing.ActuatorHealth;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("it")
class WorkerApplicationIT {
  @LocalServerPort int port;
  @LocalManagementPort int managementPort;
  @Autowired HealthEndpointGroups healthGroups;

  @Test
  void startsAgainstTheLocalStackAndReportsEachServiceHealthy() throws Exception {
    ActuatorHealth.assertStackUp(managementPort);
  }

  @Test
  void theBusinessPortServesTheProbesAloneAndReadinessNeedsTheStack() throws Exception {
    ActuatorHealth.assertProbesAloneOnTheBusinessPort(port, managementPort);
    ActuatorHealth.assertProbeGroups(healthGroups);
  }
}
