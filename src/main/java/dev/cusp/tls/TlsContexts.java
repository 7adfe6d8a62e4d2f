package dev.cusp.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/** TLS contexts built from the site's own PEM files: for its server, and for calls to other sites. */
public final class TlsContexts {
    private static final char[] NO_PASSWORD = new char[0];

    private TlsContexts() {
    }

    /** The HTTPS server's context: presents the site certificate, accepts client certificates per {@code trust}. */
    public static SSLContext server(CertificateAuthority tls, PeerTrust trust) {
        return context(keyManagers(tls), new TrustManager[] {trust});
    }

    /**
     * A client context for calls to another site: trusts only {@code peerCa} (pinned) and,
     * when {@code withClientCertificate}, presents this site's certificate (mutual TLS).
     */
    public static SSLContext client(CertificateAuthority own, X509Certificate peerCa, boolean withClientCertificate) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setCertificateEntry("peer-ca", peerCa);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            return context(withClientCertificate ? alwaysPresent(own) : null, tmf.getTrustManagers());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a TLS context: " + e.getMessage(), e);
        }
    }

    /**
     * A client context that trusts whatever {@code pinned} accepts and presents {@code own}'s
     * site certificate, although the server does not know its CA yet (a join).
     */
    public static SSLContext pinned(PinnedTrust pinned, CertificateAuthority own) {
        return context(alwaysPresent(own), new TrustManager[] {pinned});
    }

    public static String pem(X509Certificate c) {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(c.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static X509Certificate parsePem(String pem) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a PEM certificate", e);
        }
    }

    /** SHA-256 of the certificate's DER encoding, lowercase hex: what a join token pins. */
    public static String fingerprint(X509Certificate c) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyManager[] keyManagers(CertificateAuthority tls) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("site", CertificateAuthority.loadKey(tls.siteKey()), NO_PASSWORD,
                    new X509Certificate[] {CertificateAuthority.load(tls.siteCert()), CertificateAuthority.load(tls.caCert())});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, NO_PASSWORD);
            return kmf.getKeyManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot load the site's key and certificate: " + e.getMessage(), e);
        }
    }

    /**
     * Presents the site certificate whatever CAs the server names: a site that has not yet
     * heard of this one (its membership row still replicating) names none of ours, and a
     * connection made then without a certificate would stay without one while kept alive.
     * Always the current one: a client made before the certificate was re-issued (at start,
     * with port 0) would otherwise present the replaced one, which the other sites refuse once
     * they read this site's revocation list.
     */
    private static KeyManager[] alwaysPresent(CertificateAuthority own) {
        CurrentKeys keys = new CurrentKeys(own);
        return new KeyManager[] {new X509ExtendedKeyManager() {
            @Override
            public String[] getClientAliases(String keyType, Principal[] issuers) {
                return keys.get().getClientAliases(keyType, null);
            }

            @Override
            public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
                return keys.choose().chooseClientAlias(keyType, null, socket);
            }

            @Override
            public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
                return keys.choose().chooseEngineClientAlias(keyType, null, engine);
            }

            @Override
            public String[] getServerAliases(String keyType, Principal[] issuers) {
                return null;
            }

            @Override
            public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
                return null;
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return keys.get().getCertificateChain(alias);
            }

            @Override
            public PrivateKey getPrivateKey(String alias) {
                return keys.get().getPrivateKey(alias);
            }
        }};
    }

    /** The site's key and certificate as the files hold them now: loaded again when either file changed. */
    private static final class CurrentKeys {
        private final CertificateAuthority own;
        private volatile X509ExtendedKeyManager km;
        private volatile String seen;

        CurrentKeys(CertificateAuthority own) {
            this.own = own;
            this.km = (X509ExtendedKeyManager) keyManagers(own)[0];
            this.seen = stamp();
        }

        /** At the start of a handshake: loads the files again if they changed since. */
        X509ExtendedKeyManager choose() {
            String now = stamp();
            if (!now.equals(seen)) {
                synchronized (this) {
                    try {
                        km = (X509ExtendedKeyManager) keyManagers(own)[0];
                        seen = now;
                    } catch (IllegalStateException halfWritten) {
                        // The key and certificate are being replaced: the next handshake loads them.
                    }
                }
            }
            return km;
        }

        /** The same key manager for the rest of the handshake. */
        X509ExtendedKeyManager get() {
            return km;
        }

        private String stamp() {
            try {
                return java.nio.file.Files.getLastModifiedTime(own.siteCert()) + "/"
                        + java.nio.file.Files.getLastModifiedTime(own.siteKey());
            } catch (IOException e) {
                return "";
            }
        }
    }

    private static SSLContext context(KeyManager[] km, TrustManager[] tm) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(km, tm, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
