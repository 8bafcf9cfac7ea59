package io.causality.processes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A component of the stack running in its own JVM, tracked by a pid file so that a later {@code
 * causality} invocation finds it, and stopped by that pid: SIGTERM first (each component drains on
 * it), SIGKILL only after a grace period.
 */
public final class ManagedProcess {
    private final String name;
    private final Path pidFile;
    private final Path logFile;

    public ManagedProcess(String name, StackLayout layout) {
        this.name = name;
        this.pidFile = layout.pids().resolve(name + ".pid");
        this.logFile = layout.logs().resolve(name + ".log");
    }

    public String name() {
        return name;
    }

    public Path logFile() {
        return logFile;
    }

    /** The running process, if the pid file names a live one that is still ours. */
    public Optional<ProcessHandle> running() {
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim());
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    // A pid file can outlive its process and the pid be reused: only a JVM is ours.
                    // Just after launch the child is still setsid, until it execs java.
                    .filter(
                            h ->
                                    h.info()
                                            .command()
                                            .map(c -> c.contains("java") || c.endsWith("setsid"))
                                            .orElse(true));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Starts {@code java <jvmArgs> -cp <this JVM's classpath> <mainClass> <args>}, detached from
     * the caller's session so it outlives the command that started it.
     */
    public ProcessHandle startJava(List<String> jvmArgs, String mainClass, List<String> args)
            throws IOException {
        return startJava(jvmArgs, System.getProperty("java.class.path"), mainClass, args);
    }

    /** As {@link #startJava(List, String, List)}, with a classpath of its own. */
    public ProcessHandle startJava(
            List<String> jvmArgs, String classpath, String mainClass, List<String> args)
            throws IOException {
        return startJava(jvmArgs, classpath, mainClass, args, java.util.Map.of());
    }

    /** As above, with extra environment variables for the process. */
    public ProcessHandle startJava(
            List<String> jvmArgs,
            String classpath,
            String mainClass,
            List<String> args,
            java.util.Map<String, String> env)
            throws IOException {
        return start(javaCommand(jvmArgs, classpath, mainClass, args), env);
    }

    /**
     * Starts a command (its first element the executable, e.g. another JDK's java), detached from
     * the caller's session, its output appended to the log.
     */
    public ProcessHandle start(List<String> command, java.util.Map<String, String> env)
            throws IOException {
        return start(command, env, null);
    }

    /** As {@link #start(List, java.util.Map)}, in a working directory (null: the caller's). */
    public ProcessHandle start(
            List<String> command, java.util.Map<String, String> env, Path workingDirectory)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add("setsid");
        cmd.addAll(command);
        Files.createDirectories(logFile.getParent());
        Files.createDirectories(pidFile.getParent());
        ProcessBuilder builder =
                new ProcessBuilder(cmd)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        if (workingDirectory != null) {
            builder.directory(workingDirectory.toFile());
        }
        builder.environment().putAll(env);
        Process p = builder.start();
        Files.writeString(pidFile, Long.toString(p.pid()), StandardCharsets.UTF_8);
        return p.toHandle();
    }

    /** Runs a Java main to completion (a one-off tool such as Kafka's storage formatter). */
    public static int runJava(List<String> jvmArgs, String mainClass, List<String> args, Path log)
            throws IOException, InterruptedException {
        return runJava(jvmArgs, System.getProperty("java.class.path"), mainClass, args, log);
    }

    /** As {@link #runJava(List, String, List, Path)}, with a classpath of its own. */
    public static int runJava(
            List<String> jvmArgs, String classpath, String mainClass, List<String> args, Path log)
            throws IOException, InterruptedException {
        List<String> cmd = javaCommand(jvmArgs, classpath, mainClass, args);
        Files.createDirectories(log.getParent());
        Process p =
                new ProcessBuilder(cmd)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException(mainClass + " did not finish within 2 minutes; see " + log);
        }
        return p.exitValue();
    }

    /** Stops the process by its pid and waits for it; true if it was running. */
    public boolean stop(Duration grace) throws IOException {
        Optional<ProcessHandle> handle = running();
        if (handle.isEmpty()) {
            Files.deleteIfExists(pidFile);
            return false;
        }
        ProcessHandle h = handle.get();
        h.destroy();
        try {
            h.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            h.destroyForcibly();
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                throw new IOException(
                        name + " (pid " + h.pid() + ") did not exit even after SIGKILL");
            }
        }
        Files.deleteIfExists(pidFile);
        return true;
    }

    /** The last lines of the log, to show when a start fails. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log at " + logFile + ")";
        }
    }

    /** {@code java <jvmArgs> -cp <this JVM's classpath> <mainClass> <args>}. */
    private static List<String> javaCommand(
            List<String> jvmArgs, String classpath, String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable());
        cmd.add("-XX:-UsePerfData");
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }

    static String javaExecutable() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
