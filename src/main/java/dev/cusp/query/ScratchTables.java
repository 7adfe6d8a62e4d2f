package dev.cusp.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.drop.Drop;

/**
 * Scratch tables at a report replica are temporary tables: MariaDB's {@code read_only} lets a
 * user without READ ONLY ADMIN create and change temporary tables, and nothing else. So
 * {@code CREATE TABLE} runs as {@code CREATE TEMPORARY TABLE} and {@code DROP TABLE} as
 * {@code DROP TEMPORARY TABLE}, which can never drop a real table even if one had the name.
 */
final class ScratchTables {
    /** Table options a scratch table may have; anything else (DATA DIRECTORY, CONNECTION...) is refused. */
    private static final Set<String> ENGINES = Set.of("INNODB", "MEMORY", "ARIA", "MYISAM");

    private ScratchTables() {
    }

    static void checkOptions(CreateTable ct) {
        List<String> opts = new ArrayList<>();
        if (ct.getTableOptionsStrings() != null) {
            opts.addAll(ct.getTableOptionsStrings());
        }
        String all = String.join(" ", opts).toUpperCase(Locale.ROOT);
        for (String bad : List.of("DIRECTORY", "CONNECTION", "UNION", "ENCRYPT", "TABLESPACE")) {
            if (all.contains(bad)) {
                throw QueryChecker.refuse("table option " + bad + " is not allowed for a scratch table");
            }
        }
        for (int i = 0; i < opts.size(); i++) {
            if (opts.get(i).equalsIgnoreCase("ENGINE")) {
                int v = i + 1 < opts.size() && opts.get(i + 1).equals("=") ? i + 2 : i + 1;
                String engine = v < opts.size() ? opts.get(v).toUpperCase(Locale.ROOT) : "";
                if (!ENGINES.contains(engine)) {
                    throw QueryChecker.refuse("ENGINE=" + engine + " is not allowed for a scratch table; use one of "
                            + ENGINES.stream().sorted().collect(Collectors.joining(", ")));
                }
            }
        }
    }

    /** The CREATE statement as a CREATE TEMPORARY TABLE. */
    static String temporary(CreateTable ct) {
        List<String> create = ct.getCreateOptionsStrings() == null ? new ArrayList<>()
                : new ArrayList<>(ct.getCreateOptionsStrings());
        if (create.stream().noneMatch(o -> o.equalsIgnoreCase("TEMPORARY"))) {
            create.add(0, "TEMPORARY");
            ct.setCreateOptionsStrings(create);
        }
        return ct.toString();
    }

    /** The DROP statement as a DROP TEMPORARY TABLE. */
    static String dropTemporary(Drop drop) {
        return "DROP TEMPORARY TABLE " + (drop.isIfExists() ? "IF EXISTS " : "")
                + drop.getNames().stream().map(Table::getFullyQualifiedName).collect(Collectors.joining(", "));
    }
}
