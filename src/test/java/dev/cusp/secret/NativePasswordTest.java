package dev.cusp.secret;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NativePasswordTest {

    @Test
    void hashIsTheServersPasswordFunction() {
        // SELECT PASSWORD('secret') on MariaDB 11.4 (the node checks the rest: see PracticeAccountsIT).
        assertThat(NativePassword.hash("secret")).isEqualTo("*14E65567ABDB5135D0CFD9A70B3032C179A49EE7");
        assertThat(NativePassword.identifiedBy("secret"))
                .isEqualTo("IDENTIFIED BY PASSWORD '*14E65567ABDB5135D0CFD9A70B3032C179A49EE7'")
                .doesNotContain("'secret'");
    }
}
