package dev.cusp.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * An integration test that must not run beside others: it reads or uses up what the whole
 * machine shares (free disk space, every core for a timed TLS scan). The build runs the other
 * integration tests in parallel JVMs, then these alone, in one JVM (pom.xml, failsafe "serial").
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("serial")
public @interface Serial {
}
