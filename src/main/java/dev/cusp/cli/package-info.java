/** The command line: thin commands over the site's HTTPS admin API. */
package dev.cusp.cli;
