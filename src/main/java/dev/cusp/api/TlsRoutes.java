package dev.cusp.api;

import dev.cusp.tls.RevocationList;
import io.javalin.Javalin;

/**
 * The site CA's revocation list, at the address every site certificate names. Served to anyone
 * without a token: it is public and signed by the CA, so a client checks it, not the channel.
 */
public final class TlsRoutes implements RouteModule {
    private final RevocationList crl;

    public TlsRoutes(RevocationList crl) {
        this.crl = crl;
    }

    @Override
    public void register(Javalin app) {
        app.get(RevocationList.PATH, ctx -> {
            byte[] der = crl.current();
            // Fetched again by clients after a while, not on every handshake: an hour is well
            // inside the list's daily re-signing.
            ctx.header("Cache-Control", "public, max-age=3600");
            ctx.contentType(RevocationList.CONTENT_TYPE).result(der);
        }, ApiRole.PUBLIC);
    }
}
