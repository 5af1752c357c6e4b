package dev.cutover;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** Holds the layer boundaries: the engine knows nothing of JavaFX; only the console and the commands talk to people. */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void load() {
        // the modules' jars (target/classes in the reactor), not their test classes or test jars (-tests.jar)
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("dev.cutover");
    }

    @Test
    void engineNeverImportsJavaFx() {
        noClasses().that().resideOutsideOfPackage("dev.cutover.ui..")
                .should().dependOnClassesThat().resideInAnyPackage("javafx..", "org.controlsfx..", "org.jfree.chart.fx..")
                .because("the engine, the router and the command line must run without JavaFX")
                .check(classes);
    }

    @Test
    void engineDoesNotDependOnTheConsole() {
        noClasses().that().resideOutsideOfPackage("dev.cutover.ui..")
                .should().dependOnClassesThat().resideInAPackage("dev.cutover.ui..")
                .check(classes);
    }

    /** The engine module: everything below the router, the command line, the console and the sample. */
    private static final String[] ENGINE_MODULE = {"dev.cutover.plan..", "dev.cutover.pg..", "dev.cutover.sql..",
        "dev.cutover.io..", "dev.cutover.check..", "dev.cutover.sync..", "dev.cutover.work..", "dev.cutover.backfill..",
        "dev.cutover.verify..", "dev.cutover.control..", "dev.cutover.app..", "dev.cutover.capture.."};
    /** The engine and the router: what an application or a front end builds on. */
    private static final String[] ENGINE = concat(ENGINE_MODULE, "dev.cutover.route..");

    private static String[] concat(String[] a, String b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + 1);
        r[a.length] = b;
        return r;
    }

    /**
     * The modules' order (docs/architecture.md, "Modules"): each may use only those below it. Maven
     * holds it too (a module cannot import what is not its dependency); this says it in one place
     * and keeps it true for classes that share a module.
     */
    @Test
    void theModulesFormLayers() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("local").definedBy("dev.cutover.local..")
                .layer("engine").definedBy(ENGINE_MODULE)
                .layer("router").definedBy("dev.cutover.route..")
                .layer("command line").definedBy("dev.cutover.cli..", "dev.cutover")
                .layer("console").definedBy("dev.cutover.ui..")
                .layer("demo").definedBy("dev.cutover.demo..")
                .whereLayer("demo").mayNotBeAccessedByAnyLayer()
                .whereLayer("console").mayNotBeAccessedByAnyLayer()
                .whereLayer("command line").mayOnlyBeAccessedByLayers("console", "demo")
                .whereLayer("router").mayOnlyBeAccessedByLayers("console", "demo")
                .whereLayer("local").mayOnlyBeAccessedByLayers("demo")
                .because("the router and the engine are libraries; the command line, the console and the demo are front ends over them")
                .check(classes);
    }

    @Test
    void theApplicationLayerIsTheEnginesTop() {
        noClasses().that().resideInAnyPackage(java.util.Arrays.stream(ENGINE).filter(p -> !p.equals("dev.cutover.app..")).toArray(String[]::new))
                .should().dependOnClassesThat().resideInAPackage("dev.cutover.app..")
                .because("dev.cutover.app holds the workflows the command line and the console both call; the engine below it never calls up")
                .check(classes);
    }

    /** The console and the demo's commands are found with ServiceLoader, not loaded by a name in a string. */
    @Test
    void nothingLoadsAClassByName() {
        noClasses().should().callMethod(Class.class, "forName", String.class)
                .orShould().callMethod(Class.class, "forName", String.class, boolean.class, ClassLoader.class)
                .because("a class named in a string escapes the compiler and these rules: use ServiceLoader (cli.ConsoleFrontEnd, cli.MoreCommands)")
                .check(classes);
    }

    @Test
    void onlyTheCommandLineTheConsoleAndTheSampleTalkToPeople() {
        noClasses().that().resideOutsideOfPackages("dev.cutover.cli..", "dev.cutover.ui..", "dev.cutover.demo..")
                .and().doNotHaveFullyQualifiedName("dev.cutover.Main")
                .and().doNotHaveFullyQualifiedName("dev.cutover.cli.Logging")
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
    void thePackagesHaveNoCycles() {
        slices().matching("dev.cutover.(*)..").should().beFreeOfCycles()
                .because("the packages form layers (docs/architecture.md), front ends included")
                .check(classes);
    }
}
