package dev.cusp.wire;

import java.util.List;

/** Every row's CRC in a key range at one site ({@code /peer/check/rows}): pairs of key and CRC. */
public record RowSums(List<long[]> rows) {
}
