package dev.cutover;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
        "dev.cutover.verify..", "dev.cutover.control..", "dev.cutover.route..", "dev.cutover.app.."};

    @Test
    void theApplicationLayerIsTheEnginesTop() {
        noClasses().that().resideInAnyPackage(java.util.Arrays.stream(ENGINE).filter(p -> !p.equals("dev.cutover.app..")).toArray(String[]::new))
                .should().dependOnClassesThat().resideInAPackage("dev.cutover.app..")
                .because("dev.cutover.app holds the workflows the command line and the console both call; the engine below it never calls up")
                .check(classes);
    }

    @Test
    void onlyTheCommandLineTheConsoleAndTheSampleTalkToPeople() {
        noClasses().that().resideOutsideOfPackages("dev.cutover.cli..", "dev.cutover.ui..", "dev.cutover.demo..")
                .and().doNotHaveFullyQualifiedName("dev.cutover.Main")
                .and().doNotHaveFullyQualifiedName("dev.cutover.Logging")
                .should().accessField(System.class, "out").orShould().accessField(System.class, "err")
                .because("only the command line and the console talk to people; the engine logs")
                .check(classes);
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
