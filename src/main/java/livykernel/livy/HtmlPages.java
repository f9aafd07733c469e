package livykernel.livy;

import java.util.regex.Pattern;

/** The gist of an HTML page answered where JSON was expected: its title and first words, for one sentence. */
final class HtmlPages {

    private static final int MAX = 160;
    private static final Pattern TITLE = Pattern.compile("(?is)<title[^>]*>(.*?)</title>");
    private static final Pattern HIDDEN = Pattern.compile("(?is)<(head|script|style)[^>]*>.*?</\\1\\s*>");
    private static final Pattern TAG = Pattern.compile("(?s)<[^>]*>");

    private HtmlPages() {
    }

    /**
     * The page's title, then the body's text ("Not Found: Application application_1_2 could not be
     * found in RM or history server"), whitespace collapsed, cut to a sentence's length.
     */
    static String gist(String html) {
        var m = TITLE.matcher(html);
        String title = m.find() ? text(m.group(1)) : "";
        String body = text(TAG.matcher(HIDDEN.matcher(html).replaceAll(" ")).replaceAll(" "));
        if (body.startsWith(title)) {
            body = body.substring(title.length()).strip();
        }
        String gist = title.isEmpty() ? body : body.isEmpty() ? title : title + ": " + body;
        return gist.length() <= MAX ? gist : gist.substring(0, MAX - 1).strip() + "…";
    }

    private static String text(String s) {
        return s.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&#39;", "'").replace("&amp;", "&").replaceAll("\\s+", " ").strip();
    }
}
