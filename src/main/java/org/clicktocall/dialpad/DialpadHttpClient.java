package org.clicktocall.dialpad;

import java.util.Locale;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.ConnectionKeepAliveStrategy;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.IdleConnectionEvictor;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The connection pool every {@code http:}/{@code https:} endpoint uses to reach Dialpad (set on the camel-http
 * component in config/application.yaml). A server closing an idle keep-alive connection is not Dialpad being down,
 * so a stale pooled connection must never carry a click:
 * <ul>
 *   <li>a connection idle longer than {@code dialpad.http.validate-after-inactivity-ms} is checked before it is
 *       reused (a 1 ms read that sees the server's FIN), instead of HttpClient's default of 2 s: a server that
 *       closes idle connections after 1 s would otherwise hand us dead sockets;</li>
 *   <li>a connection is kept at most {@code dialpad.http.max-idle-ms}, or less when the server says so in
 *       {@code Keep-Alive: timeout=N} (we give up one second early, so we never race the server's close);</li>
 *   <li>a background evictor closes expired and idle connections, so a pool that went stale while the breaker was
 *       open is empty, not poisoned, when the first trial call comes.</li>
 * </ul>
 * Camel's component builds its own pool when none is given; this one is shared, so the component's
 * {@code max-total-connections} / {@code connections-per-route} are applied here (one source for both).
 */
@Configuration(proxyBeanMethods = false)
public class DialpadHttpClient {

    @Bean(destroyMethod = "close")
    public PoolingHttpClientConnectionManager dialpadConnectionManager(
            @Value("${camel.component.http.max-total-connections:200}") int maxTotal,
            @Value("${camel.component.http.connections-per-route:200}") int perRoute,
            @Value("${dialpad.connect-timeout:2000}") long connectTimeoutMillis,
            @Value("${dialpad.response-timeout:5000}") long responseTimeoutMillis,
            @Value("${dialpad.http.validate-after-inactivity-ms:500}") long validateAfterMillis) {
        return PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(maxTotal)
                .setMaxConnPerRoute(perRoute)
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.ofMilliseconds(connectTimeoutMillis))
                        .setSocketTimeout(Timeout.ofMilliseconds(responseTimeoutMillis))
                        .setValidateAfterInactivity(TimeValue.ofMilliseconds(validateAfterMillis))
                        .build())
                .build();
    }

    /** Closes expired connections and those idle longer than the keep-alive cap, in the background. */
    @Bean(initMethod = "start", destroyMethod = "shutdown")
    public IdleConnectionEvictor dialpadConnectionEvictor(PoolingHttpClientConnectionManager dialpadConnectionManager,
                                                          @Value("${dialpad.http.max-idle-ms:30000}") long maxIdleMillis) {
        TimeValue maxIdle = TimeValue.ofMilliseconds(maxIdleMillis);
        return new IdleConnectionEvictor(dialpadConnectionManager, TimeValue.ofMilliseconds(Math.max(1000, maxIdleMillis / 2)), maxIdle);
    }

    /** Keep-alive per response: the server's hint (one second early), capped at our own maximum. */
    @Bean
    public HttpClientConfigurer dialpadHttpClientConfigurer(@Value("${dialpad.http.max-idle-ms:30000}") long maxIdleMillis) {
        ConnectionKeepAliveStrategy keepAlive = (response, context) -> TimeValue.ofMilliseconds(
                keepAliveMillis(response.getFirstHeader("Keep-Alive"), maxIdleMillis));
        return builder -> builder.setKeepAliveStrategy(keepAlive)
                .disableCookieManagement()
                .disableContentCompression()
                .disableAuthCaching();
    }

    /** {@code Keep-Alive: timeout=N[, max=M]}: N seconds less a margin (1 s, or half of N), never above our cap. */
    static long keepAliveMillis(Header header, long maxIdleMillis) {
        if (header == null || header.getValue() == null) {
            return maxIdleMillis;
        }
        for (String part : header.getValue().split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length == 2 && kv[0].trim().toLowerCase(Locale.ROOT).equals("timeout")
                    && kv[1].trim().matches("[0-9]{1,9}")) {
                long seconds = Long.parseLong(kv[1].trim());
                long hinted = seconds * 1000 - Math.min(1000, seconds * 500);
                return Math.max(1, Math.min(hinted, maxIdleMillis));
            }
        }
        return maxIdleMillis;
    }
}
