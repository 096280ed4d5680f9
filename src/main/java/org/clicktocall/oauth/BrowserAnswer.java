package org.clicktocall.oauth;

/**
 * How the callback answers the rep's browser, held in finish-dialpad-connect's variable {@code browser}; the route
 * sets the status, {@code Location} and {@code Content-Type} from it and sends {@code body}.
 *
 * @param location    where a redirect goes (302), or null for a page
 * @param contentType the page's type, or null for a redirect (no body)
 */
public record BrowserAnswer(int status, String location, String contentType, String body) {

    static final String HTML = "text/html; charset=utf-8";

    public static BrowserAnswer redirect(String location) {
        return new BrowserAnswer(302, location, null, "");
    }

    public static BrowserAnswer page(int status, String html) {
        return new BrowserAnswer(status, null, HTML, html);
    }
}
