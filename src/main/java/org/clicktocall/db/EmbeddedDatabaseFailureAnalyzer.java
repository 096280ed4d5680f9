package org.clicktocall.db;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains a failed embedded start in terms an operator can act on. */
public class EmbeddedDatabaseFailureAnalyzer extends AbstractFailureAnalyzer<EmbeddedDatabaseUnavailableException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, EmbeddedDatabaseUnavailableException cause) {
        return new FailureAnalysis(
                cause.getMessage() + "\nThe embedded database runs PostgreSQL from bundled binaries in " + cause.dataDirectory()
                        + "; as root it runs them through user namespaces (unshare -U), which some containers block.",
                "Use an external PostgreSQL 15 or newer instead: set SPRING_DATASOURCE_URL"
                        + " (e.g. jdbc:postgresql://db-host:5432/clicktocall), SPRING_DATASOURCE_USERNAME and"
                        + " SPRING_DATASOURCE_PASSWORD. Or run the service as a non-root user, or point APP_DATA_DIR"
                        + " at a writable folder.",
                cause);
    }
}
