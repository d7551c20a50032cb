package io.greening.agent;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The exit report's bytecode check ({@code check=true}). */
class ReportTest {
    /** Verifying it makes the verifier load {@code java.util.List} (is an ArrayList one?). */
    static final class ReturnsAList {
        static List<String> make() {
            return new ArrayList<>();
        }
    }

    static final class LoadedWhileChecking { }

    /**
     * The check loads classes for its type hierarchy, and a class loaded then is transformed and kept like any other:
     * it is checked too, not left out because it came after the check began.
     */
    @Test
    void aClassKeptWhileTheCheckRunsIsCheckedToo() throws IOException {
        Report report = new Report(false);
        byte[] loadedLater = bytesOf(LoadedWhileChecking.class);
        ClassLoader keepsOneMoreOnItsFirstLoad = new ClassLoader(ReportTest.class.getClassLoader()) {
            private boolean kept;

            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (!kept) {
                    kept = true;
                    report.keepForCheck(LoadedWhileChecking.class.getName(), this, loadedLater);
                }
                return super.loadClass(name, resolve);
            }
        };
        report.keepForCheck(ReturnsAList.class.getName(), keepsOneMoreOnItsFirstLoad, bytesOf(ReturnsAList.class));

        List<String> lines = report.check();

        assertEquals(List.of("checked: 2 classes, 0 with problems (CheckClassAdapter)"), lines);
    }

    private static byte[] bytesOf(Class<?> c) throws IOException {
        try (InputStream in = c.getResourceAsStream("/" + c.getName().replace('.', '/') + ".class")) {
            return in.readAllBytes();
        }
    }
}
