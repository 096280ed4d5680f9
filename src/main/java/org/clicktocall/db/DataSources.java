package org.clicktocall.db;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.jdbc.DataSourceHealthIndicator;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.boot.autoconfigure.quartz.QuartzDataSource;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.util.StringUtils;

/**
 * Two connection pools on one database, so background work can never take the connections clicks need:
 * {@code dataSource} (requests: clicks, reads, events) with tight timeouts, and {@code jobsDataSource} (Quartz,
 * the sweep, token refresh, retention, migrations) with its own few connections and longer statements. The
 * timeouts of each are in config/application.yaml ({@code spring.datasource.hikari}, {@code app.jobs-datasource.hikari}).
 */
@Configuration(proxyBeanMethods = false)
public class DataSources {

    /** Where the database is: {@code SPRING_DATASOURCE_URL}, or the embedded PostgreSQL when that is empty. */
    public record Address(String url, String username, String password) {}

    @Bean
    Address databaseAddress(DataSourceProperties configured, ObjectProvider<EmbeddedPostgres> embedded,
                            ConfigurableListableBeanFactory beans) {
        if (!StringUtils.hasText(configured.getUrl())) {
            EmbeddedPostgres postgres = embedded.getObject();
            // An object provider records no dependency: without this, the database would be stopped after the pools
            // only because it was created before them.
            beans.registerDependentBean("embeddedPostgres", "databaseAddress");
            return new Address(postgres.getJdbcUrl("postgres", "postgres"), "postgres", null);
        }
        return new Address(configured.getUrl(), configured.getUsername(), configured.getPassword());
    }

    @Bean
    @Primary
    @ConfigurationProperties("spring.datasource.hikari")
    HikariDataSource dataSource(Address address) {
        return pool("requests", address);
    }

    @Bean
    @QuartzDataSource
    @ConfigurationProperties("app.jobs-datasource.hikari")
    HikariDataSource jobsDataSource(Address address) {
        return pool("jobs", address);
    }

    /**
     * Readiness asks the requests pool only: it answers within its 2 s connection timeout whether clicks can be
     * logged, while the jobs pool may wait longer and would make the probe itself slow.
     */
    @Bean
    HealthIndicator dbHealthContributor(@Qualifier("dataSource") DataSource requests) {
        return new DataSourceHealthIndicator(requests);
    }

    private static HikariDataSource pool(String name, Address address) {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setPoolName(name);
        dataSource.setJdbcUrl(address.url());
        dataSource.setUsername(address.username());
        dataSource.setPassword(address.password());
        return dataSource;
    }
}
