package dev.cusp.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cusp.error.CuspException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The checker without a server: what it accepts, what it refuses and why. The server's side of
 * the same rules (that it reads the accepted text alike) is {@link QueryLexicalCorpusIT}.
 */
class QueryCheckerTest {
    static final String DB = "od_demo_7";
    final QueryChecker checker = new QueryChecker(DB, false, null);

    CheckedQuery ok(String sql) {
        return checker.check(sql);
    }

    void refused(String sql, String reason) {
        assertThatThrownBy(() -> checker.check(sql)).as(sql).isInstanceOf(CuspException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void theReviewsStatementIsReadAsTheServerReadsItUnderTheWindowsSqlMode() {
        // Under ANSI_QUOTES and NO_BACKSLASH_ESCAPES the server, like the parser, reads a name "a\"
        // and then one string: SLEEP is inside the string for both.
        CheckedQuery q = ok("SELECT \"a\\\", 'x\", SLEEP(3) # ' FROM patient");
        assertThat(q.sql()).isEqualTo("SELECT \"a\\\", 'x\", SLEEP(3) # ' FROM patient");
        assertThat(LexicalCheck.serverSpans(q.sql())).hasSize(2);
    }

    @Test
    void backslashIsAnOrdinaryCharacter() {
        assertThat(ok("SELECT 'it''s', 'C:\\dir\\' AS p").sql()).isEqualTo("SELECT 'it''s', 'C:\\dir\\' AS p");
        refused("SELECT 'it\\'s; DROP TABLE x'", "backslash is an ordinary character");
    }

    @Test
    void dialectQuotingTheServerReadsOtherwiseIsRefused() {
        refused("SELECT q'[', SLEEP(1), ']' FROM t", "cannot run this statement safely");
        refused("SELECT E'x' FROM t", "cannot run this statement safely");
        refused("SELECT $$a', SLEEP(1), 'b$$", "cannot run this statement safely");
        refused("SELECT [a] FROM t", "cannot run this statement safely");
        refused("SELECT {fn NOW()}", "cannot run this statement safely");
        refused("SELECT ?", "cannot run this statement safely");
        refused("SELECT :x", "cannot run this statement safely");
        refused("SELECT /*+ MAX_EXECUTION_TIME(1) */ 1", "hints");
    }

    @Test
    void commentsAreDroppedFromWhatRuns() {
        assertThat(ok("SELECT 1 --1, SLEEP(3)\n").sql()).isEqualTo("SELECT 1");
        assertThat(ok("SELECT 1 # , SLEEP(3)\n").sql()).isEqualTo("SELECT 1");
        assertThat(ok("SELECT 1 /* , SLEEP(3) */ AS x").sql()).isEqualTo("SELECT 1 AS x");
    }

    @Test
    void serverSpansFollowMariaDbsAnsiRules() {
        assertThat(LexicalCheck.serverSpans("SELECT 'a''b', \"c\"\"d\", `e``f`")).containsExactly(
                new LexicalCheck.Span(7, 13), new LexicalCheck.Span(15, 21), new LexicalCheck.Span(23, 29));
        assertThat(LexicalCheck.serverSpans("SELECT N'x', X'41', _utf8mb4'y'")).hasSize(3);
        assertThatThrownBy(() -> LexicalCheck.serverSpans("SELECT 'a")).hasMessageContaining("not closed");
        assertThatThrownBy(() -> LexicalCheck.serverSpans("SELECT 1 -- x")).hasMessageContaining("comment");
        assertThatThrownBy(() -> LexicalCheck.serverSpans("SELECT 1; SELECT 2")).hasMessageContaining("';'");
        assertThatThrownBy(() -> LexicalCheck.serverSpans("SELECT @x")).hasMessageContaining("'@'");
    }

    @Test
    void procedureAnalyseIsRefused() {
        refused("SELECT * FROM patient PROCEDURE ANALYSE()", "PROCEDURE ANALYSE");
        refused("SELECT id FROM patient PROCEDURE ANALYSE(10, 2000)", "PROCEDURE ANALYSE");
    }

    @Test
    void onlyAllowListedFunctionsRun() {
        ok("SELECT UPPER(last_name), COUNT(*), DATE_FORMAT(NOW(), '%Y'), JSON_OBJECT('a', 1) FROM patient");
        ok("SELECT ROW_NUMBER() OVER (ORDER BY id), LAG(id) OVER (ORDER BY id) FROM patient");
        ok("SELECT CAST(id AS CHAR), TRIM(last_name), GROUP_CONCAT(id SEPARATOR ',') FROM patient");
        refused("SELECT SLEEP(1)", "SLEEP() only holds a connection");
        refused("SELECT IS_USED_LOCK('x')", "named locks");
        refused("SELECT my_function(1)", "MY_FUNCTION() is not allowed");
        refused("SELECT " + DB + ".f(1)", "stored functions are not allowed");
        refused("SELECT PASSWORD('x')", "password hashes");
        refused("SELECT NTILE(2) OVER (ORDER BY id), SLEEP(1) OVER () FROM patient", "SLEEP()");
    }

    @Test
    void informationSchemaOnlyForTheCatalogue() {
        ok("SELECT table_name FROM information_schema.TABLES WHERE table_schema = '" + DB + "'");
        refused("SELECT * FROM information_schema.GLOBAL_VARIABLES", "information_schema");
        refused("SELECT * FROM \"information_schema\".\"PROCESSLIST\"", "information_schema");
        refused("SELECT * FROM `INFORMATION_SCHEMA`.`processlist`", "information_schema");
        refused("SELECT * FROM performance_schema.threads", "another database");
        refused("SELECT * FROM sys.processlist", "another database");
        refused("SELECT * FROM mysql.global_priv", "another database");
    }

    @Test
    void passwordHashesNeverLeaveTheWindow() {
        ok("SELECT id, user_name, is_admin FROM practice_user");
        ok("SELECT COUNT(*), COUNT(*) OVER () FROM practice_user");
        ok("SELECT p.* FROM patient p");
        refused("SELECT * FROM practice_user", "password hashes");
        refused("SELECT u.* FROM practice_user u", "password hashes");
        refused("SELECT password_hash FROM practice_user", "password hashes");
        refused("SELECT `password_hash` FROM " + DB + ".`practice_user`", "password hashes");
        refused("SELECT \"PASSWORD_HASH\" FROM practice_user", "password hashes");
        refused("SELECT id FROM practice_user WHERE password_hash LIKE '$2%'", "password hashes");
        refused("SELECT x.h FROM (SELECT password_hash AS h FROM practice_user) x", "password hashes");
        refused("WITH c AS (SELECT * FROM practice_user) SELECT id FROM c", "password hashes");
        refused("SELECT 1 FROM patient WHERE EXISTS (SELECT 1 FROM practice_user u WHERE u.password_hash > '')",
                "password hashes");
        refused("SELECT image FROM row_tombstone", "password hashes");
        refused("SELECT JSON_VALUE(local_image, '$.password_hash') FROM conflict_log", "password hashes");
        refused("SELECT * FROM conflict_log", "password hashes");
    }

    @Test
    void showGrantsHidesThePasswordHash() {
        assertThat(QueryRunner.withoutPasswordHash("GRANT USAGE ON *.* TO `od_x_1`@`%` IDENTIFIED BY PASSWORD"
                + " '*D821809F681A40A6E379B50D0463EFAE20BDD122' REQUIRE SSL")).isEqualTo("GRANT USAGE ON *.* TO"
                + " `od_x_1`@`%` IDENTIFIED BY PASSWORD '<password hash hidden>' REQUIRE SSL");
        assertThat(QueryRunner.withoutPasswordHash("GRANT USAGE ON *.* TO `u`@`%` IDENTIFIED VIA ed25519 USING"
                + " 'abc' OR unix_socket")).doesNotContain("abc");
        assertThat(QueryRunner.withoutPasswordHash("GRANT ALL PRIVILEGES ON `od\\_x\\_1`.* TO `od_x_1`@`%`"))
                .isEqualTo("GRANT ALL PRIVILEGES ON `od\\_x\\_1`.* TO `od_x_1`@`%`");
    }

    @Test
    void longCellsAreCutWithoutDecodingThemWhole() throws Exception {
        String big = "é".repeat(10_000);
        String cut = ResultCells.text(new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8)));
        assertThat(cut).startsWith("é".repeat(ResultCells.MAX_CELL_CHARS)).endsWith("... (20000 bytes)");
        assertThat(ResultCells.text(new ByteArrayInputStream("short".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo("short");
        assertThat(ResultCells.binary(new ByteArrayInputStream(new byte[5000]))).endsWith("... (5000 bytes)");
        assertThat(ResultCells.jsonSize("a\"b\u0001")).isEqualTo(2 + 1 + 6 + 1 + 6);
    }
}
