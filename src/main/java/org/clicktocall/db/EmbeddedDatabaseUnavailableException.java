package org.clicktocall.db;

import java.nio.file.Path;

/** The embedded PostgreSQL could not start; the failure analyzer turns this into advice about an external database. */
public class EmbeddedDatabaseUnavailableException extends RuntimeException {

    private final Path dataDirectory;

    public EmbeddedDatabaseUnavailableException(Path dataDirectory, Throwable cause) {
        super("The embedded PostgreSQL could not start in " + dataDirectory + ": " + rootMessage(cause), cause);
        this.dataDirectory = dataDirectory;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
