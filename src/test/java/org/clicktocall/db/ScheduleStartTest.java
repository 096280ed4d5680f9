package org.clicktocall.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.clicktocall.support.ServiceTest;
import org.junit.jupiter.api.Test;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.Scheduler;
import org.quartz.listeners.JobListenerSupport;
import org.quartz.listeners.SchedulerListenerSupport;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.scheduling.quartz.SchedulerFactoryBean;

/**
 * How the clustered schedules start, with the real {@link DatabaseMigrations} on the test database: each test runs
 * instances of its own, each with a clustered scheduler (under this test's scheduler name, so a later instance finds
 * an earlier one's trigger) and a Camel context whose camel-quartz uses it, with a schedule of its own that fires
 * every 2 s ({@code test-schedules/tick.yaml}).
 */
class ScheduleStartTest extends ServiceTest {

    private static final String SCHEDULES = "classpath:test-schedules/*.yaml";
    private static final String ROUTE = "test-tick";

    @Autowired
    @Qualifier("jobsDataSource")
    DataSource jobs;

    private final String schedulerName = "schedule-start-" + UUID.randomUUID();

    /**
     * A restart after every instance was down past a schedule's fire time (a deploy, a host reboot): Quartz fires the
     * missed run as soon as its scheduler starts. That run must reach its route, not fail with "No CamelContext could
     * be found" because the scheduler started before the schedule routes had started camel-quartz.
     */
    @Test
    void aScheduleThatCameDueWhileNoInstanceRanRunsOnceTheServiceStarts() throws Exception {
        // The instance before: its schedule route writes the trigger to the job store, then it stops.
        SchedulerFactoryBean before = scheduler();
        CamelContext previous = camel(before.getScheduler());
        PluginHelper.getRoutesLoader(previous).loadRoutes(
                PluginHelper.getPackageScanResourceResolver(previous).findResources(SCHEDULES));
        previous.stop();
        before.destroy();
        Thread.sleep(2_500);   // the schedule (every 2 s) comes due while no instance runs

        // The restart.
        SchedulerFactoryBean after = scheduler();
        Scheduler quartz = after.getScheduler();
        CamelContext camel = camel(quartz);
        List<String> routeWhenSchedulerStarted = new CopyOnWriteArrayList<>();
        List<JobExecutionException> failedRuns = new CopyOnWriteArrayList<>();
        List<String> runs = new CopyOnWriteArrayList<>();
        quartz.getListenerManager().addSchedulerListener(new SchedulerListenerSupport() {
            @Override
            public void schedulerStarted() {
                ServiceStatus status = camel.getRouteController().getRouteStatus(ROUTE);
                routeWhenSchedulerStarted.add(String.valueOf(status));
            }
        });
        quartz.getListenerManager().addJobListener(new JobListenerSupport() {
            @Override
            public String getName() {
                return "runs";
            }

            @Override
            public void jobWasExecuted(JobExecutionContext context, JobExecutionException failure) {
                runs.add(context.getJobDetail().getKey().toString());
                if (failure != null) {
                    failedRuns.add(failure);
                }
            }
        });
        try {
            migrations(quartz, camel).startSchedulesNowOrWhenTheDatabaseIsBack();

            await().atMost(Duration.ofSeconds(10)).until(() -> !runs.isEmpty());
            assertThat(routeWhenSchedulerStarted).as("the schedule route when the scheduler started")
                    .containsExactly("Started");
            assertThat(failedRuns).as("runs that failed").isEmpty();
        } finally {
            camel.stop();
            quartz.clear();   // this test's job and trigger out of the shared job store
            after.destroy();
        }
    }

    /**
     * A stop that arrives while the service is still starting (a deploy rolled back, a probe that gave up): the
     * context closes before the ready event that starts the schedules. They must not start after it: their jobs would
     * fire while Camel's context is already stopping, and fail.
     */
    @Test
    void aServiceStoppedBeforeItWasReadyDoesNotStartItsSchedules() throws Exception {
        SchedulerFactoryBean factory = scheduler();
        Scheduler quartz = factory.getScheduler();
        CamelContext camel = camel(quartz);
        try {
            DatabaseMigrations migrations = migrations(quartz, camel);

            migrations.noSchedulesOnceClosing();                  // the stop arrives first...
            migrations.startSchedulesNowOrWhenTheDatabaseIsBack(); // ...then the ready event

            assertThat(quartz.isStarted()).as("scheduler started after the stop").isFalse();
            assertThat(camel.getRouteController().getRouteStatus(ROUTE)).as("schedule route after the stop").isNull();
        } finally {
            camel.stop();
            quartz.clear();
            factory.destroy();
        }
    }

    /**
     * The database goes away again between the migration and the schedules' start (a fail-over, a network blip):
     * starting a schedule route writes its trigger to the job store, and fails. The schedules must start on a later
     * try, not stay off until the service is restarted.
     */
    @Test
    void schedulesThatCouldNotStartBecauseTheDatabaseWasAwayStartOnALaterTry() throws Exception {
        AtomicBoolean databaseAway = new AtomicBoolean();
        DataSource flaky = new DelegatingDataSource(jobs) {
            @Override
            public Connection getConnection() throws SQLException {
                if (databaseAway.get()) {
                    throw new SQLException("connection refused (the test's database is away)", "08001");
                }
                return super.getConnection();
            }
        };
        SchedulerFactoryBean factory = scheduler(flaky);
        Scheduler quartz = factory.getScheduler();
        CamelContext camel = camel(quartz);
        DatabaseMigrations migrations = migrations(quartz, camel);
        try {
            databaseAway.set(true);
            migrations.startSchedulesNowOrWhenTheDatabaseIsBack();
            assertThat(quartz.isStarted()).as("scheduler started while its database was away").isFalse();

            databaseAway.set(false);
            await().atMost(Duration.ofSeconds(15)).until(quartz::isStarted);
            assertThat(camel.getRouteController().getRouteStatus(ROUTE)).isEqualTo(ServiceStatus.Started);
        } finally {
            databaseAway.set(false);
            migrations.noSchedulesOnceClosing();   // ends the retry, whatever happened above
            camel.stop();
            quartz.clear();
            factory.destroy();
        }
    }

    private DatabaseMigrations migrations(Scheduler quartz, CamelContext camel) {
        return new DatabaseMigrations(jobs, provider(Scheduler.class, quartz), provider(CamelContext.class, camel),
                SCHEDULES);
    }

    private SchedulerFactoryBean scheduler() throws Exception {
        return scheduler(jobs);
    }

    /** A clustered scheduler on the test database, not started: as the service's, under this test's own name. */
    private SchedulerFactoryBean scheduler(DataSource database) throws Exception {
        Properties settings = new Properties();
        settings.setProperty("org.quartz.jobStore.isClustered", "true");
        settings.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        settings.setProperty("org.quartz.scheduler.instanceId", "AUTO");
        settings.setProperty("org.quartz.threadPool.threadCount", "1");
        SchedulerFactoryBean factory = new SchedulerFactoryBean();
        factory.setSchedulerName(schedulerName);
        factory.setDataSource(database);
        factory.setQuartzProperties(settings);
        factory.setAutoStartup(false);
        factory.afterPropertiesSet();
        return factory;
    }

    /** A Camel context whose camel-quartz uses the given scheduler and leaves starting it to the service. */
    private static CamelContext camel(Scheduler scheduler) {
        CamelContext camel = new DefaultCamelContext();
        camel.getCamelContextExtension().setName("schedule-start-test");
        QuartzComponent quartz = new QuartzComponent();
        quartz.setScheduler(scheduler);
        quartz.setAutoStartScheduler(false);
        camel.addComponent("quartz", quartz);
        camel.start();
        return camel;
    }

    private static <T> ObjectProvider<T> provider(Class<T> type, T bean) {
        return new StaticListableBeanFactory(Map.of(type.getSimpleName(), bean)).getBeanProvider(type);
    }
}
