package dev.cusp.query;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The functions a report may call: an allow-list of MariaDB's built-in string, number, date,
 * JSON, control-flow, aggregate and window functions. Everything else is refused, including
 * stored functions (a practice's own code, which the window cannot check) and whatever MariaDB
 * adds in a later version until it is listed here. A few refused names get their own reason.
 */
final class ReportFunctions {
    private static final Set<String> ALLOWED = Set.of(
            // strings
            "ASCII", "BIN", "BIT_LENGTH", "CHAR", "CHAR_LENGTH", "CHARACTER_LENGTH", "CHR", "CONCAT", "CONCAT_WS",
            "ELT", "EXPORT_SET", "FIELD", "FIND_IN_SET", "FORMAT", "FROM_BASE64", "HEX", "INSERT", "INSTR", "LCASE",
            "LEFT", "LENGTH", "LENGTHB", "LOCATE", "LOWER", "LPAD", "LTRIM", "MAKE_SET", "MID", "NATURAL_SORT_KEY",
            "OCT", "OCTET_LENGTH", "ORD", "POSITION", "QUOTE", "REPEAT", "REPLACE", "REVERSE", "RIGHT", "RPAD",
            "RTRIM", "SFORMAT", "SOUNDEX", "SPACE", "STRCMP", "SUBSTR", "SUBSTRING", "SUBSTRING_INDEX", "TO_BASE64",
            "TO_CHAR", "TRIM", "UCASE", "UNHEX", "UPPER", "REGEXP_INSTR", "REGEXP_REPLACE", "REGEXP_SUBSTR",
            "CRC32", "CRC32C", "MD5", "SHA", "SHA1", "SHA2", "COLLATION", "CHARSET", "COERCIBILITY", "CONVERT",
            "CAST", "BINARY",
            // numbers
            "ABS", "ACOS", "ASIN", "ATAN", "ATAN2", "BIT_COUNT", "CEIL", "CEILING", "CONV", "COS", "COT", "DEGREES",
            "EXP", "FLOOR", "GREATEST", "LEAST", "LN", "LOG", "LOG10", "LOG2", "MOD", "PI", "POW", "POWER",
            "RADIANS", "RAND", "ROUND", "SIGN", "SIN", "SQRT", "TAN", "TRUNCATE",
            // dates and times
            "ADDDATE", "ADDTIME", "ADD_MONTHS", "CONVERT_TZ", "CURDATE", "CURRENT_DATE", "CURRENT_TIME",
            "CURRENT_TIMESTAMP", "CURTIME", "DATE", "DATEDIFF", "DATE_ADD", "DATE_FORMAT", "DATE_SUB", "DAY",
            "DAYNAME", "DAYOFMONTH", "DAYOFWEEK", "DAYOFYEAR", "EXTRACT", "FROM_DAYS", "FROM_UNIXTIME",
            "GET_FORMAT", "HOUR", "LAST_DAY", "LOCALTIME", "LOCALTIMESTAMP", "MAKEDATE", "MAKETIME", "MICROSECOND",
            "MINUTE", "MONTH", "MONTHNAME", "NOW", "PERIOD_ADD", "PERIOD_DIFF", "QUARTER", "SEC_TO_TIME", "SECOND",
            "STR_TO_DATE", "SUBDATE", "SUBTIME", "SYSDATE", "TIME", "TIMEDIFF", "TIMESTAMP", "TIMESTAMPADD",
            "TIMESTAMPDIFF", "TIME_FORMAT", "TIME_TO_SEC", "TO_DAYS", "TO_SECONDS", "UNIX_TIMESTAMP", "UTC_DATE",
            "UTC_TIME", "UTC_TIMESTAMP", "WEEK", "WEEKDAY", "WEEKOFYEAR", "YEAR", "YEARWEEK",
            // control flow
            "IF", "IFNULL", "NULLIF", "COALESCE", "NVL", "NVL2", "ISNULL", "INTERVAL", "DECODE_ORACLE",
            // aggregates
            "AVG", "BIT_AND", "BIT_OR", "BIT_XOR", "COUNT", "GROUP_CONCAT", "MAX", "MIN", "STD", "STDDEV",
            "STDDEV_POP", "STDDEV_SAMP", "SUM", "VARIANCE", "VAR_POP", "VAR_SAMP", "MEDIAN", "PERCENTILE_CONT",
            "PERCENTILE_DISC", "JSON_ARRAYAGG", "JSON_OBJECTAGG",
            // window functions
            "ROW_NUMBER", "RANK", "DENSE_RANK", "PERCENT_RANK", "CUME_DIST", "NTILE", "LAG", "LEAD", "FIRST_VALUE",
            "LAST_VALUE", "NTH_VALUE",
            // JSON
            "JSON_ARRAY", "JSON_ARRAY_APPEND", "JSON_ARRAY_INSERT", "JSON_ARRAY_INTERSECT", "JSON_COMPACT",
            "JSON_CONTAINS", "JSON_CONTAINS_PATH", "JSON_DEPTH", "JSON_DETAILED", "JSON_EQUALS", "JSON_EXISTS",
            "JSON_EXTRACT", "JSON_INSERT", "JSON_KEYS", "JSON_KEY_VALUE", "JSON_LENGTH", "JSON_LOOSE", "JSON_MERGE",
            "JSON_MERGE_PATCH", "JSON_MERGE_PRESERVE", "JSON_NORMALIZE", "JSON_OBJECT", "JSON_OBJECT_FILTER_KEYS",
            "JSON_OBJECT_TO_ARRAY", "JSON_OVERLAPS", "JSON_PRETTY", "JSON_QUERY", "JSON_QUOTE", "JSON_REMOVE",
            "JSON_REPLACE", "JSON_SEARCH", "JSON_SET", "JSON_TYPE", "JSON_UNQUOTE", "JSON_VALID", "JSON_VALUE",
            // who and where: the practice's own account and database
            "DATABASE", "SCHEMA", "USER", "CURRENT_USER", "SESSION_USER", "SYSTEM_USER", "CURRENT_ROLE", "VERSION",
            "UUID", "SYS_GUID");

    private static final Map<String, String> REASONS = Map.ofEntries(
            Map.entry("SLEEP", "SLEEP() only holds a connection"),
            Map.entry("BENCHMARK", "BENCHMARK() only burns the server's CPU"),
            Map.entry("GET_LOCK", "GET_LOCK() takes a named lock that outlives the query"),
            Map.entry("RELEASE_LOCK", "named locks are not for reports"),
            Map.entry("RELEASE_ALL_LOCKS", "named locks are not for reports"),
            Map.entry("IS_FREE_LOCK", "named locks are not for reports"),
            Map.entry("IS_USED_LOCK", "named locks are not for reports"),
            Map.entry("LOAD_FILE", "LOAD_FILE() reads files of the server"),
            Map.entry("MASTER_POS_WAIT", "it waits on replication"),
            Map.entry("MASTER_GTID_WAIT", "it waits on replication"),
            Map.entry("SOURCE_POS_WAIT", "it waits on replication"),
            Map.entry("BINLOG_GTID_POS", "it reads the server's binary log"),
            Map.entry("NEXTVAL", "it writes a sequence"),
            Map.entry("SETVAL", "it writes a sequence"),
            Map.entry("LASTVAL", "sequences are not for reports"),
            Map.entry("SYS_EVAL", "it runs programs on the server"),
            Map.entry("SYS_EXEC", "it runs programs on the server"),
            Map.entry("PASSWORD", "password hashes are not for reports"),
            Map.entry("OLD_PASSWORD", "password hashes are not for reports"));

    private ReportFunctions() {
    }

    /** Null when a report may call {@code name}; otherwise why not. */
    static String refusal(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        if (ALLOWED.contains(n)) {
            return null;
        }
        String why = REASONS.get(n);
        return n + "() is not allowed in the query window: " + (why != null ? why : "it runs MariaDB's built-in"
                + " string, number, date, JSON, aggregate and window functions, and no stored functions");
    }
}
