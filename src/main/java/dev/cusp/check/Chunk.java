package dev.cusp.check;

/**
 * The checksum of one key range of one table at one site: rows, the {@code BIT_XOR} of their
 * CRC32s, and a signature of the table's column list (different schemas differ here first).
 */
record Chunk(long count, long crc, String columns) {
}
