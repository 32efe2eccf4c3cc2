package io.algotask.activities;

import io.algotask.adapters.AdaptersTestApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Import;

/**
 * The activity implementations on the adapters, wired as worker-app wires them, for tests against
 * the local stack; without a Temporal worker: each test runs its activities itself.
 */
@SpringBootConfiguration
@ComponentScan
@Import(AdaptersTestApplication.class)
class ActivitiesTestApplication {}
