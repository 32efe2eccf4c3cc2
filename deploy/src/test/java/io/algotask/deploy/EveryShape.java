package io.algotask.deploy;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A check run on the chart rendered with each shape: its default values ("") and each example
 * values file.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "values {0}")
@ValueSource(strings = {"", HelmChartTest.CLOUD, HelmChartTest.SELF_HOSTED})
@interface EveryShape {}
