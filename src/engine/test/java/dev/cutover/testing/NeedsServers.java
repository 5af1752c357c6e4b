package dev.cutover.testing;

import org.junit.jupiter.api.Tag;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test class that needs the throwaway PostgreSQL or Redis servers (or a window: TestFX), tagged
 * {@code servers}. {@code mvn test -Punit} leaves these out and runs the pure tests in seconds; a
 * test that starts a server without this mark fails there ({@link TestServers}), so the mark
 * cannot be forgotten silently.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Tag("servers")
public @interface NeedsServers {
}
