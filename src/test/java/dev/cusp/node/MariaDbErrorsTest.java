package dev.cusp.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cusp.node.MariaDbErrors.BinlogCase;
import dev.cusp.node.MariaDbErrors.Conflict;
import dev.cusp.node.MariaDbErrors.Kind;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The one classifier of MariaDB error numbers. Before it, four places each had their own sets
 * and disagreed (one network set had 1158-1161, another not; the API's refused-account set
 * lacked 1227 and 1698, the links' lacked 1142 and 3118).
 */
class MariaDbErrorsTest {
    @Test
    void everyNamedNumberHasItsKind() {
        Map<Kind, List<Integer>> expected = Map.of(
                Kind.NETWORK, List.of(2002, 2003, 2005, 2006, 2013, 2026, 1158, 1159, 1160, 1161, 1053, 1927),
                Kind.CONFLICT, List.of(1032, 1062, 1644),
                Kind.PURGED_BINLOG, List.of(1236),
                Kind.MISSING_OBJECT, List.of(1146, 1049, 1051),
                Kind.AUTH, List.of(1045, 1044, 1142, 1227, 1698, 1862, 1820, 3118, 4151),
                Kind.RELAY_LOG, List.of(1594, 1595),
                Kind.LOCK, List.of(1205, 1213),
                Kind.READ_ONLY, List.of(1290, 1836),
                Kind.DISK_FULL, List.of(1021, 1114, 3));
        expected.forEach((kind, numbers) -> numbers.forEach(n ->
                assertThat(MariaDbErrors.kind(n)).as("error " + n).isEqualTo(kind)));
    }

    @Test
    void noErrorIsNoneAndAnUnknownNumberIsOther() {
        assertThat(MariaDbErrors.kind(0)).isEqualTo(Kind.NONE);
        for (int n : List.of(1, 1048, 1054, 1593, 1950, 1452, 1677, 1535, 1040, 1129, -1, 99999)) {
            assertThat(MariaDbErrors.kind(n)).as("error " + n).isEqualTo(Kind.OTHER);
        }
    }

    @Test
    void onlyTheConnectionsErrorsAreNetwork() {
        for (int n = -10; n < 5000; n++) {
            assertThat(MariaDbErrors.network(n)).as("error " + n).isEqualTo(MariaDbErrors.kind(n) == Kind.NETWORK);
        }
    }

    @Test
    void conflictsNameTheirCase() {
        assertThat(MariaDbErrors.conflict(1032)).isEqualTo(Conflict.ROW_NOT_FOUND);
        assertThat(MariaDbErrors.conflict(1062)).isEqualTo(Conflict.DUPLICATE_KEY);
        assertThat(MariaDbErrors.conflict(1644)).isEqualTo(Conflict.SIGNAL);
        assertThat(MariaDbErrors.conflict(1236)).isNull();
        assertThat(MariaDbErrors.conflict(0)).isNull();
    }

    @Test
    void statementsAreClassifiedByTheirVendorCodeNotTheirText() {
        SQLException dup = new SQLException("Lock wait timeout exceeded", "23000", 1062);
        assertThat(MariaDbErrors.duplicateKey(dup)).isTrue();
        assertThat(MariaDbErrors.kind(dup)).isEqualTo(Kind.CONFLICT);
        assertThat(MariaDbErrors.readOnly(new SQLException("x", "HY000", 1290))).isTrue();
        assertThat(MariaDbErrors.readOnly(new SQLException("read-only", "HY000", 1064))).isFalse();
        assertThat(MariaDbErrors.missingObject(new SQLException("x", "42S02", 1146))).isTrue();
        assertThat(MariaDbErrors.missingObject(new SQLException("x", "42000", 1049))).isTrue();
        assertThat(MariaDbErrors.kind(new SQLException("Deadlock found", "40001", 1213))).isEqualTo(Kind.LOCK);
    }

    @Test
    void the1236CasesAreWordedFromMariaDbsMessages() {
        assertThat(MariaDbErrors.binlogCase("Got fatal error 1236 from master when reading data from binary log:"
                + " 'Could not find GTID state requested by slave in any binlog files. Probably the slave state is"
                + " too old and required binlog files have been purged.'")).isEqualTo(BinlogCase.PURGED);
        assertThat(MariaDbErrors.binlogCase("Got fatal error 1236 from master when reading data from binary log:"
                + " 'Error: connecting slave requested to start from GTID 2-2-40, which is not in the master's"
                + " binlog'")).isEqualTo(BinlogCase.NOT_IN_SOURCE);
        assertThat(MariaDbErrors.binlogCase("Got fatal error 1236 from master when reading data from binary log:"
                + " 'log event entry exceeded max_allowed_packet; Increase max_allowed_packet on master'"))
                .isEqualTo(BinlogCase.TOO_LARGE);
        assertThat(MariaDbErrors.binlogCase("binlog truncated in the middle of event")).isEqualTo(BinlogCase.OTHER);
        assertThat(MariaDbErrors.binlogCase(null)).isEqualTo(BinlogCase.OTHER);
    }

    @Test
    void aMissingDatabaseIsFoundInTheErrorOrTheCauseAPoolGives() {
        assertThat(MariaDbErrors.databaseMissing(new SQLException("Unknown database 'od_x_1'", "42000", 1049))).isTrue();
        assertThat(MariaDbErrors.databaseMissing(new SQLException("No database selected", "3D000", 1046))).isTrue();
        // HikariCP's timeout names no number; the connection failure it gives as the cause does.
        assertThat(MariaDbErrors.databaseMissing(new java.sql.SQLTransientConnectionException("tenant-x -"
                + " Connection is not available", "08003", new SQLException("Unknown database", "42000", 1049))))
                .isTrue();
        assertThat(MariaDbErrors.databaseMissing(new SQLException("no such table", "42S02", 1146))).isFalse();
        assertThat(MariaDbErrors.databaseMissing(new SQLException("Access denied", "28000", 1045))).isFalse();
    }
}
