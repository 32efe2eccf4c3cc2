package io.algotask.adapters;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The adapters alone, wired as the apps wire them, for tests against the local stack. */
@SpringBootApplication
public class AdaptersTestApplication {}
