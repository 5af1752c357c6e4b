package dev.cutover;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static com.tngtech.archunit.base.DescribedPredicate.alwaysTrue;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** Holds the layer boundaries: the engine knows nothing of JavaFX; only the console and the commands talk to people. */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void load() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.cutover");
    }

    @Test
    void engineNeverImportsJavaFx() {
        noClasses().that().resideOutsideOfPackage("dev.cutover.ui..")
                .should().dependOnClassesThat().resideInAnyPackage("javafx..", "org.controlsfx..", "org.jfree.chart.fx..")
                .because("the engine (plan, pg, sql, check, backfill, verify, control, route, cli) must run without JavaFX")
                .check(classes);
    }

    @Test
    void engineDoesNotDependOnTheConsole() {
        noClasses().that().resideOutsideOfPackage("dev.cutover.ui..")
                .should().dependOnClassesThat().resideInAPackage("dev.cutover.ui..")
                .check(classes);
    }

    /** The engine: everything below the command line, the console and the sample. */
    private static final String[] ENGINE = {"dev.cutover.plan..", "dev.cutover.pg..", "dev.cutover.sql..",
        "dev.cutover.io..", "dev.cutover.check..", "dev.cutover.sync..", "dev.cutover.work..", "dev.cutover.backfill..",
        "dev.cutover.verify..", "dev.cutover.control..", "dev.cutover.route.."};

    @Test
    void onlyTheCommandLineTheConsoleAndTheSampleTalkToPeople() {
        noClasses().that().resideOutsideOfPackages("dev.cutover.cli..", "dev.cutover.ui..", "dev.cutover.demo..")
                .and().doNotHaveFullyQualifiedName("dev.cutover.Main")
                .and().doNotHaveFullyQualifiedName("dev.cutover.Logging")
                .should().accessField(System.class, "out").orShould().accessField(System.class, "err")
                .because("only the command line and the console talk to people; the engine logs")
                .check(classes);
    }

    /**
     * A console class loaded by name ({@code Class.forName("dev.cutover.ui.…")}) is a dependency on
     * the console that {@link #engineDoesNotDependOnTheConsole} cannot see: the class file of a
     * class that calls {@code Class.forName} must hold no string naming a class of {@code dev.cutover.ui}.
     */
    @Test
    @Disabled("the lead replaces it with ServiceLoader in the module split (today Main and demo.DemoCommand load ui.ConsoleApp by name)")
    void nothingLoadsAConsoleClassByName() {
        noClasses().that().resideOutsideOfPackage("dev.cutover.ui..")
                .should(loadAConsoleClassByName())
                .because("a front end is found through ServiceLoader or the module layout, not by a class name in a string")
                .check(classes);
    }

    private static ArchCondition<JavaClass> loadAConsoleClassByName() {
        return new ArchCondition<>("call Class.forName with a dev.cutover.ui class name") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                boolean forName = c.getMethodCallsFromSelf().stream().anyMatch(call -> call.getTargetOwner().isEquivalentTo(Class.class)
                        && call.getName().equals("forName"));
                if (forName && holdsText(c, "dev.cutover.ui.")) {
                    events.add(SimpleConditionEvent.satisfied(c, c.getName() + " calls Class.forName and names a class of dev.cutover.ui"));
                }
            }
        };
    }

    /** True when the class file's constant pool holds {@code text} (string literals keep their dots; class references use slashes). */
    private static boolean holdsText(JavaClass c, String text) {
        try (InputStream in = c.getSource().orElseThrow().getUri().toURL().openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).contains(text);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the class file of " + c.getName(), e);
        }
    }

    @Test
    void theEngineKnowsNothingOfItsFrontEnds() {
        noClasses().that().resideInAnyPackage(ENGINE)
                .should().dependOnClassesThat().resideInAnyPackage("dev.cutover.cli..", "dev.cutover.ui..", "dev.cutover.demo..")
                .orShould().dependOnClassesThat().resideInAPackage("dev.cutover")
                .because("the command line, the console and the demo are front ends over the engine, never below it")
                .check(classes);
    }

    @Test
    void theRouterDependsOnlyOnWhatAnApplicationCanEmbed() {
        classes().that().resideInAPackage("dev.cutover.route..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(
                        "dev.cutover.route..", "dev.cutover.plan..", "dev.cutover.pg..", "dev.cutover.sql..",
                        "dev.cutover.sync..", "dev.cutover.control..", "dev.cutover.io..",
                        "java..", "javax.sql..", "org.slf4j..", "com.fasterxml.jackson..", "io.lettuce..",
                        "org.postgresql..", "reactor..")
                .because("the router runs inside the application: no console, command line, logging backend or job engine")
                .check(classes);
    }

    @Test
    void theEnginePackagesHaveNoCycles() {
        slices().matching("dev.cutover.(*)..").that(alwaysTrue())
                .should().beFreeOfCycles()
                .ignoreDependency(resideInAPackage("dev.cutover.cli.."), alwaysTrue())
                .ignoreDependency(resideInAPackage("dev.cutover.demo.."), alwaysTrue())
                .ignoreDependency(resideInAPackage("dev.cutover.ui.."), alwaysTrue())
                .because("the engine's packages form layers (docs/architecture.md); the front ends' own cycles are tracked apart")
                .check(classes);
    }
}
