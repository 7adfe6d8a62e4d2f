package dev.cusp.practice;

import java.util.List;
import java.util.Optional;

/**
 * One kind of practice record exposed by the API: its URL segment, table, writable fields,
 * what free-text search looks at, which fields can filter, and which other rows point at it.
 *
 * @param path         URL segment, e.g. {@code fee-schedules}
 * @param label        a person's word for one record, e.g. {@code fee schedule}
 * @param search       columns that {@code q} matches by prefix
 * @param filters      fields usable as {@code ?field=value}
 * @param referencedBy rows that point here: a delete is refused while any exist, except owned
 *                     rows, which are deleted with the record
 */
public record EntitySpec(String path, String table, String label, List<Field> fields, List<String> search,
                         List<String> filters, List<Reference> referencedBy) {

    /** A column elsewhere that holds ids of this entity. */
    public record Reference(String table, String column, String label, boolean owned) {
    }

    public Optional<Field> field(String name) {
        return fields.stream().filter(f -> f.name().equals(name)).findFirst();
    }
}
