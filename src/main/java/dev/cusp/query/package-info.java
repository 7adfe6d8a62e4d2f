/**
 * The query window: a practice's own SQL reports, parsed with JSqlParser and checked before
 * anything runs, then run as the practice's own database user with a row and a time limit.
 * Writes are allowed only in the practice's scratch database at a report replica, as temporary
 * tables of the caller's query session ({@link dev.cusp.query.ScratchSessions}).
 */
package dev.cusp.query;
