package dev.cusp.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cusp.error.CuspException;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CRLReason;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The site CA's revocation list: signed, dated, and listing the certificates the CA replaced. */
class RevocationListTest {
    static final String URL_A = CertificateAuthority.crlUrl("localhost", 7443);
    static final String URL_B = CertificateAuthority.crlUrl("cusp-b.example", 7443);

    @TempDir
    Path dir;

    @Test
    void aReplacedCertificateIsOnTheSignedListAndItsSuccessorIsNot() throws Exception {
        CertificateAuthority ca = new CertificateAuthority(dir);
        // Port 0 before bind: no address yet, so the first certificate names none (as one issued
        // before certificates named a list does).
        assertThat(ca.ensure("s1", "localhost", null)).isTrue();
        X509Certificate first = CertificateAuthority.load(ca.siteCert());
        assertThat(CertificateAuthority.crlUrl(first)).isEmpty();
        assertThat(ca.ensure("s1", "localhost", null)).as("nothing to do while the address is unknown").isFalse();

        assertThat(ca.ensure("s1", "localhost", URL_A)).as("a certificate naming no list is re-issued").isTrue();
        X509Certificate second = CertificateAuthority.load(ca.siteCert());
        assertThat(CertificateAuthority.crlUrl(second)).hasValue("https://localhost:7443/api/v1/tls/crl");
        assertThat(second.getSerialNumber()).isNotEqualTo(first.getSerialNumber());
        assertThat(ca.ensure("s1", "localhost", URL_A)).isFalse();

        X509CRL crl = crl(ca.revocations().current());
        X509Certificate caCert = CertificateAuthority.load(ca.caCert());
        crl.verify(caCert.getPublicKey());
        assertThat(crl.getIssuerX500Principal()).isEqualTo(caCert.getSubjectX500Principal());
        assertThat(crl.isRevoked(first)).isTrue();
        assertThat(crl.getRevokedCertificate(first.getSerialNumber()).getRevocationReason())
                .isEqualTo(CRLReason.SUPERSEDED);
        assertThat(crl.isRevoked(second)).isFalse();
        assertThat(Duration.between(crl.getThisUpdate().toInstant(), crl.getNextUpdate().toInstant()))
                .isEqualTo(RevocationList.VALIDITY);
        assertThat(crl.getThisUpdate().toInstant()).isBetween(Instant.now().minusSeconds(60), Instant.now());
        assertThat(crl.getExtensionValue(Extension.authorityKeyIdentifier.getId())).isNotNull();

        // A new address: re-issued again, both predecessors listed, the list numbered on.
        BigInteger before = number(crl);
        assertThat(ca.ensure("s1", "cusp-b.example", URL_B)).isTrue();
        X509CRL next = crl(ca.revocations().current());
        next.verify(caCert.getPublicKey());
        assertThat(next.isRevoked(first)).isTrue();
        assertThat(next.isRevoked(second)).isTrue();
        assertThat(next.isRevoked(CertificateAuthority.load(ca.siteCert()))).isFalse();
        assertThat(number(next)).isGreaterThan(before);

        for (Path f : new Path[] {ca.revocations().revokedFile(), ca.revocations().crlFile()}) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).as(f.toString())
                    .isEqualTo("rw-------");
        }
    }

    @Test
    void aLineAnOperatorAddsIsListedAndABadOneIsNamed() throws Exception {
        CertificateAuthority ca = new CertificateAuthority(dir);
        ca.ensure("s1", "localhost", URL_A);
        RevocationList list = ca.revocations();
        list.publish();
        assertThat(crl(list.current()).getRevokedCertificates()).isNull();

        Files.writeString(list.revokedFile(), "# revoked by hand\n0a:bc:12 keyCompromise\n", StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        // Edited after the list was signed: the next request signs it again.
        Files.setLastModifiedTime(list.revokedFile(), FileTime.from(Instant.now().plusSeconds(2)));
        X509CRL crl = crl(list.current());
        crl.verify(CertificateAuthority.load(ca.caCert()).getPublicKey());
        assertThat(crl.getRevokedCertificate(new BigInteger("0abc12", 16)).getRevocationReason())
                .isEqualTo(CRLReason.KEY_COMPROMISE);

        Files.writeString(list.revokedFile(), "zz-not-hex\n", StandardOpenOption.APPEND);
        assertThatThrownBy(list::publish).isInstanceOf(CuspException.class)
                .hasMessageContaining("revoked line 3");
        // The list already signed is still served (it is valid for days); the problem is logged.
        Files.setLastModifiedTime(list.revokedFile(), FileTime.from(Instant.now().plusSeconds(4)));
        assertThat(crl(list.current()).getRevokedCertificate(new BigInteger("0abc12", 16))).isNotNull();
    }

    static X509CRL crl(byte[] der) throws Exception {
        return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
    }

    static BigInteger number(X509CRL crl) throws Exception {
        return ASN1Integer.getInstance(JcaX509ExtensionUtils.parseExtensionValue(
                crl.getExtensionValue(Extension.cRLNumber.getId()))).getValue();
    }
}
