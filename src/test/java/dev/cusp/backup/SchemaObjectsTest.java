package dev.cusp.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The head of a recorded definition is rebuilt with the practice's own user as definer; one
 * that names another database (even behind a comment), hides a definer in a comment, or is of
 * another kind or name than recorded is refused before anything runs.
 */
class SchemaObjectsTest {
    @Test
    void aDefinitionQualifiedWithAnotherDatabaseOrOfAnotherShapeIsRefused() {
        String b = "backup 20261203-000000 of p";
        String made = SchemaObjects.withDefiner(b, new SchemaObjects.Definition("view", "v", null, null,
                "CREATE ALGORITHM=UNDEFINED DEFINER=`a``b`@`%` SQL SECURITY DEFINER VIEW `v` AS select 1 AS `1`"),
                "od_p_1");
        assertThat(made).isEqualTo("CREATE ALGORITHM=UNDEFINED DEFINER=`od_p_1`@`127.0.0.1` SQL SECURITY DEFINER"
                + " VIEW `v` AS select 1 AS `1`");
        for (SchemaObjects.Definition bad : List.of(
                new SchemaObjects.Definition("view", "v", null, null,
                        "CREATE DEFINER=`od_p_1`@`localhost` VIEW `od_q_2`.`v` AS select 1"),
                new SchemaObjects.Definition("view", "od_q_2", null, null,
                        "CREATE DEFINER=`od_p_1`@`localhost` VIEW `od_q_2`/**/.`v` AS select 1"),
                new SchemaObjects.Definition("view", "v", null, null,
                        "CREATE /*!DEFINER=`cusp_admin`@`localhost`*/ VIEW `v` AS select 1"),
                new SchemaObjects.Definition("view", "v", null, null,
                        "CREATE DEFINER=`od_p_1`@`localhost` PROCEDURE `v`() select 1"),
                new SchemaObjects.Definition("function", "f", "", null,
                        "CREATE DEFINER=`od_p_1`@`localhost` FUNCTION `g`() RETURNS int RETURN 1"),
                new SchemaObjects.Definition("procedure", "p", "", null,
                        "GRANT ALL ON *.* TO `od_p_1`@`localhost`"))) {
            assertThatThrownBy(() -> SchemaObjects.withDefiner(b, bad, "od_p_1")).as(bad.create())
                    .hasMessageContaining("not one this site makes");
        }
    }

    @Test
    void routineAndEventHeadsAsShowCreatePrintsThemAreRebuilt() {
        String b = "backup 20261203-000000 of p";
        assertThat(SchemaObjects.withDefiner(b, new SchemaObjects.Definition("function", "shout", "", null,
                "CREATE DEFINER=`cusp_admin`@`localhost` FUNCTION `shout`(x VARCHAR(40)) RETURNS varchar(50)\n"
                        + "    SQL SECURITY INVOKER\nRETURN UPPER(x)"), "od_p_1"))
                .isEqualTo("CREATE DEFINER=`od_p_1`@`localhost` FUNCTION `shout`(x VARCHAR(40)) RETURNS varchar(50)\n"
                        + "    SQL SECURITY INVOKER\nRETURN UPPER(x)");
        assertThat(SchemaObjects.withDefiner(b, new SchemaObjects.Definition("event", "ev", "", "SYSTEM",
                "CREATE DEFINER=`od_q_2`@`127.0.0.1` EVENT `ev` ON SCHEDULE EVERY 1 DAY STARTS '2026-12-03 15:37:45'"
                        + " ON COMPLETION NOT PRESERVE ENABLE DO DELETE FROM t"), "od_p_1"))
                .startsWith("CREATE DEFINER=`od_p_1`@`127.0.0.1` EVENT `ev` ON SCHEDULE");
    }
}
