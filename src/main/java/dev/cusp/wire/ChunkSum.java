package dev.cusp.wire;

/**
 * A key range's checksum at one site ({@code /peer/check/chunk}).
 *
 * @param columns the table's column list, so a schema difference shows as a difference
 */
public record ChunkSum(long count, long crc, String columns) {
}
