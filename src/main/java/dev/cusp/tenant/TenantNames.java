package dev.cusp.tenant;

import dev.cusp.error.CuspException;
import java.util.regex.Pattern;

/**
 * Validation of tenant names and ids. Names have no underscore, so that the grant pattern of
 * one tenant ({@code od\_name\_id\_%}) can never match another tenant's database.
 */
public final class TenantNames {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]{0,31}");
    public static final int MAX_ID = 999_999_999;

    private TenantNames() {
    }

    public static String requireName(String name) {
        if (name == null || name.isBlank()) {
            throw CuspException.invalid("name", "tenant name is required");
        }
        if (!NAME.matcher(name).matches()) {
            throw CuspException.invalid("name", "tenant name '" + abbreviate(name)
                    + "' is not valid: use 1 to 32 lowercase letters and digits, starting with a letter (e.g. springfield)");
        }
        return name;
    }

    public static int requireId(Integer id) {
        if (id == null) {
            throw CuspException.invalid("id", "tenant id is required (a number from 1 to " + MAX_ID + ")");
        }
        if (id < 1 || id > MAX_ID) {
            throw CuspException.invalid("id", "tenant id " + id + " is out of range: use 1 to " + MAX_ID);
        }
        return id;
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
