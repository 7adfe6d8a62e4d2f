package dev.cusp.maintenance;

import dev.cusp.wire.DbmMethod;
import java.util.List;

/**
 * One database maintenance method: what it finds, how it fixes it, and whether that fix is safe
 * to run under replication.
 *
 * @param name            the name used on the command line ({@code fee-duplicate})
 * @param table           the table whose rows the check names
 * @param finds           what the check finds, in one sentence
 * @param fixes           what the fix does, in one sentence
 * @param replicationSafe true when the fix only updates or deletes rows by key to values that
 *                        follow from data every site agrees on
 * @param safety          why the fix is (or is not) safe under replication
 * @param checkSql        a SELECT whose only column {@code id} is the key of every row found
 * @param fixSql          statements run in one transaction, repeated (at most a few rounds)
 *                        until the check finds nothing; a fix that cannot get there is rolled back
 */
public record MaintenanceMethod(String name, String table, String finds, String fixes, boolean replicationSafe,
                                String safety, String checkSql, List<String> fixSql) {

    public MaintenanceMethod {
        fixSql = List.copyOf(fixSql);
    }

    /** The description the API and {@code cusp dbm list} show (no SQL). */
    public DbmMethod describe() {
        return new DbmMethod(name, table, finds, fixes, replicationSafe, safety);
    }
}
