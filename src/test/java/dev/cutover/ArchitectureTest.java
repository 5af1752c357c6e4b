package dev.cutover;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

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

    @Test
    void engineLogsInsteadOfPrinting() {
        noClasses().that().resideInAnyPackage("dev.cutover.plan..", "dev.cutover.pg..", "dev.cutover.sql..",
                        "dev.cutover.check..", "dev.cutover.backfill..", "dev.cutover.verify..", "dev.cutover.control..",
                        "dev.cutover.route..")
                .should().accessField(System.class, "out").orShould().accessField(System.class, "err")
                .because("only the command line and the console talk to people; the engine logs")
                .check(classes);
    }
}
