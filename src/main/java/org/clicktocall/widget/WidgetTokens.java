package org.clicktocall.widget;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.clicktocall.LocalDataFolder;
import org.clicktocall.calls.JsonRequests;
import org.clicktocall.demo.DemoMode;
import org.clicktocall.support.Ids;
import org.clicktocall.web.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Short-lived tokens for the browser widget: the CRM's backend asks for one with its API key ({@code POST
 * /widget/sessions}) and hands it to the page, so the API key never reaches a browser. A token is an HS256 JWT bound
 * to one rep and one origin, valid for at most 15 minutes; it is checked by the request gate on the operations whose
 * {@code security} lists {@code widgetToken}.
 *
 * <p>In demo mode the answer says {@code "demo": true} and the token carries a {@code demo} claim, so the widget can
 * label what the simulator does as a demo even when the CRM's backend hands it only the token.
 *
 * <p>The secret is {@code WIDGET_TOKEN_SECRET} (at least 32 bytes) or one generated into the data folder, like the
 * generated API keys; several instances must share it.
 */
@Component
public class WidgetTokens {

    private static final Logger LOG = LoggerFactory.getLogger(WidgetTokens.class);
    /** The ceiling the issue sets: a leaked token is useful for 15 minutes at most. */
    public static final Duration MAX_TTL = Duration.ofMinutes(15);
    private static final String ISSUER = "click-to-call";
    private static final String AUDIENCE = "dialpad-call-widget";
    private static final String ORIGIN_CLAIM = "origin";
    /** Only in demo mode's tokens: the widget labels its toasts "demo", whatever the CRM's backend passes on. */
    private static final String DEMO_CLAIM = "demo";

    /** Who a verified token speaks for. */
    public record WidgetRep(String repId, String origin) {
    }

    private final byte[] secret;
    private final Duration ttl;
    private final Set<String> allowedOrigins;
    private final Clock clock;
    private final boolean demo;

    @Autowired
    public WidgetTokens(@Value("${widget.token-secret:}") String configuredSecret,
                        @Value("${widget.token-ttl:15m}") Duration ttl,
                        @Value("${widget.allowed-origins:}") String allowedOrigins,
                        @Value("${" + DemoMode.ACTIVE + ":false}") boolean demo,
                        LocalDataFolder folder) {
        this(secret(configuredSecret, folder), ttl, origins(allowedOrigins), demo, Clock.systemUTC());
    }

    WidgetTokens(byte[] secret, Duration ttl, Set<String> allowedOrigins, boolean demo, Clock clock) {
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalStateException("widget.token-ttl must be more than 0 and at most 15 minutes");
        }
        this.secret = secret;
        this.ttl = ttl;
        this.allowedOrigins = allowedOrigins;
        this.demo = demo;
        this.clock = clock;
    }

    /** The configured origins (WIDGET_ALLOWED_ORIGINS), normalised to scheme://host[:port]. */
    public Set<String> allowedOrigins() {
        return allowedOrigins;
    }

    public boolean originAllowed(String origin) {
        return origin != null && allowedOrigins.contains(origin.toLowerCase(Locale.ROOT));
    }

    /** {@code POST /widget/sessions}: {"rep_id", "origin"} to a token answer. */
    public Map<String, Object> issue(String body) {
        JsonNode json = JsonRequests.object(body, Set.of("rep_id", "origin"));
        String repId = JsonRequests.repId(JsonRequests.requiredString(json, "rep_id"));
        String origin = JsonRequests.requiredString(json, "origin");
        if (!originAllowed(origin)) {
            throw ApiException.badRequest("origin_not_allowed",
                    "origin must be one of the origins in WIDGET_ALLOWED_ORIGINS (scheme://host[:port])");
        }
        return issueFor(repId, origin);
    }

    /** A token for a rep and an origin already checked by the caller (demo mode's own try page). */
    public Map<String, Object> issueFor(String repId, String origin) {
        Instant now = clock.instant();
        Instant expires = now.plus(ttl);
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER).audience(AUDIENCE).subject(repId)
                .claim(ORIGIN_CLAIM, origin.toLowerCase(Locale.ROOT))
                .issueTime(Date.from(now)).expirationTime(Date.from(expires))
                .jwtID(Ids.randomUuid().toString());
        if (demo) {
            claims.claim(DEMO_CLAIM, true);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
        try {
            jwt.sign(new MACSigner(secret));
        } catch (JOSEException e) {
            throw new IllegalStateException("widget token signing failed", e);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("token", jwt.serialize());
        answer.put("token_type", "Bearer");
        answer.put("expires_in", ttl.toSeconds());
        answer.put("expires_at", expires.toString());
        answer.put("rep_id", repId);
        answer.put("origin", origin.toLowerCase(Locale.ROOT));
        answer.put("demo", demo);   // the built-in Dialpad simulator answers, not Dialpad: the page should say so
        return answer;
    }

    /** The rep and origin of a valid, unexpired token of ours; null for anything else. */
    public WidgetRep verify(String token) {
        if (token == null || token.length() > 4096) {
            return null;
        }
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(new MACVerifier(secret))) {
                return null;
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            Date exp = claims.getExpirationTime();
            Date iat = claims.getIssueTime();
            Instant now = clock.instant();
            if (exp == null || iat == null || !now.isBefore(exp.toInstant())
                    || Duration.between(iat.toInstant(), exp.toInstant()).compareTo(MAX_TTL) > 0
                    || !ISSUER.equals(claims.getIssuer()) || !List.of(AUDIENCE).equals(claims.getAudience())) {
                return null;
            }
            String rep = claims.getSubject();
            Object origin = claims.getClaim(ORIGIN_CLAIM);
            return rep == null || !(origin instanceof String o) ? null : new WidgetRep(rep, o);
        } catch (ParseException | JOSEException | RuntimeException e) {
            return null;
        }
    }

    private static byte[] secret(String configured, LocalDataFolder folder) {
        if (configured != null && !configured.isBlank()) {
            byte[] bytes = configured.getBytes(StandardCharsets.UTF_8);
            if (bytes.length < 32) {
                throw new IllegalStateException("WIDGET_TOKEN_SECRET must be at least 32 bytes (e.g. `openssl rand -hex 32`)");
            }
            return bytes;
        }
        String generated = folder.secret("widget-token-secret", () -> {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        });
        LOG.info("WIDGET_TOKEN_SECRET is not set: widget tokens are signed with the generated secret in {}"
                + " (set it, the same on every instance, when running more than one)", folder.resolve("widget-token-secret"));
        return generated.getBytes(StandardCharsets.UTF_8);
    }

    static Set<String> origins(String configured) {
        return Set.copyOf(Arrays.stream(configured == null ? new String[0] : configured.split(","))
                .map(String::trim).filter(o -> !o.isEmpty()).map(WidgetTokens::origin).toList());
    }

    /** An origin as browsers send it: scheme://host[:port], nothing else. */
    private static String origin(String value) {
        URI uri = URI.create(value);
        if (uri.getScheme() == null || uri.getHost() == null || (uri.getPath() != null && !uri.getPath().isEmpty())
                || uri.getQuery() != null || uri.getFragment() != null || uri.getUserInfo() != null
                || !Set.of("http", "https").contains(uri.getScheme().toLowerCase(Locale.ROOT))) {
            throw new IllegalStateException("WIDGET_ALLOWED_ORIGINS takes origins like https://crm.example.com"
                    + " (scheme, host and port only)");
        }
        return value.toLowerCase(Locale.ROOT);
    }
}
