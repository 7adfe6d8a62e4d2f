/** The site's certificate authority, its revocation list, the site certificate, and the TLS trust clients use. */
package dev.cusp.tls;
