package dev.cusp.sampledata;

import dev.cusp.error.CuspException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CDT-style codes the generator charts, with a usual-and-customary fee (US dollars, a
 * Midwest general practice) that every fee schedule is derived from. The codes themselves
 * are the tenant's own rows (the practice schema's starter set); nothing here adds codes.
 */
final class CodeCatalog {
    /** Usual fee by code, in the starter set's order. */
    static final Map<String, Integer> UCR = new LinkedHashMap<>();

    static {
        Object[] fees = {
            "D0120", 60, "D0140", 95, "D0145", 70, "D0150", 110, "D0180", 120, "D0210", 150, "D0220", 35,
            "D0230", 28, "D0272", 50, "D0274", 75, "D0330", 130, "D0350", 40, "D1110", 110, "D1120", 80,
            "D1206", 45, "D1208", 35, "D1330", 30, "D1351", 55, "D2140", 140, "D2150", 175, "D2160", 210,
            "D2330", 165, "D2331", 205, "D2332", 250, "D2391", 180, "D2392", 235, "D2393", 285, "D2740", 1250,
            "D2750", 1200, "D2950", 290, "D2954", 390, "D3220", 240, "D3310", 850, "D3320", 980, "D3330", 1200,
            "D4341", 260, "D4342", 190, "D4355", 190, "D4910", 150, "D5110", 1900, "D5120", 1900, "D5213", 2100,
            "D6010", 2300, "D6065", 1600, "D6240", 1150, "D6750", 1200, "D7140", 190, "D7210", 320, "D7240", 520,
            "D7953", 450, "D8080", 5800, "D9110", 120, "D9230", 75, "D9944", 550};
        for (int i = 0; i < fees.length; i += 2) {
            UCR.put((String) fees[i], (Integer) fees[i + 1]);
        }
    }

    /** One code as the tenant has it: its key and its place in the fee tables. */
    record Code(String code, long id, int index, int usualFee) {
    }

    private final Map<String, Code> byCode = new HashMap<>();
    private final List<Code> all = new ArrayList<>();

    private CodeCatalog() {
    }

    /** Reads the tenant's codes; refuses when one the generator charts is missing. */
    static CodeCatalog load(Connection c) throws SQLException {
        Map<String, Long> ids = new HashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, code FROM procedure_code")) {
            while (rs.next()) {
                ids.put(rs.getString(2), rs.getLong(1));
            }
        }
        List<String> missing = new ArrayList<>();
        CodeCatalog cat = new CodeCatalog();
        for (Map.Entry<String, Integer> e : UCR.entrySet()) {
            Long id = ids.get(e.getKey());
            if (id == null) {
                missing.add(e.getKey());
                continue;
            }
            Code code = new Code(e.getKey(), id, cat.all.size(), e.getValue());
            cat.all.add(code);
            cat.byCode.put(code.code(), code);
        }
        if (!missing.isEmpty()) {
            throw CuspException.conflict("the practice has no procedure code " + String.join(", ", missing)
                    + " (its starter codes were changed); seed a new tenant instead");
        }
        return cat;
    }

    Code get(String code) {
        Code c = byCode.get(code);
        if (c == null) {
            throw new IllegalArgumentException("not in the catalog: " + code);
        }
        return c;
    }

    List<Code> all() {
        return all;
    }
}
