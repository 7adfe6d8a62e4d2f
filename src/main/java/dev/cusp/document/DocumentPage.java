package dev.cusp.document;

import java.util.List;

/** One page of a document search, by id. */
public record DocumentPage(List<DocumentRecord> items, int page, int size, long total) {
}
