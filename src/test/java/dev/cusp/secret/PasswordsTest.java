package dev.cusp.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cusp.error.CuspException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordsTest {

    @Test
    void argon2idHashesVerifyOnlyTheirPassword() {
        String h = Passwords.hash("correct horse battery staple");
        assertThat(h).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(Passwords.verify("correct horse battery staple", h)).isTrue();
        assertThat(Passwords.verify("correct horse battery stapler", h)).isFalse();
        assertThat(Passwords.hash("same")).isNotEqualTo(Passwords.hash("same"));
        assertThat(Passwords.verify("x", "not-a-hash")).isFalse();
    }

    @Test
    void weakPasswordsAreRefusedNamingTheField() {
        for (String weak : new String[] {"short", "Password1234", "aaaaaaaaaaaa", "qwertyuiop123"}) {
            assertThatThrownBy(() -> Passwords.requireStrong("password", weak)).as(weak)
                    .isInstanceOf(CuspException.class)
                    .satisfies(e -> assertThat(((CuspException) e).field()).isEqualTo("password"));
        }
        Passwords.requireStrong("password", "violet tractor sings to 42 marmots");
        Passwords.requireStrong("password", Passwords.generate(20));
    }

    @Test
    void secretBoxSealsAndOpensWithTheSameKeyOnly(@TempDir Path dir) {
        SecretBox box = SecretBox.open(dir.resolve("k"));
        String sealed = box.seal("db-password");
        assertThat(sealed).startsWith("v1:").doesNotContain("db-password");
        assertThat(SecretBox.open(dir.resolve("k")).open(sealed)).isEqualTo("db-password");
        assertThatThrownBy(() -> SecretBox.open(dir.resolve("other")).open(sealed))
                .isInstanceOf(IllegalStateException.class);
    }
}
