package org.clicktocall.db;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.clicktocall.RoutesLocation;
import org.flywaydb.core.Flyway;
import org.quartz.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.quartz.SchedulerFactoryBeanCustomizer;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Applies the Flyway migrations, then adds the schedule routes ({@code routes/schedules/}) and starts the clustered
 * Quartz scheduler. When the database is reachable at start (the usual case, and always for the
 * embedded one) the schema is migrated before the service takes requests. When it is not, the service starts
 * anyway: liveness is UP, readiness DOWN, clicks get 503 with the tel: link, and this bean keeps trying in the
 * background and brings the schema and the schedules up as soon as the database is back. (The schedule routes
 * cannot simply wait: camel-quartz writes its trigger to the job store as soon as a quartz endpoint starts.)
 */
@Component
public class DatabaseMigrations {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseMigrations.class);
    private static final Duration MAX_WAIT = Duration.ofSeconds(30);

    private final Flyway flyway;
    private final ObjectProvider<Scheduler> scheduler;
    private final ObjectProvider<CamelContext> camel;
    private final String scheduleRoutes;
    private volatile boolean migrated;
    private final Object startOrClose = new Object();
    private volatile boolean closing;        // set under startOrClose
    private Set<String> scheduleRouteIds;    // once loaded; guarded by startOrClose
    private int scheduleFiles;               // guarded by startOrClose
    private int failedStarts;                // guarded by startOrClose

    public DatabaseMigrations(@Qualifier("jobsDataSource") DataSource dataSource, ObjectProvider<Scheduler> scheduler, ObjectProvider<CamelContext> camel,
                              @Value("${" + RoutesLocation.SCHEDULES + "}") String scheduleRoutes) {
        this.flyway = Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load();
        this.scheduler = scheduler;
        this.camel = camel;
        this.scheduleRoutes = scheduleRoutes;
        this.migrated = tryMigrate();
    }

    /**
     * Spring Boot gives the scheduler a transaction manager, which opens a database connection while the context
     * starts; without it the scheduler is created offline and touches the database only once it runs.
     */
    @Bean
    static SchedulerFactoryBeanCustomizer schedulerWithoutStartupTransaction() {
        return factory -> factory.setTransactionManager(null);
    }

    /**
     * Migrates (when the database was away at start) and starts the schedules; what fails is retried in the
     * background, with a growing wait, until it works or the service stops. A single instance whose schedules did
     * not start would otherwise never sweep, refresh tokens or purge until restarted.
     */
    @EventListener(ApplicationReadyEvent.class)
    public void startSchedulesNowOrWhenTheDatabaseIsBack() {
        if (migrated && startSchedules()) {
            return;
        }
        Thread retry = new Thread(() -> {
            Duration wait = Duration.ofSeconds(2);
            while (sleep(wait) && !closing) {
                wait = wait.multipliedBy(2).compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait.multipliedBy(2);
                if (!migrated) {
                    migrated = tryMigrate();
                }
                if (migrated && startSchedules()) {
                    return;
                }
            }
        }, "database-migrations");
        retry.setDaemon(true);
        retry.start();
    }

    private boolean tryMigrate() {
        try {
            flyway.migrate();
            return true;
        } catch (RuntimeException e) {
            LOG.warn("Database not reachable yet ({}): clicks get 503 with the tel: link; retrying in the background",
                    e.getClass().getSimpleName());
            return false;
        }
    }

    /**
     * A stop that arrives while the service is still starting (a deploy rolled back, a probe that gave up) must not
     * be followed by the schedules starting: their jobs would fire while Camel's context is already stopping, and
     * fail. Closing waits for a start in progress, whose scheduler then stops with the context as usual.
     */
    @EventListener(ContextClosedEvent.class)
    public void noSchedulesOnceClosing() {
        synchronized (startOrClose) {
            closing = true;
        }
    }

    /** True once the schedules run, or when the service is stopping (they never will then). */
    private boolean startSchedules() {
        synchronized (startOrClose) {
            if (closing) {
                LOG.info("Stopping: the clustered schedules are not started");
                return true;
            }
            return startSchedulesNow();
        }
    }

    private boolean startSchedulesNow() {
        try {
            CamelContext context = camel.getObject();   // looked up late: the Camel context is not needed to migrate
            if (scheduleRouteIds == null) {   // loading only parses; a retry starts what is already there
                Collection<Resource> routes = PluginHelper.getPackageScanResourceResolver(context).findResources(scheduleRoutes);
                Set<String> before = context.getRoutes().stream().map(Route::getRouteId).collect(Collectors.toSet());
                PluginHelper.getRoutesLoader(context).loadRoutes(routes);
                scheduleFiles = routes.size();
                scheduleRouteIds = context.getRoutes().stream().map(Route::getRouteId)
                        .filter(id -> !before.contains(id)).collect(Collectors.toCollection(LinkedHashSet::new));
            }
            // Routes added after start are left stopped by the supervising route controller: start them here. Each
            // writes its trigger to the job store, so this is where a database gone away again shows.
            for (String id : scheduleRouteIds) {
                ServiceStatus status = context.getRouteController().getRouteStatus(id);
                if (status != null && !status.isStarted()) {
                    context.getRouteController().startRoute(id);
                }
            }
            // Only now: a schedule that came due while no instance ran fires as soon as the scheduler starts, and
            // its job finds Camel only once the routes above have started camel-quartz (before, the run was lost
            // with "No CamelContext could be found").
            Scheduler quartz = scheduler.getIfAvailable();
            if (quartz != null && !quartz.isStarted()) {
                quartz.start();
            }
            LOG.info("Database schema in place; {} schedule file(s) added from {}", scheduleFiles, scheduleRoutes);
            return true;
        } catch (Exception e) {
            if (failedStarts++ == 0) {
                LOG.error("The clustered schedules could not start ({}); retrying in the background",
                        e.getClass().getSimpleName(), e);
            } else {
                LOG.warn("The clustered schedules still could not start ({}: {}); retrying in the background",
                        e.getClass().getSimpleName(), e.getMessage());
            }
            return false;
        }
    }

    /** False when interrupted: the retry then ends instead of spinning. */
    private static boolean sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
