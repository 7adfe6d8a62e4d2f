package dev.cusp.cli;

import picocli.CommandLine.Command;

/** {@code cusp tenant ...}: the hosted practices. */
@Command(name = "tenant", mixinStandardHelpOptions = true, description = "Create, list, back up, suspend and drop hosted practices.",
        subcommands = {TenantCreate.class, TenantList.class, TenantShow.class, TenantBackup.class, TenantRestore.class,
            TenantSuspend.class, TenantResume.class, TenantDrop.class, TenantSeedData.class, TenantUpdate.class,
            TenantImportDocuments.class, TenantExportDocuments.class})
public final class TenantCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "say what to do: create, list, show, backup, suspend, resume, drop or seed-data");
    }
}
