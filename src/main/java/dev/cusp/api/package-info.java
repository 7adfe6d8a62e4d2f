/** The HTTPS API: site-admin routes, the practice middle tier, errors and the OpenAPI document. */
package dev.cusp.api;
