/**
 * The few things every capability needs and that belong to none of them: the build's version,
 * owner-only files and folders, the one JSON mapper, and what a site's network address may be.
 * It depends on no other Cusp package, so it can never close a cycle.
 */
package dev.cusp.base;
