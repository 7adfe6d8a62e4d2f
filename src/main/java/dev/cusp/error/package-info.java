/** The single error type and its codes, shared by the API and the CLI. */
package dev.cusp.error;
