package io.greening.libs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small ext4 file system on a loop device that can be frozen ({@code fsfreeze}): while frozen, every write to it
 * blocks in the kernel until it is thawed, as on a stalled disk or NFS server. Needs root (mount, fsfreeze).
 */
final class FrozenFilesystem implements AutoCloseable {
    private final Path mountPoint;
    private boolean frozen;

    private FrozenFilesystem(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /** Whether the tests run as root, which mounting a loop device and freezing it needs. */
    static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Makes and mounts a 16 MB ext4 image under {@code dir}. */
    static FrozenFilesystem mount(Path dir) throws IOException, InterruptedException {
        for (String tool : List.of("/usr/sbin/mkfs.ext4", "/usr/sbin/fsfreeze")) {
            if (!Files.isExecutable(Path.of(tool))) {
                throw new IllegalStateException(tool + " is missing: apt-get install -y e2fsprogs util-linux");
            }
        }
        Path image = dir.resolve("disk.img");
        Path mountPoint = Files.createDirectories(dir.resolve("disk"));
        run("truncate", "-s", "16M", image.toString());
        run("mkfs.ext4", "-q", "-F", image.toString());
        run("mount", "-o", "loop", image.toString(), mountPoint.toString());
        return new FrozenFilesystem(mountPoint);
    }

    Path mountPoint() {
        return mountPoint;
    }

    void freeze() throws IOException, InterruptedException {
        run("fsfreeze", "--freeze", mountPoint.toString());
        frozen = true;
    }

    void thaw() throws IOException, InterruptedException {
        if (frozen) {
            run("fsfreeze", "--unfreeze", mountPoint.toString());
            frozen = false;
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            thaw();
        } finally {
            run("umount", mountPoint.toString());
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("timed out: " + String.join(" ", command));
        }
        String output = new String(process.getInputStream().readAllBytes());
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + process.exitValue() + "): " + output);
        }
    }
}
