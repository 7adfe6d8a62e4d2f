package dev.cusp.arch;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The package structure the code follows, checked on the compiled classes: capability packages
 * free of cycles, and layers that only look down. The root package ({@code Cusp}, {@code Site})
 * wires everything and sits above all of them.
 */
class ArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.cusp");

    @Test
    void packagesHaveNoCycles() {
        slices().matching("dev.cusp.(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void layersOnlyLookDown() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("Wiring").definedBy("dev.cusp")
                .layer("Entry").definedBy("dev.cusp.cli..", "dev.cusp.api..")
                .layer("Domain").definedBy("dev.cusp.group..", "dev.cusp.check..", "dev.cusp.maintenance..",
                        "dev.cusp.update..", "dev.cusp.tenant..", "dev.cusp.practice..", "dev.cusp.query..",
                        "dev.cusp.conflict..", "dev.cusp.replication..", "dev.cusp.job..", "dev.cusp.version..",
                        "dev.cusp.sampledata..", "dev.cusp.survey..", "dev.cusp.document..")
                .layer("Infrastructure").definedBy("dev.cusp.node..", "dev.cusp.tls..", "dev.cusp.secret..",
                        "dev.cusp.site..")
                .layer("Wire").definedBy("dev.cusp.wire..")
                .layer("Base").definedBy("dev.cusp.base..", "dev.cusp.error..")
                // `cusp up` is the launcher: it starts the wired site in the foreground
                .whereLayer("Wiring").mayOnlyBeAccessedByLayers("Entry")
                .whereLayer("Entry").mayOnlyBeAccessedByLayers("Wiring")
                .whereLayer("Domain").mayOnlyBeAccessedByLayers("Wiring", "Entry")
                .whereLayer("Infrastructure").mayOnlyBeAccessedByLayers("Wiring", "Entry", "Domain")
                .whereLayer("Wire").mayOnlyBeAccessedByLayers("Wiring", "Entry", "Domain", "Infrastructure")
                .check(MAIN);
    }

    /** The wire messages are plain records that any side can read, so they may lean on nothing but base. */
    @Test
    void wireHoldsRecordsOnly() {
        classes().that().resideInAPackage("dev.cusp.wire..").and().doNotHaveSimpleName("package-info")
                .should().beRecords().check(MAIN);
        noClasses().that().resideInAPackage("dev.cusp.wire..")
                .should().dependOnClassesThat(resideInAPackage("dev.cusp..")
                        .and(not(resideInAnyPackage("dev.cusp.wire..", "dev.cusp.base.."))))
                .check(MAIN);
    }

    @Test
    void onlyTheLauncherStartsTheSite() {
        noClasses().that().resideOutsideOfPackages("dev.cusp", "dev.cusp.cli..")
                .should().dependOnClassesThat().resideInAPackage("dev.cusp")
                .check(MAIN);
    }
}
