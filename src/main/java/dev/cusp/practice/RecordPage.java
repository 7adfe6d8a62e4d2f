package dev.cusp.practice;

import dev.cusp.wire.Row;
import java.util.List;

/** One page of a search: the records on it, by id, and how many match on all pages. */
public record RecordPage(List<Row> items, int page, int size, long total) {
}
