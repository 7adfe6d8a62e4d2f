/**
 * The few things every capability needs and that belong to none of them: the build's version,
 * owner-only files and folders, and the one JSON mapper. It depends on no other Cusp package, so
 * it can never close a cycle.
 */
package dev.cusp.base;
