package org.clicktocall.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What the connect flow and the token refresh need to talk to Dialpad's OAuth endpoints, read and checked once at
 * start (config/application.yaml says why each value is what it is). Only these keys of {@code dialpad.*} are bound
 * here; the rest belongs to other features. {@link #toString()} never shows the client secret.
 *
 * @param baseUrl         Dialpad (or its sandbox); /oauth2/authorize and /oauth2/token are under it
 * @param connectTimeout  ms to open a connection to the token endpoint
 * @param responseTimeout ms to wait for its answer: a slow token endpoint must not hold a refresh worker or a click
 * @param oauth           the OAuth client ({@code dialpad.oauth.*})
 */
@ConfigurationProperties("dialpad")
public record DialpadOAuthProperties(@DefaultValue("https://dialpad.com") String baseUrl,
                                     @DefaultValue("2000") long connectTimeout,
                                     @DefaultValue("5000") long responseTimeout,
                                     @DefaultValue OAuth oauth) {

    public DialpadOAuthProperties {
        if (connectTimeout <= 0 || responseTimeout <= 0) {
            throw new IllegalStateException("dialpad.connect-timeout and dialpad.response-timeout must be > 0 ms");
        }
    }

    /**
     * @param clientId             DIALPAD_CLIENT_ID; empty: reps cannot connect and nothing is refreshed
     * @param clientSecret         DIALPAD_CLIENT_SECRET
     * @param redirectUri          this service's /oauth/dialpad/callback, as registered with Dialpad
     * @param returnUrl            the CRM page the browser goes back to; empty: the callback answers a plain page
     * @param scopes               space-separated; offline_access yields refresh tokens
     * @param clientAuthentication basic (HTTP Basic) or post (in the form body)
     * @param stateTtlSeconds      how long a connect link is good for (once)
     */
    public record OAuth(@DefaultValue("") String clientId,
                        @DefaultValue("") String clientSecret,
                        @DefaultValue("") String redirectUri,
                        @DefaultValue("") String returnUrl,
                        @DefaultValue("offline_access") String scopes,
                        @DefaultValue("basic") String clientAuthentication,
                        @DefaultValue("600") long stateTtlSeconds) {

        public OAuth {
            if (!"basic".equalsIgnoreCase(clientAuthentication) && !"post".equalsIgnoreCase(clientAuthentication)) {
                throw new IllegalStateException("dialpad.oauth.client-authentication must be basic or post; got "
                        + clientAuthentication);
            }
            if (stateTtlSeconds <= 0) {
                throw new IllegalStateException("dialpad.oauth.state-ttl-seconds must be > 0");
            }
        }

        /** A client id and a redirect URI: reps can connect and tokens can be refreshed. */
        public boolean configured() {
            return !clientId.isBlank() && !redirectUri.isBlank();
        }

        public boolean hasReturnUrl() {
            return !returnUrl.isBlank();
        }

        @Override
        public String toString() {
            return "OAuth[clientId=" + clientId + ", clientSecret=" + (clientSecret.isEmpty() ? "" : "***")
                    + ", redirectUri=" + redirectUri + ", returnUrl=" + returnUrl + ", scopes=" + scopes
                    + ", clientAuthentication=" + clientAuthentication + ", stateTtlSeconds=" + stateTtlSeconds + "]";
        }
    }
}
