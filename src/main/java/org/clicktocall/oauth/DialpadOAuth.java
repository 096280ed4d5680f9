package org.clicktocall.oauth;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.MeterRegistry;
import org.clicktocall.tokens.TokenCipher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.endpoint.RestClientAuthorizationCodeTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.RestClientRefreshTokenTokenResponseClient;
import org.springframework.security.oauth2.client.http.OAuth2ErrorResponseErrorHandler;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationExchange;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationResponse;
import org.springframework.security.oauth2.core.endpoint.PkceParameterNames;
import org.springframework.security.oauth2.core.http.converter.OAuth2AccessTokenResponseHttpMessageConverter;
import org.springframework.http.converter.FormHttpMessageConverter;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Dialpad's OAuth 2.0, for the connect and refresh routes: the authorize URL (state + PKCE S256), and the token
 * endpoint through spring-security-oauth2-client's token clients (authorization code, refresh token). Outcomes
 * are plain maps the routes store with camel-sql; tokens leave this class only encrypted.
 */
@Component("dialpadOAuth")
public class DialpadOAuth {

    private static final Logger LOG = LoggerFactory.getLogger(DialpadOAuth.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder URL64 = Base64.getUrlEncoder().withoutPadding();

    private final TokenCipher cipher;
    private final MeterRegistry meters;
    private final String baseUrl;
    private final String clientId;
    private final String redirectUri;
    private final String scopes;
    private final Duration stateTtl;
    private final ClientRegistration registration;
    private final RestClientAuthorizationCodeTokenResponseClient codeClient = new RestClientAuthorizationCodeTokenResponseClient();
    private final RestClientRefreshTokenTokenResponseClient refreshClient = new RestClientRefreshTokenTokenResponseClient();

    public DialpadOAuth(TokenCipher cipher, MeterRegistry meters,
                        @Value("${dialpad.base-url}") String baseUrl,
                        @Value("${dialpad.oauth.client-id:}") String clientId,
                        @Value("${dialpad.oauth.client-secret:}") String clientSecret,
                        @Value("${dialpad.oauth.redirect-uri:}") String redirectUri,
                        @Value("${dialpad.oauth.scopes:offline_access}") String scopes,
                        @Value("${dialpad.oauth.client-authentication:basic}") String clientAuthentication,
                        @Value("${dialpad.oauth.state-ttl-seconds:600}") long stateTtlSeconds,
                        @Value("${dialpad.connect-timeout}") long connectTimeoutMs,
                        @Value("${dialpad.response-timeout}") long responseTimeoutMs) {
        this.cipher = cipher;
        this.meters = meters;
        this.baseUrl = baseUrl;
        this.clientId = clientId;
        this.redirectUri = redirectUri;
        this.scopes = scopes;
        this.stateTtl = Duration.ofSeconds(stateTtlSeconds);
        for (String outcome : new String[] {"refreshed", "invalid_grant", "transient_error"}) {
            meters.counter("clicktocall.tokens.refresh", "outcome", outcome);   // visible at 0 before the first refresh
        }
        if (clientId.isBlank()) {
            this.registration = null;
        } else {
            this.registration = ClientRegistration.withRegistrationId("dialpad")
                    .clientId(clientId)
                    .clientSecret(clientSecret)
                    .clientAuthenticationMethod("post".equalsIgnoreCase(clientAuthentication)
                            ? ClientAuthenticationMethod.CLIENT_SECRET_POST : ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                    .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                    .redirectUri(redirectUri)
                    .authorizationUri(baseUrl + "/oauth2/authorize")
                    .tokenUri(baseUrl + "/oauth2/token")
                    .build();
        }
        // Bounded timeouts: a slow token endpoint must not hold a refresh worker (or a click) for long.
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(connectTimeoutMs)).build();
        JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(http);
        factory.setReadTimeout(Duration.ofMillis(responseTimeoutMs));
        RestClient rest = RestClient.builder()
                .requestFactory(factory)
                .messageConverters(converters -> {
                    converters.clear();
                    converters.add(new FormHttpMessageConverter());
                    converters.add(new OAuth2AccessTokenResponseHttpMessageConverter());
                })
                .defaultStatusHandler(new OAuth2ErrorResponseErrorHandler())
                .build();
        codeClient.setRestClient(rest);
        refreshClient.setRestClient(rest);
    }

    public boolean configured() {
        return registration != null && !redirectUri.isBlank();
    }

    // ---- connect -----------------------------------------------------------------------------------------------

    /**
     * A new connect attempt for the rep: the authorize URL for the browser, and the row to remember it by (with the
     * e-mail the CRM expects the rep's Dialpad account to have, or null).
     */
    public Map<String, Object> startConnect(String repId, String expectedEmail) {
        if (!configured()) {
            throw new org.clicktocall.web.ApiException(409, "oauth_not_configured",
                    "Set DIALPAD_CLIENT_ID, DIALPAD_CLIENT_SECRET and DIALPAD_REDIRECT_URI to connect reps");
        }
        String state = random(32);
        String verifier = random(48);
        String authorizeUrl = UriComponentsBuilder.fromUriString(baseUrl + "/oauth2/authorize")
                .queryParam("client_id", clientId)
                .queryParam("redirect_uri", redirectUri)
                .queryParam("response_type", "code")
                .queryParam("state", state)
                .queryParam("scope", scopes)
                .queryParam("code_challenge", URL64.encodeToString(sha256(verifier.getBytes(StandardCharsets.US_ASCII))))
                .queryParam("code_challenge_method", "S256")
                .encode().build().toUriString();
        Map<String, Object> row = new HashMap<>();
        row.put("repId", repId);
        row.put("stateHash", stateHash(state));
        row.put("codeVerifier", cipher.encrypt(repId, "code_verifier", verifier));
        row.put("expiresAt", Timestamp.from(Instant.now().plus(stateTtl)));
        row.put("expectedEmail", expectedEmail);
        row.put("authorizeUrl", authorizeUrl);
        return row;
    }

    /** The stored form of a state; what the callback looks up. */
    public String stateHash(String state) {
        return state == null ? "" : HexFormat.of().formatHex(sha256(state.getBytes(StandardCharsets.UTF_8)));
    }

    /** SQL parameters to use the callback's state. */
    public Map<String, Object> stateLookup(String state) {
        return new HashMap<>(Map.of("stateHash", stateHash(state)));
    }

    /** Exchanges the callback's code (with the PKCE verifier) for tokens: the encrypted row to store. */
    public Map<String, Object> exchangeCode(Map<String, Object> stateRow, String code) {
        if (code == null || code.isBlank() || code.length() > 2048) {
            throw new DialpadConnections.ConnectFailed("missing_code");
        }
        String repId = (String) stateRow.get("rep_id");
        String verifier = cipher.decrypt(repId, "code_verifier", (String) stateRow.get("code_verifier"));
        OAuth2AuthorizationRequest request = OAuth2AuthorizationRequest.authorizationCode()
                .clientId(clientId).authorizationUri(registration.getProviderDetails().getAuthorizationUri())
                .redirectUri(redirectUri).state("stored").attributes(a -> a.put(PkceParameterNames.CODE_VERIFIER, verifier))
                .build();
        OAuth2AuthorizationResponse response = OAuth2AuthorizationResponse.success(code).redirectUri(redirectUri).state("stored").build();
        OAuth2AccessTokenResponse tokens = codeClient.getTokenResponse(
                new OAuth2AuthorizationCodeGrantRequest(registration, new OAuth2AuthorizationExchange(request, response)));
        return tokenRow(repId, tokens, null);
    }

    /** Bearer value for GET /api/v2/users/me right after the exchange. */
    public String bearer(Map<String, Object> tokenRow) {
        return "Bearer " + cipher.decrypt((String) tokenRow.get("repId"), "access_token", (String) tokenRow.get("accessToken"));
    }

    /** Bearer value of a stored token (for deauthorize on disconnect). */
    public String storedBearer(String repId, Map<String, Object> storedRow) {
        return "Bearer " + cipher.decrypt(repId, "access_token", (String) storedRow.get("access_token"));
    }

    // ---- refresh -----------------------------------------------------------------------------------------------

    /**
     * Refreshes one claimed token. Outcome {@code refreshed} (new tokens, the old refresh token kept when Dialpad
     * sends none), {@code invalid_grant} (revoked, reused or expired: the rep must reconnect) or
     * {@code transient_error} (timeouts, 5xx, anything else: retried later, never disconnects the rep).
     */
    public Map<String, Object> refresh(Map<String, Object> claimed) {
        String repId = (String) claimed.get("rep_id");
        Map<String, Object> result;
        try {
            String refreshToken = cipher.decrypt(repId, "refresh_token", (String) claimed.get("refresh_token"));
            OAuth2AccessToken current = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "unused",
                    Instant.now().minusSeconds(1), Instant.now());
            OAuth2AccessTokenResponse tokens = refreshClient.getTokenResponse(
                    new OAuth2RefreshTokenGrantRequest(registration, current, new OAuth2RefreshToken(refreshToken, null), Set.of()));
            result = tokenRow(repId, tokens, (String) claimed.get("refresh_token"));
            result.put("outcome", "refreshed");
        } catch (OAuth2AuthorizationException e) {
            String code = e.getError().getErrorCode();
            result = new HashMap<>();
            result.put("outcome", "invalid_grant".equals(code) ? "invalid_grant" : "transient_error");
            result.put("error", code);
        } catch (RuntimeException e) {
            result = new HashMap<>();
            result.put("outcome", "transient_error");
            result.put("error", e.getClass().getSimpleName());
        }
        result.put("repId", repId);
        result.put("version", claimed.get("version"));
        result.put("failures", claimed.get("refresh_failures"));
        meters.counter("clicktocall.tokens.refresh", "outcome", (String) result.get("outcome")).increment();
        if (!"refreshed".equals(result.get("outcome"))) {
            LOG.warn("Token refresh for rep {}: {} ({})", repId, result.get("outcome"), result.get("error"));
        }
        return result;
    }

    private Map<String, Object> tokenRow(String repId, OAuth2AccessTokenResponse tokens, String previousRefreshCiphertext) {
        Map<String, Object> row = new HashMap<>();
        row.put("repId", repId);
        row.put("accessToken", cipher.encrypt(repId, "access_token", tokens.getAccessToken().getTokenValue()));
        row.put("refreshToken", tokens.getRefreshToken() != null
                ? cipher.encrypt(repId, "refresh_token", tokens.getRefreshToken().getTokenValue())
                : previousRefreshCiphertext);   // Dialpad may omit it: keep the one we have
        Instant expiresAt = tokens.getAccessToken().getExpiresAt();
        row.put("expiresAt", expiresAt == null ? null : Timestamp.from(expiresAt));
        Set<String> scopeSet = new LinkedHashSet<>(tokens.getAccessToken().getScopes());
        row.put("scope", scopeSet.isEmpty() ? scopes : String.join(" ", scopeSet));
        return row;
    }

    private static String random(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return URL64.encodeToString(value);
    }

    private static byte[] sha256(byte[] value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
