package org.clicktocall.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;


import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.clicktocall.LocalDataFolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Zero-configuration database: when no {@code SPRING_DATASOURCE_URL} is set, run PostgreSQL from the bundled
 * binaries with its data in {@code <data-dir>/postgres}, so calls and tokens survive a restart. The pools on it are
 * made by {@link DataSources}, as for an external database.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${spring.datasource.url:}'.isEmpty()")
public class EmbeddedDatabaseConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabaseConfiguration.class);

    @Bean(destroyMethod = "close")
    EmbeddedPostgres embeddedPostgres(LocalDataFolder folder) {
        var dataDirectory = folder.ensureExists().resolve("postgres");
        refuseIfStillRunning(dataDirectory);
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    // the library turns this off for throwaway test databases; here the call log must survive a crash
                    .setServerConfig("synchronous_commit", "on")
                    .setPGStartupWait(Duration.ofSeconds(30))
                    // Stopped by Spring as this bean is destroyed, after everything that uses it (the pools, Quartz,
                    // requests still draining). The library's own JVM shutdown hook stopped it beside them: a click
                    // in flight at a stop was answered, but its outcome never reached the call log.
                    .setRegisterShutdownHook(false)
                    .start();
            LOG.info("Embedded PostgreSQL started on 127.0.0.1:{} with its data in {}", postgres.getPort(), dataDirectory);
            return postgres;
        } catch (IOException | RuntimeException e) {
            stopLeftRunning(dataDirectory);   // started, then not ready in time: no shutdown hook will stop it
            throw new EmbeddedDatabaseUnavailableException(dataDirectory, e);
        }
    }

    /** Stops (bounded) a PostgreSQL that a failed start left running on this data folder. */
    private static void stopLeftRunning(Path dataDirectory) {
        runningPostmaster(dataDirectory)
                .filter(p -> p.info().commandLine().map(c -> c.contains(dataDirectory.toString())).orElse(false))
                .ifPresent(postmaster -> {
                    postmaster.destroy();
                    postmaster.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> null).join();
                });
    }

    /**
     * A PostgreSQL left running by an instance that was killed holds the data folder; say so plainly instead of
     * failing later with "lock file already exists".
     */
    private static void refuseIfStillRunning(Path dataDirectory) {
        Optional<ProcessHandle> left = runningPostmaster(dataDirectory);
        if (left.isPresent()) {
            long pid = left.get().pid();
            throw new EmbeddedDatabaseUnavailableException(dataDirectory, new IllegalStateException(
                    "another PostgreSQL (pid " + pid + ") is still running on this data folder, probably left by an"
                            + " instance that was killed; stop it (kill " + pid + ") or wait for it to exit"));
        }
    }

    /** The live process named in the data folder's postmaster.pid; empty when there is none or it is unreadable. */
    private static Optional<ProcessHandle> runningPostmaster(Path dataDirectory) {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        } catch (IOException | RuntimeException unreadable) {
            return Optional.empty();   // a stale or unreadable pid file: PostgreSQL itself decides whether it may start
        }
    }

}
