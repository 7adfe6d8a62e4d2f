/**
 * Versions: which Cusp version a client and a site run, and which practice schema versions a
 * site can serve. Clients and sites of another major.minor are refused with a message that
 * names the side to update.
 */
package dev.cusp.version;
