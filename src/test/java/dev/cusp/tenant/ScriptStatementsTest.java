package dev.cusp.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The statement splitter of the schema scripts ({@link FreshSchema#statements}), as the mariadb client splits a file. */
class ScriptStatementsTest {
    @Test
    void eachStatementEndsWithTheDelimiterAtTheEndOfALine() throws Exception {
        assertThat(FreshSchema.statements("""
                CREATE TABLE a (x INT);
                INSERT INTO a VALUES (1),
                  (2);
                SELECT ';' FROM a; SELECT 1;
                """)).containsExactly("CREATE TABLE a (x INT)", "INSERT INTO a VALUES (1),\n  (2)",
                "SELECT ';' FROM a; SELECT 1");
    }

    @Test
    void commentLinesBetweenStatementsAreLeftOutThoseInsideKept() throws Exception {
        assertThat(FreshSchema.statements("""
                -- the first table
                
                CREATE TABLE a (
                  -- its key
                  x INT
                );
                -- trailing remark;
                """)).containsExactly("CREATE TABLE a (\n  -- its key\n  x INT\n)");
    }

    @Test
    void aDelimiterLineChangesTheDelimiterSoATriggerBodyKeepsItsSemicolons() throws Exception {
        assertThat(FreshSchema.statements("""
                DELIMITER //
                CREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW BEGIN
                  SET NEW.x = 1;
                  SET NEW.y = 2;
                END//
                delimiter ;
                SELECT 1;
                """)).containsExactly("CREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW BEGIN\n  SET NEW.x = 1;\n"
                + "  SET NEW.y = 2;\nEND", "SELECT 1");
    }

    @Test
    void anEmptyStatementIsDroppedAndAnUnfinishedOneRefused() throws Exception {
        assertThat(FreshSchema.statements(";\n\n")).isEmpty();
        assertThat(FreshSchema.statements("")).isEmpty();
        assertThatThrownBy(() -> FreshSchema.statements("SELECT 1;\nSELECT 2\n"))
                .hasMessageContaining("a script ends inside a statement: SELECT 2");
    }
}
