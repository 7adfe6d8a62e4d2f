package dev.cusp.maintenance;

import dev.cusp.error.CuspException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every maintenance method, by name, in the order they run (references before values). */
public final class MethodCatalog {
    private static final Map<String, MaintenanceMethod> METHODS = new LinkedHashMap<>();

    static {
        List<MaintenanceMethod> all = new ArrayList<>(ReferenceMethods.all());
        all.addAll(ValueMethods.all());
        for (MaintenanceMethod m : all) {
            if (METHODS.put(m.name(), m) != null) {
                throw new IllegalStateException("two maintenance methods named " + m.name());
            }
        }
    }

    private MethodCatalog() {
    }

    public static List<MaintenanceMethod> all() {
        return List.copyOf(METHODS.values());
    }

    /**
     * The methods named, in catalog order (every method when {@code names} is null or empty);
     * an unknown name is refused, naming {@code field}.
     */
    public static List<MaintenanceMethod> select(List<String> names, String field) {
        if (names == null || names.isEmpty()) {
            return all();
        }
        for (String n : names) {
            if (!METHODS.containsKey(n)) {
                throw CuspException.invalid(field, "no maintenance method '" + n + "'; 'cusp dbm list' lists them");
            }
        }
        return METHODS.values().stream().filter(m -> names.contains(m.name())).toList();
    }
}
