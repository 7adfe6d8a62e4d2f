package dev.cusp.backup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The practice's own database name in its code is rewritten to the database the code is made in:
 * as a whole identifier only, quoted or not; never a longer name that starts with it (another
 * practice's), a table or column of that name, a variable, a string or a comment.
 */
class DatabaseRenameTest {
    private static final String MODE = "STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION";

    @Test
    void unquotedAndBackquotedWholeNamesAreRewritten() {
        assertThat(DatabaseRename.rename("RETURN (SELECT COUNT(*) FROM od_acme_12.patient)", "od_acme_12",
                "od_new_52", MODE)).isEqualTo("RETURN (SELECT COUNT(*) FROM od_new_52.patient)");
        assertThat(DatabaseRename.rename("INSERT INTO `od_acme_12`.`log` SELECT id FROM `od_acme_12` . patient",
                "od_acme_12", "od_new_52", MODE))
                .isEqualTo("INSERT INTO `od_new_52`.`log` SELECT id FROM `od_new_52` . patient");
        assertThat(DatabaseRename.rename("CALL OD_ACME_12.p(1)", "od_acme_12", "drill_0a1b", MODE))
                .isEqualTo("CALL drill_0a1b.p(1)");
    }

    @Test
    void aLongerNameStartingWithTheSameTextIsLeftAlone() {
        String other = "SELECT a FROM od_acme_123.patient JOIN `od_acme_123`.x JOIN od_acme_12x.y JOIN x_od_acme_12.z";
        assertThat(DatabaseRename.rename(other, "od_acme_12", "od_new_52", MODE)).isEqualTo(other);
        // Nor does the new name ever run on into a neighbour: a whole name in, a whole name out.
        assertThat(DatabaseRename.rename("od_acme_12.a,od_acme_12.b", "od_acme_12", "od_new_5", MODE))
                .isEqualTo("od_new_5.a,od_new_5.b");
    }

    @Test
    void tablesColumnsVariablesStringsAndCommentsOfThatNameAreLeftAlone() {
        String sql = "BEGIN SET @od_acme_12 = 'od_acme_12.patient'; -- od_acme_12.patient\n"
                + "# od_acme_12.x\nSELECT t.od_acme_12, \"od_acme_12\" /* od_acme_12.p */ FROM t; END";
        assertThat(DatabaseRename.rename(sql, "od_acme_12", "od_new_52", MODE)).isEqualTo(sql);
        // Under ANSI_QUOTES a double-quoted word is a name; a backslash does not end a string.
        assertThat(DatabaseRename.rename("SELECT 'it\\'s od_acme_12.p', \"od_acme_12\".p", "od_acme_12", "od_new_52",
                "ANSI_QUOTES")).isEqualTo("SELECT 'it\\'s od_acme_12.p', \"od_new_52\".p");
        // Code MariaDB runs inside a versioned comment is code.
        assertThat(DatabaseRename.rename("SELECT /*!50100 od_acme_12.f() */", "od_acme_12", "od_new_52", MODE))
                .isEqualTo("SELECT /*!50100 od_new_52.f() */");
    }

    @Test
    void aTriggersHeadLosesItsOwnDatabaseAndItsBodyNamesTheNewOne() {
        String create = "CREATE DEFINER=`od_acme_12`@`127.0.0.1` TRIGGER od_acme_12.t1 BEFORE INSERT ON"
                + " `od_acme_12`.`patient` FOR EACH ROW INSERT INTO od_acme_12.log SELECT COUNT(*) FROM od_acme_123.x";
        assertThat(DatabaseRename.trigger(create, "od_acme_12", "od_new_52", MODE))
                .isEqualTo("CREATE DEFINER=`od_acme_12`@`127.0.0.1` TRIGGER t1 BEFORE INSERT ON"
                        + " `patient` FOR EACH ROW INSERT INTO od_new_52.log SELECT COUNT(*) FROM od_acme_123.x");
        // Another database in the head stays (the restore then refuses it); so does a trigger named like the database.
        String other = "CREATE DEFINER=`u`@`h` TRIGGER od_acme_12 BEFORE INSERT ON od_acme_123.patient FOR EACH ROW"
                + " SET @a = 1";
        assertThat(DatabaseRename.trigger(other, "od_acme_12", "od_new_52", MODE)).isEqualTo(other);
    }

    @Test
    void aRecordedRoutineIsMadeNamingTheDatabaseItIsMadeIn() {
        SchemaObjects.Definition d = new SchemaObjects.Definition("function", "od_acme_12", MODE, null,
                "CREATE DEFINER=`cusp_admin`@`localhost` FUNCTION `od_acme_12`() RETURNS int(11)\n"
                        + "RETURN (SELECT COUNT(*) FROM `od_acme_12`.patient)");
        // The head (and so the object's own name) is the recorded one; only what follows it is rewritten.
        assertThat(SchemaObjects.withDefiner("backup x of acme", d, "od_new_52", "od_acme_12", "od_new_52"))
                .isEqualTo("CREATE DEFINER=`od_new_52`@`localhost` FUNCTION `od_acme_12`() RETURNS int(11)\n"
                        + "RETURN (SELECT COUNT(*) FROM `od_new_52`.patient)");
    }
}
