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
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.MeterRegistry;
import org.clicktocall.config.DialpadOAuthProperties;
import org.clicktocall.tokens.TokenCipher;
import org.clicktocall.web.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 * endpoint through spring-security-oauth2-client's token clients (authorization code, refresh token). Each method
 * is a function of its arguments and answers a typed value the route keeps in a variable; tokens leave this class
 * only encrypted (or as the Bearer value of one request).
 */
@Component("dialpadOAuth")
public class DialpadOAuth {

    private static final Logger LOG = LoggerFactory.getLogger(DialpadOAuth.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder URL64 = Base64.getUrlEncoder().withoutPadding();

    private final TokenCipher cipher;
    private final MeterRegistry meters;
    private final String baseUrl;
    private final DialpadOAuthProperties.OAuth settings;
    private final ClientRegistration registration;
    private final RestClientAuthorizationCodeTokenResponseClient codeClient = new RestClientAuthorizationCodeTokenResponseClient();
    private final RestClientRefreshTokenTokenResponseClient refreshClient = new RestClientRefreshTokenTokenResponseClient();

    public DialpadOAuth(TokenCipher cipher, MeterRegistry meters, DialpadOAuthProperties properties) {
        this.cipher = cipher;
        this.meters = meters;
        this.baseUrl = properties.baseUrl();
        this.settings = properties.oauth();
        for (RefreshOutcome.Kind outcome : RefreshOutcome.Kind.values()) {
            meters.counter("clicktocall.tokens.refresh", "outcome", outcome.wireName());   // visible at 0 before the first refresh
        }
        if (settings.clientId().isBlank()) {
            this.registration = null;
        } else {
            this.registration = ClientRegistration.withRegistrationId("dialpad")
                    .clientId(settings.clientId())
                    .clientSecret(settings.clientSecret())
                    .clientAuthenticationMethod("post".equalsIgnoreCase(settings.clientAuthentication())
                            ? ClientAuthenticationMethod.CLIENT_SECRET_POST : ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                    .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                    .redirectUri(settings.redirectUri())
                    .authorizationUri(baseUrl + "/oauth2/authorize")
                    .tokenUri(baseUrl + "/oauth2/token")
                    .build();
        }
        // Bounded timeouts: a slow token endpoint must not hold a refresh worker (or a click) for long.
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(properties.connectTimeout())).build();
        JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(http);
        factory.setReadTimeout(Duration.ofMillis(properties.responseTimeout()));
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
        return registration != null && settings.configured();
    }

    // ---- connect -----------------------------------------------------------------------------------------------

    /**
     * A new connect attempt for the rep: the authorize URL for the browser, and the row to remember it by (with the
     * e-mail the CRM expects the rep's Dialpad account to have, or null). 409 without an OAuth client.
     */
    public ConnectStart startConnect(String repId, String expectedEmail) {
        if (!configured()) {
            throw new ApiException(409, "oauth_not_configured",
                    "Set DIALPAD_CLIENT_ID, DIALPAD_CLIENT_SECRET and DIALPAD_REDIRECT_URI to connect reps");
        }
        String state = random(32);
        String verifier = random(48);
        String authorizeUrl = UriComponentsBuilder.fromUriString(baseUrl + "/oauth2/authorize")
                .queryParam("client_id", settings.clientId())
                .queryParam("redirect_uri", settings.redirectUri())
                .queryParam("response_type", "code")
                .queryParam("state", state)
                .queryParam("scope", settings.scopes())
                .queryParam("code_challenge", URL64.encodeToString(sha256(verifier.getBytes(StandardCharsets.US_ASCII))))
                .queryParam("code_challenge_method", "S256")
                .encode().build().toUriString();
        return new ConnectStart(repId, stateHash(state), cipher.encrypt(repId, "code_verifier", verifier),
                Timestamp.from(Instant.now().plusSeconds(settings.stateTtlSeconds())), expectedEmail, authorizeUrl);
    }

    /** The stored form of a state; what the callback looks up. */
    public static String stateHash(String state) {
        return state == null ? "" : HexFormat.of().formatHex(sha256(state.getBytes(StandardCharsets.UTF_8)));
    }

    /** The callback's query: the code, the state's hash, and Dialpad's error (anything odd becomes authorization_failed). */
    public Callback callback(String code, String state, String error) {
        return new Callback(code, stateHash(state), dialpadError(error));
    }

    /** Dialpad's own error on the callback (e.g. access_denied when the rep declines), or null. */
    static String dialpadError(String error) {
        return error == null ? null : error.matches("[a-z_]{1,40}") ? error : "authorization_failed";
    }

    /** Exchanges the callback's code (with the PKCE verifier) for tokens, encrypted; the Dialpad user comes later. */
    public ConnectedToken exchangeCode(ConnectState state, Callback callback) {
        String code = callback.code();
        if (code == null || code.isBlank() || code.length() > 2048) {
            throw new DialpadConnections.ConnectFailed("missing_code");
        }
        String repId = state.repId();
        String verifier = cipher.decrypt(repId, "code_verifier", state.codeVerifier());
        OAuth2AuthorizationRequest request = OAuth2AuthorizationRequest.authorizationCode()
                .clientId(settings.clientId()).authorizationUri(registration.getProviderDetails().getAuthorizationUri())
                .redirectUri(settings.redirectUri()).state("stored")
                .attributes(a -> a.put(PkceParameterNames.CODE_VERIFIER, verifier))
                .build();
        OAuth2AuthorizationResponse response = OAuth2AuthorizationResponse.success(code)
                .redirectUri(settings.redirectUri()).state("stored").build();
        OAuth2AccessTokenResponse tokens = codeClient.getTokenResponse(
                new OAuth2AuthorizationCodeGrantRequest(registration, new OAuth2AuthorizationExchange(request, response)));
        return encrypted(repId, tokens, null);
    }

    /** Bearer value for GET /api/v2/users/me right after the exchange. */
    public String bearer(ConnectedToken tokens) {
        return "Bearer " + cipher.decrypt(tokens.repId(), "access_token", tokens.accessToken());
    }

    /** Bearer value of a stored token (for deauthorize on disconnect): a row of find-rep-connection.sql. */
    public String storedBearer(RepLookup rep, Map<String, Object> storedRow) {
        return "Bearer " + cipher.decrypt(rep.repId(), "access_token", (String) storedRow.get("access_token"));
    }

    // ---- refresh -----------------------------------------------------------------------------------------------

    /**
     * Refreshes one claimed token (a row of claim-expiring-tokens.sql or claim-rep-token-now.sql). Outcome
     * {@code refreshed} (new tokens, the old refresh token kept when Dialpad sends none), {@code invalid_grant}
     * (revoked, reused or expired: the rep must reconnect) or {@code transient_error} (timeouts, 5xx, anything
     * else: retried later, never disconnects the rep). Never throws; counts {@code clicktocall.tokens.refresh}.
     */
    public RefreshOutcome refresh(Map<String, Object> claimed) {
        String repId = (String) claimed.get("rep_id");
        RefreshOutcome result;
        try {
            String refreshToken = cipher.decrypt(repId, "refresh_token", (String) claimed.get("refresh_token"));
            OAuth2AccessToken current = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "unused",
                    Instant.now().minusSeconds(1), Instant.now());
            OAuth2AccessTokenResponse tokens = refreshClient.getTokenResponse(
                    new OAuth2RefreshTokenGrantRequest(registration, current, new OAuth2RefreshToken(refreshToken, null), Set.of()));
            result = RefreshOutcome.newPair(claimed, encrypted(repId, tokens, (String) claimed.get("refresh_token")));
        } catch (OAuth2AuthorizationException e) {
            String code = e.getError().getErrorCode();
            result = RefreshOutcome.failure("invalid_grant".equals(code)
                    ? RefreshOutcome.Kind.INVALID_GRANT : RefreshOutcome.Kind.TRANSIENT_ERROR, claimed, code);
        } catch (RuntimeException e) {
            result = RefreshOutcome.failure(RefreshOutcome.Kind.TRANSIENT_ERROR, claimed, e.getClass().getSimpleName());
        }
        meters.counter("clicktocall.tokens.refresh", "outcome", result.name()).increment();
        if (!result.refreshed()) {
            LOG.warn("Token refresh for rep {}: {} ({})", repId, result.name(), result.error());
        }
        return result;
    }

    private ConnectedToken encrypted(String repId, OAuth2AccessTokenResponse tokens, String previousRefreshCiphertext) {
        String refreshToken = tokens.getRefreshToken() != null
                ? cipher.encrypt(repId, "refresh_token", tokens.getRefreshToken().getTokenValue())
                : previousRefreshCiphertext;   // Dialpad may omit it: keep the one we have
        Instant expiresAt = tokens.getAccessToken().getExpiresAt();
        Set<String> scopeSet = new LinkedHashSet<>(tokens.getAccessToken().getScopes());
        return new ConnectedToken(repId, null, cipher.encrypt(repId, "access_token", tokens.getAccessToken().getTokenValue()),
                refreshToken, expiresAt == null ? null : Timestamp.from(expiresAt),
                scopeSet.isEmpty() ? settings.scopes() : String.join(" ", scopeSet));
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
