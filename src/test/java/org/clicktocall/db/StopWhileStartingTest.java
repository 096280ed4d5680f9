package org.clicktocall.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.clicktocall.support.ServiceTest;
import org.junit.jupiter.api.Test;
import org.quartz.Scheduler;
import org.quartz.impl.StdSchedulerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/**
 * A service stopped while it is still starting: the stop (the context closing) comes before the ready event that
 * starts the clustered schedules. Seen as "No CamelContext could be found" errors from jobs that fired after Camel's
 * context had stopped. Runs the real {@link DatabaseMigrations} on the test database with a scheduler of its own.
 */
class StopWhileStartingTest extends ServiceTest {

    @Autowired
    @Qualifier("jobsDataSource")
    DataSource jobs;

    @Test
    void aServiceStoppedBeforeItWasReadyDoesNotStartItsSchedules() throws Exception {
        Scheduler quartz = ownScheduler();
        try {
            DatabaseMigrations migrations = new DatabaseMigrations(jobs,
                    new StaticListableBeanFactory(Map.of("quartz", quartz)).getBeanProvider(Scheduler.class),
                    new StaticListableBeanFactory().getBeanProvider(CamelContext.class),
                    "classpath:routes/schedules/*.yaml");

            migrations.noSchedulesOnceClosing();                  // the stop arrives first...
            migrations.startSchedulesNowOrWhenTheDatabaseIsBack(); // ...then the ready event

            assertThat(quartz.isStarted()).as("scheduler started after the stop").isFalse();
        } finally {
            quartz.shutdown();
        }
    }

    private static Scheduler ownScheduler() throws Exception {
        Properties settings = new Properties();
        settings.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME, "stop-while-starting-" + UUID.randomUUID());
        settings.setProperty("org.quartz.threadPool.threadCount", "1");
        settings.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        return new StdSchedulerFactory(settings).getScheduler();
    }
}
