package dev.cusp.query;

/** What a checked statement does, which decides where and how it may run. */
public enum QueryKind {
    /** SELECT (joins, subqueries, CTEs, UNION), SHOW TABLES/COLUMNS, DESCRIBE: runs anywhere. */
    READ,
    /** CREATE/DROP TABLE, INSERT, UPDATE, DELETE on the scratch database: only at a report replica. */
    SCRATCH_WRITE
}
