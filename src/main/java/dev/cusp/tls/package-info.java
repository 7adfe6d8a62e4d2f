/** The site's certificate authority, site certificate, and the TLS trust clients use. */
package dev.cusp.tls;
