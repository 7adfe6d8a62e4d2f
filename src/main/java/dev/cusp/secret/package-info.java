/** Secrets: generated passwords and tokens, Argon2id hashes, and encryption at rest. */
package dev.cusp.secret;
