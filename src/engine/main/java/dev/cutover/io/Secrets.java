package dev.cutover.io;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks passwords in connection URLs and in free text that may quote one (a driver's "no suitable
 * driver for URL" error, a parse failure). One function for every URL Cutover takes: JDBC and
 * libpq-style PostgreSQL URLs, {@code redis://} and {@code rediss://}, and strings that are no
 * valid URL at all. Works on the text, never on a parsed URL, so a URL that fails to parse is
 * masked the same way as a good one.
 */
public final class Secrets {
    /** What a masked secret reads as. */
    public static final String MASK = "***";

    /** {@code password=…}, {@code sslpassword=…} and the like in a query string or a libpq key/value string. */
    private static final Pattern PARAM = Pattern.compile("(?i)((?:^|[?&;\\s])[a-z_]*password=)(?!\\*\\*\\*)[^&;\\s]*");
    /** {@code scheme://} then the rest of a whitespace-free token. */
    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.:-]*://");
    private static final Pattern URL = Pattern.compile("([A-Za-z][A-Za-z0-9+.:-]*://)(\\S*)");

    private Secrets() {
    }

    /**
     * The URL with the password of its user-info ({@code scheme://user:PASSWORD@host}, also when the
     * password holds an {@code @} or a {@code /}) and every {@code …password=} parameter replaced by
     * {@value #MASK}. A Redis URL of the form {@code redis://SECRET@host} (password without a user)
     * is masked whole. Null gives "".
     */
    public static String maskUrl(String url) {
        if (url == null) {
            return "";
        }
        Matcher m = SCHEME.matcher(url);
        String out = m.lookingAt() ? m.group() + maskAfterScheme(url.substring(m.end())) : maskAfterScheme(url);
        return PARAM.matcher(out).replaceAll("$1" + MASK);
    }

    /** {@link #maskUrl} applied to every URL in a text (an error message), and to {@code password=} parameters. */
    public static String maskText(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = URL.matcher(text);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(b, Matcher.quoteReplacement(m.group(1) + maskAfterScheme(m.group(2))));
        }
        m.appendTail(b);
        return PARAM.matcher(b).replaceAll("$1" + MASK);
    }

    /**
     * {@code text} (a library's error about {@code url}) with {@code url} itself, wherever it is quoted
     * whole, replaced by its masked form, then {@link #maskText}: catches a URL too broken to be
     * recognised as one ({@code u:secret@@::/}).
     */
    public static String maskText(String text, String url) {
        if (text == null) {
            return null;
        }
        String t = url == null || url.isEmpty() ? text : text.replace(url, maskUrl(url));
        return maskText(t);
    }

    /** True when {@code text} still holds {@code secret} (for checks before a message is shown). */
    public static boolean leaks(String text, String secret) {
        return secret != null && !secret.isEmpty() && text != null && text.contains(secret);
    }

    /**
     * The part after {@code scheme://}: its user-info is everything up to the LAST {@code @} before
     * the query (a password may contain {@code @} and {@code /}), or, when there is none, up to an
     * {@code @} after a {@code ?} with no {@code =} before it (a password with a {@code ?}). The
     * user name before the first {@code :} stays, the rest is masked.
     */
    private static String maskAfterScheme(String rest) {
        int q = rest.indexOf('?');
        int at = (q < 0 ? rest : rest.substring(0, q)).lastIndexOf('@');
        if (at < 0 && q >= 0) {
            int later = rest.lastIndexOf('@');
            at = later > q && rest.substring(0, later).indexOf('=') < 0 ? later : -1;
        }
        if (at < 0) {
            return rest;
        }
        String userInfo = rest.substring(0, at);
        int colon = userInfo.indexOf(':');
        String user = colon < 0 ? "" : userInfo.substring(0, colon + 1);
        if (colon < 0 && userInfo.isEmpty()) {
            return rest;
        }
        return user + MASK + rest.substring(at);
    }
}
