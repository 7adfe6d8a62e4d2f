-- Test-only: a migration that fails half-way. The first statement is DDL, which MariaDB
-- commits at once; the second fails, so the migration is left partly applied.
CREATE TABLE recall_note (id BIGINT AUTO_INCREMENT PRIMARY KEY, note TEXT NOT NULL) ENGINE=InnoDB;
ALTER TABLE no_such_table ADD COLUMN never INT;
