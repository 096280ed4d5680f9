package org.clicktocall.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How the service is started: README's production launch as the build made it ({@code target/app/click-to-call}:
 * the unpacked jar, its JVM flags and a class-data archive), or the fat jar with {@code java -jar}.
 *
 * @param label   for the report
 * @param script  the launch script, or null for {@code java -jar}
 * @param jar     the fat jar (when script is null)
 */
record Launch(String label, Path script, Path jar) {

    static Launch fatJar(Path jar) {
        return new Launch("java -jar (the fat jar as built)", null, jar);
    }

    /** The production launch next to the service jar: {@code <jar's folder>/app/click-to-call}. */
    static Launch built(Path jar) {
        Path script = jar.toAbsolutePath().getParent().resolve("app/click-to-call");
        if (!Files.isExecutable(script)) {
            throw new IllegalStateException(script + " is missing: build it with mvn package (without -DskipLaunch)");
        }
        return new Launch("target/app/click-to-call (README's production launch, built by mvn package)", script, null);
    }

    /** The command that starts the service; {@code jvmFlags} go after the launch's own flags. */
    List<String> command(List<String> jvmFlags, Map<String, String> env) {
        List<String> command = new ArrayList<>();
        if (script != null) {
            command.add(script.toString());
            env.put("JAVA_HOME", System.getProperty("java.home"));
            if (!jvmFlags.isEmpty()) {
                env.put("JAVA_OPTS", String.join(" ", jvmFlags));
            }
            return command;
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags);
        command.add("-jar");
        command.add(jar.toString());
        return command;
    }
}
