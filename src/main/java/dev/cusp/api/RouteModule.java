package dev.cusp.api;

import io.javalin.Javalin;

/**
 * A part of the HTTPS API: registers its routes, each with the one role that says what it is
 * ({@link ApiRole}, or {@link PeerAccess} for a peer route). The site lists its parts in an
 * {@link ApiServer.Wiring}; they are registered in that order, which is the order Javalin tries
 * them in.
 */
public interface RouteModule {
    /** Registers this part's routes (and any before-handlers that check who the caller is). */
    void register(Javalin app);
}
