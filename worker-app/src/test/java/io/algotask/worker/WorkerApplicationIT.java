package io.algotask.worker;

import io.algotask.adapters.testing.ActuatorHealth;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("it")
class WorkerApplicationIT {
  @LocalServerPort int port;

  @Test
  void startsAgainstTheLocalStackAndReportsEachServiceHealthy() throws Exception {
    ActuatorHealth.assertStackUp(port);
  }
}
