package dev.cusp.document;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FolderNamesTest {
    @Test
    void patientFoldersReadAsOpenDentalWritesThem() {
        assertThat(FolderNames.parse("BrownAnna1042")).isEqualTo(new FolderNames.PatientFolder("brownanna", 1042L));
        assertThat(FolderNames.parse("O'BrienSeán7")).isEqualTo(new FolderNames.PatientFolder("obriensean", 7L));
        assertThat(FolderNames.parse("NoNumber")).isEqualTo(new FolderNames.PatientFolder("nonumber", null));
        assertThat(FolderNames.patientFolder("Müller", "Anna-Lena", 12)).isEqualTo("MullerAnnaLena12");
        assertThat(FolderNames.letterOf("MullerAnnaLena12")).isEqualTo("M");
        assertThat(FolderNames.letterOf("12")).isEqualTo("_");
    }

    @Test
    void aUserGivenNameBecomesOnePlainName() {
        assertThat(FolderNames.safe("../../etc/passwd")).isEqualTo("passwd");
        assertThat(FolderNames.safe("C:\\Windows\\x.jpg")).isEqualTo("x.jpg");
        assertThat(FolderNames.safe("..")).isEqualTo("document");
        assertThat(FolderNames.safe(".hidden")).isEqualTo("hidden");
        assertThat(FolderNames.safe("a\u0000b\nc?.jpg")).isEqualTo("a_b_c_.jpg");
        assertThat(FolderNames.safe("/")).isEqualTo("document");
        String longName = FolderNames.safe("é".repeat(300) + ".jpeg");
        assertThat(longName).endsWith(".jpeg");
        assertThat(longName.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(200);
        assertThat(FolderNames.numbered("x.jpg", 2)).isEqualTo("x (2).jpg");
    }
}
