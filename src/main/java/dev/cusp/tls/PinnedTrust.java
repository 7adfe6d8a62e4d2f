package dev.cusp.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a server only if the chain it presents holds a CA certificate with the expected
 * SHA-256 fingerprint and the server certificate is signed by that CA: how a joining site
 * checks the site it was invited to, before it knows that site's CA. Remembers the CA seen.
 */
public final class PinnedTrust extends X509ExtendedTrustManager {
    private final String fingerprint;
    private volatile X509Certificate ca;

    public PinnedTrust(String sha256Hex) {
        this.fingerprint = sha256Hex.toLowerCase();
    }

    /** The pinned CA, once a handshake has shown it. */
    public X509Certificate ca() {
        return ca;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("no server certificate");
        }
        chain[0].checkValidity();
        for (X509Certificate c : chain) {
            if (TlsContexts.fingerprint(c).equals(fingerprint)) {
                try {
                    chain[0].verify(c.getPublicKey());
                } catch (GeneralSecurityException e) {
                    break;
                }
                ca = c;
                return;
            }
        }
        throw new CertificateException("the site's certificate authority does not match the fingerprint in the"
                + " join token (expected SHA-256 " + fingerprint + ")");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("server-side use only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("server-side use only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("server-side use only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
