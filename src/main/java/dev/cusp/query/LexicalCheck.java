package dev.cusp.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import net.sf.jsqlparser.parser.CCJSqlParserTokenManager;
import net.sf.jsqlparser.parser.SimpleCharStream;
import net.sf.jsqlparser.parser.StringProvider;
import net.sf.jsqlparser.parser.Token;
import net.sf.jsqlparser.parser.TokenMgrException;
import net.sf.jsqlparser.parser.feature.Feature;
import net.sf.jsqlparser.parser.feature.FeatureConfiguration;

/**
 * Makes sure the server reads the text that runs exactly as the checker's parser read it.
 *
 * <p>The checker judges JSqlParser's tree; the server lexes the text Cusp sends. Where the two
 * lexers disagree on where a string, a quoted name or a comment ends, text the checker took for
 * inert (a string, a name) is code to the server: in MariaDB's default mode {@code "a\"} opens a
 * string with an escaped quote, JSqlParser reads a complete name. Two rules close that class:
 * <ol>
 *   <li>Statements run in a session with {@link #SQL_MODE}: {@code ANSI_QUOTES} (double quotes
 *       name things, as in JSqlParser) and {@code NO_BACKSLASH_ESCAPES} (a backslash is a plain
 *       character, as in JSqlParser without its backslash feature). Then each of {@code ' " `}
 *       ends at the first lone quote of its kind, a doubled one stands for itself, and no other
 *       escape exists, in both lexers.</li>
 *   <li>The text that runs (the parser's rendering) is lexed here by those MariaDB rules, and every
 *       character outside a quoted span must come from a short allow-list: no comment starters
 *       ({@code #}, {@code --}, {@code /*}), no {@code ;}, backslash, {@code ?}, {@code :}, {@code @},
 *       {@code $}, braces or brackets, and only MariaDB's string prefixes. Its quoted spans must be
 *       exactly the ones JSqlParser's own lexer finds in the same text.</li>
 * </ol>
 * Whatever a dialect of the parser accepts that MariaDB reads otherwise ({@code Q'[..]'},
 * {@code $$..$$}, {@code [name]}, {@code {fn ..}}, hints) fails the second rule and is refused.
 */
final class LexicalCheck {
    /**
     * The session mode of every query-window statement. Besides the two lexical modes,
     * {@code PIPES_AS_CONCAT} makes {@code ||} concatenate, as the parser reads it; the rest is
     * MariaDB's default.
     */
    static final String SQL_MODE = "ANSI_QUOTES,NO_BACKSLASH_ESCAPES,PIPES_AS_CONCAT,STRICT_TRANS_TABLES,"
            + "ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION";

    /** Characters allowed outside quoted spans (besides letters and digits). */
    private static final String PUNCTUATION = " \t\r\n.,()+-*/%=<>!&|^~";
    /** Prefixes MariaDB allows right before a string: national, hex, bit, a character set introducer. */
    private static final Pattern STRING_PREFIX = Pattern.compile("[NnXxBb]|_[A-Za-z0-9]+");

    private LexicalCheck() {
    }

    /** A quoted span, from its opening quote to just past its closing one. */
    record Span(int start, int end) {
    }

    /** Throws a 400 unless the server, under {@link #SQL_MODE}, reads {@code sql} as the parser does. */
    static void verify(String sql) {
        List<Span> server = serverSpans(sql);
        List<Span> parser = parserSpans(sql);
        if (!server.equals(parser)) {
            throw refuse("its strings and quoted names could be read two ways");
        }
    }

    /** The quoted spans of {@code sql} as MariaDB reads them under {@link #SQL_MODE}; refuses other text. */
    static List<Span> serverSpans(String sql) {
        List<Span> spans = new ArrayList<>();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"' || c == '`') {
                checkBefore(sql, i, c);
                int j = i + 1;
                while (true) {
                    if (j >= n) {
                        throw refuse("a quote " + c + " is not closed");
                    }
                    if (sql.charAt(j) == c) {
                        if (j + 1 < n && sql.charAt(j + 1) == c) {
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    j++;
                }
                int end = j + 1;
                if (end < n && (isWordChar(sql.charAt(end)) || isQuote(sql.charAt(end)))) {
                    throw refuse("a quoted " + (c == '\'' ? "string" : "name") + " runs into the next word");
                }
                spans.add(new Span(i, end));
                i = end;
                continue;
            }
            if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-' || c == '/' && i + 1 < n && sql.charAt(i + 1) == '*'
                    || c == '*' && i + 1 < n && sql.charAt(i + 1) == '/') {
                throw refuse("'" + sql.substring(i, i + 2) + "' outside a string starts or ends a comment");
            }
            if (!isWordChar(c) && PUNCTUATION.indexOf(c) < 0) {
                throw refuse("the character '" + c + "' (U+" + String.format(Locale.ROOT, "%04X", (int) c)
                        + ") is allowed only inside a string or a quoted name");
            }
            i++;
        }
        refuseWords(sql, spans);
        return spans;
    }

    /** What stands right before an opening quote: only MariaDB's own string prefixes. */
    private static void checkBefore(String sql, int quote, char c) {
        int w = quote;
        while (w > 0 && isWordChar(sql.charAt(w - 1))) {
            w--;
        }
        if (w == quote) {
            return;
        }
        String word = sql.substring(w, quote);
        if (c != '\'' || !STRING_PREFIX.matcher(word).matches()) {
            throw refuse("'" + word + c + "' is not a string or name MariaDB reads as the parser does");
        }
    }

    /**
     * Words outside quotes that name MariaDB clauses the window never runs, whatever the parser
     * made of them: a second guard behind the parse-tree checks.
     */
    private static void refuseWords(String sql, List<Span> spans) {
        StringBuilder outside = new StringBuilder(sql.length());
        int at = 0;
        for (Span s : spans) {
            outside.append(sql, at, s.start()).append(' ');
            at = s.end();
        }
        outside.append(sql.substring(at));
        for (String word : outside.toString().toUpperCase(Locale.ROOT).split("[^A-Z0-9_]+")) {
            if (word.equals("PROCEDURE")) {
                throw QueryChecker.refuse("PROCEDURE (such as PROCEDURE ANALYSE) is not allowed in the query window:"
                        + " it runs server code on the result");
            }
        }
    }

    /** The quoted spans JSqlParser's lexer finds in {@code sql}, as the checker configures it. */
    static List<Span> parserSpans(String sql) {
        CCJSqlParserTokenManager tm = new CCJSqlParserTokenManager(new SimpleCharStream(new StringProvider(sql)));
        tm.configuration = parserFeatures();
        List<Span> spans = new ArrayList<>();
        try {
            for (Token t = tm.getNextToken(); ; t = tm.getNextToken()) {
                if (t.specialToken != null) {
                    throw refuse("it holds a comment");
                }
                if (t.kind == 0) {
                    return spans;
                }
                int q = firstQuote(t.image);
                if (q >= 0) {
                    // absoluteBegin/End count from 1.
                    spans.add(new Span(t.absoluteBegin - 1 + q, t.absoluteEnd - 1));
                }
            }
        } catch (TokenMgrException e) {
            throw refuse("the parser cannot read it back");
        }
    }

    /** JSqlParser's lexical features as the checker uses them: no backslash escapes, '#' comments. */
    static FeatureConfiguration parserFeatures() {
        return new FeatureConfiguration().setValue(Feature.allowBackslashEscapeCharacter, false)
                .setValue(Feature.allowHashLineComments, true);
    }

    private static int firstQuote(String image) {
        for (int i = 0; i < image.length(); i++) {
            if (isQuote(image.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isQuote(char c) {
        return c == '\'' || c == '"' || c == '`';
    }

    /** Letters and digits (any script), and '_': what an unquoted word is made of. */
    private static boolean isWordChar(char c) {
        return c == '_' || Character.isLetterOrDigit(c);
    }

    private static RuntimeException refuse(String why) {
        return QueryChecker.refuse("the query window cannot run this statement safely: " + why + ". Write strings in"
                + " single quotes (a quote inside as two: 'O''Brien'; a backslash is an ordinary character), names"
                + " plain or in double quotes or backquotes, and no comments or hints");
    }
}
