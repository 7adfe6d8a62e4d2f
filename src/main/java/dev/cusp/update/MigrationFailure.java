package dev.cusp.update;

import dev.cusp.tenant.Tenant;
import java.util.List;

/** The explanation of a migration that failed part-way: what ran, what is left, what to do. */
final class MigrationFailure {
    private MigrationFailure() {
    }

    static String explain(Tenant t, RuntimeException e, SchemaState after, List<String> done, List<Tenant> untouched) {
        String failed = after.failed().isEmpty() ? "a migration" : "migration " + String.join(", ", after.failed());
        StringBuilder sb = new StringBuilder("update stopped: tenant ").append(t.name()).append(", ").append(failed)
                .append(" failed: ").append(reason(e)).append(". MariaDB cannot roll back DDL: the statements of that")
                .append(" migration before the failing one stay applied (and replicated), and the tenant's")
                .append(" flyway_schema_history records it as failed; the tenant is at V").append(after.version())
                .append(" plus that partial change, held (status 'updating', practice requests refused).");
        sb.append(done.isEmpty() ? " No tenant was migrated before it." : " Migrated before it: " + done + ".");
        sb.append(untouched.isEmpty() ? "" : " Not started, serving unchanged: "
                + untouched.stream().map(Tenant::name).toList() + ".");
        sb.append(" To go back: restore ").append(t.dbName()).append(" from its backup at the update site (copy the")
                .append(" backup database's tables back with the binary log on, so the restore replicates), then 'cusp")
                .append(" tenant resume ").append(t.name()).append("'; or fix the migration, delete its failed row from")
                .append(" flyway_schema_history and run 'cusp tenant update ").append(t.name()).append("'.");
        return sb.toString();
    }

    /** Flyway's message boiled down to the database's own words. */
    static String reason(Throwable e) {
        String m = String.valueOf(e.getMessage());
        for (String line : m.split("\n")) {
            String l = line.trim();
            if (l.startsWith("Detected failed migration")) {
                return "Flyway refused to run: " + l;
            }
            if (l.startsWith("Message") && l.contains(":")) {
                return l.substring(l.indexOf(':') + 1).trim();
            }
        }
        String first = m.lines().findFirst().orElse(m).trim();
        return first.length() > 300 ? first.substring(0, 300) : first;
    }
}
