package io.greening.libs;

import redis.embedded.core.ExecutableProvider;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} on a free loopback port, without persistence, for one test class: started by
 * {@link #start}, stopped by {@link #close}. The installed one ({@code /usr/bin/redis-server} or {@code redis-server}
 * on the {@code PATH}, Debian package {@code redis-server}) if there is one, else the Redis binary shipped in the
 * test dependency {@code com.github.codemonstur:embedded-redis} (a real Redis 6.2 server, extracted to a temporary
 * file), so that {@code mvn -B verify} needs nothing installed besides the JDK and Maven.
 */
final class RedisServer implements AutoCloseable {
    private static final Path INSTALLED = Path.of("/usr/bin/redis-server");

    private final Process process;
    private final int port;
    private final Path executable;

    private RedisServer(Process process, int port, Path executable) {
        this.process = process;
        this.port = port;
        this.executable = executable;
    }

    /** The installed redis-server, or empty when none is installed. */
    static Optional<Path> installed() {
        if (Files.isExecutable(INSTALLED)) {
            return Optional.of(INSTALLED);
        }
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, "redis-server"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** The Redis binary for this OS and architecture shipped in embedded-redis, extracted to a temporary file. */
    static Path bundled() throws IOException {
        return ExecutableProvider.newJarResourceProvider().get().toPath();
    }

    /** Starts the installed redis-server, else the bundled one, and waits until it answers PING. */
    static RedisServer start(Path logFile) throws IOException, InterruptedException {
        Optional<Path> installed = installed();
        return start(installed.isPresent() ? installed.get() : bundled(), logFile);
    }

    /** Starts {@code executable} and waits until it answers PING. */
    static RedisServer start(Path executable, Path logFile) throws IOException, InterruptedException {
        int port = ForkedLibraryApp.freePort();
        Process process = new ProcessBuilder(List.of(executable.toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"))
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile())
                .start();
        RedisServer server = new RedisServer(process, port, executable);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!server.answersPing()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                server.close();
                throw new IllegalStateException(executable + " did not come up on port " + port + ":\n"
                        + Files.readString(logFile));
            }
            Thread.sleep(Duration.ofMillis(20));
        }
        return server;
    }

    int port() {
        return port;
    }

    /** The redis-server binary this server runs. */
    Path executable() {
        return executable;
    }

    /** One PING in RESP over a fresh connection. */
    private boolean answersPing() {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = in.readNBytes(7);
            return new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException notYet) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
