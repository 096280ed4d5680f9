package org.clicktocall;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Supplier;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.DependsOn;
import org.springframework.stereotype.Component;

/**
 * The folder where a zero-configuration start keeps what must survive a restart: the embedded database,
 * generated API keys and the generated token encryption key. Readable by the service's user only.
 */
@Component
@DependsOn("productionSettings") // the prod profile refuses these conveniences before anything is generated
public class LocalDataFolder {

    private final Path root;

    public LocalDataFolder(@Value("${app.data-dir:data}") String dataDir) {
        this.root = Path.of(dataDir).toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    public Path resolve(String name) {
        return root.resolve(name);
    }

    /** Reads a secret kept in the folder, creating it with {@code generator} on first use (owner-only permissions). */
    public synchronized String secret(String fileName, Supplier<String> generator) {
        Path file = resolve(fileName);
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).trim();
            }
            ensureExists();
            String value = generator.get();
            Files.writeString(file, value + "\n", StandardCharsets.UTF_8);
            restrictToOwner(file, "rw-------");
            return value;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create " + file + " (set app.data-dir to a writable folder)", e);
        }
    }

    public Path ensureExists() {
        try {
            Files.createDirectories(root);
            restrictToOwner(root, "rwx------");
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the data folder " + root + " (set APP_DATA_DIR to a writable folder)", e);
        }
    }

    private static void restrictToOwner(Path path, String permissions) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        } catch (UnsupportedOperationException notPosix) {
            // Non-POSIX file systems keep their defaults.
        }
    }
}
