package org.clicktocall.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.clicktocall.support.ServiceTest;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;

/**
 * An upgrade that drops an index (V10) while other instances serve clicks on the same database: while it waits for
 * its lock, their clicks queue behind it, so it must give up sooner than they would. Runs the real migrations into a
 * schema of its own up to V9, then upgrades it while another session holds a transaction open on {@code calls}.
 */
class UpgradeWhileBusyTest extends ServiceTest {

    private final String schema = "upgrade_" + UUID.randomUUID().toString().replace("-", "");

    @Autowired
    @Qualifier("jobsDataSource")
    DataSource jobs;

    /** The pool clicks use. */
    @Autowired
    @Qualifier("dataSource")
    DataSource requests;

    private Flyway flyway(String target) {
        return Flyway.configure().dataSource(jobs).schemas(schema).locations("classpath:db/migration")
                .target(target).load();
    }

    @AfterEach
    void dropSchema() throws Exception {
        try (Connection c = jobs.getConnection(); Statement sql = c.createStatement()) {
            sql.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    @Test
    void theIndexDropGivesUpBeforeAQueuedClickWouldThenAppliesOnceTheLongTransactionEnds() throws Exception {
        flyway("9").migrate();
        assertThat(indexExists("calls_still_open")).isTrue();
        long clickLockTimeoutMs = clickLockTimeoutMillis();

        try (Connection longReader = jobs.getConnection()) {
            longReader.setAutoCommit(false);
            try (Statement sql = longReader.createStatement()) {
                sql.executeQuery("SELECT count(*) FROM " + schema + ".calls").close();   // holds its lock until commit
            }

            // While the upgrade waits for its lock, clicks on calls queue behind it: it must give up before they do.
            long started = System.nanoTime();
            assertThatThrownBy(() -> flyway("latest").migrate()).isInstanceOf(FlywayException.class)
                    .rootCause().hasMessageContaining("lock timeout");
            long upgradeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertThat(upgradeMillis).as("the upgrade (Flyway's own work included) gave up before a queued click would")
                    .isLessThan(clickLockTimeoutMs);
            assertThat(indexExists("calls_still_open")).as("nothing half-applied").isTrue();

            longReader.commit();
        }

        flyway("latest").migrate();   // what DatabaseMigrations' background retry does
        assertThat(indexExists("calls_still_open")).isFalse();
        assertThat(indexExists("calls_open_by_start")).isTrue();
    }

    /** How long a click's statement waits for a lock before it fails (the requests pool's lock_timeout). */
    private long clickLockTimeoutMillis() throws Exception {
        try (Connection c = requests.getConnection(); Statement sql = c.createStatement();
             ResultSet rows = sql.executeQuery("SELECT setting::bigint FROM pg_settings WHERE name = 'lock_timeout'")) {
            rows.next();
            long millis = rows.getLong(1);
            assertThat(millis).as("clicks have a lock timeout").isPositive();
            return millis;
        }
    }

    private boolean indexExists(String name) throws Exception {
        try (Connection c = jobs.getConnection(); Statement sql = c.createStatement();
             ResultSet rows = sql.executeQuery("SELECT 1 FROM pg_indexes WHERE schemaname = '" + schema
                     + "' AND indexname = '" + name + "'")) {
            return rows.next();
        }
    }
}
