package dev.cusp.wire;

/** {@code POST /admin/tenants/{name}/seed-data}: how many made-up patients (null: the default), and the random seed. */
public record SeedDataRequest(Integer patients, Long seed) {
}
