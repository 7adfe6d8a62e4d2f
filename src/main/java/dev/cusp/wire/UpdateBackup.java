package dev.cusp.wire;

import java.util.List;

/** {@code POST /peer/update/backup}: back up these tenants at the asked site (it answers tenant to backup database). */
public record UpdateBackup(List<String> tenants) {
}
