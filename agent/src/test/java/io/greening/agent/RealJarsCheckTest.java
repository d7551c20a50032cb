package io.greening.agent;

import io.greening.agent.Rewrites.Rewrite;
import io.greening.internal.PatchGroup;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The load-time transformer over every class of a few real jars (test dependencies), as the JVM would hand them to it
 * with {@code include=**}: none fails, some are rewritten, and every rewritten class passes ASM's
 * {@link CheckClassAdapter} with its data-flow verifier whenever the original does (a class whose original cannot be
 * verified here, e.g. for an optional dependency absent from the class path, proves nothing either way). The class-walk
 * benchmark checks every class of all its jars the same way, in the JVM.
 */
@Timeout(300)
class RealJarsCheckTest {
    private static final Map<String, List<Rewrite>> ALL_ROWS = Rewrites.index(EnumSet.allOf(PatchGroup.class));

    /** Each jar by a class it holds: Guava, the Scala library, H2, kotlinx-coroutines, Spring core. */
    @ParameterizedTest
    @ValueSource(strings = {"com.google.common.collect.ImmutableList", "scala.collection.immutable.List", "org.h2.Driver",
            "kotlinx.coroutines.Job", "org.springframework.core.SpringVersion"})
    void everyClassOfARealJarTransformsAndTheRewrittenOnesPassCheckClassAdapter(String classInJar) throws Exception {
        ClassLoader loader = RealJarsCheckTest.class.getClassLoader();
        Path jar = Path.of(Class.forName(classInJar, false, loader).getProtectionDomain().getCodeSource().getLocation().toURI());
        Report report = new Report(false);
        LoadTimeTransformer transformer = new LoadTimeTransformer(new ClassSelector(List.of("**"), List.of()), ALL_ROWS,
                Map.of(), null, report, false);
        int classes = 0;
        List<String> rewritten = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (JarEntry entry : (Iterable<JarEntry>) file.stream()::iterator) {
                String path = entry.getName();
                if (!path.endsWith(".class") || path.startsWith("META-INF/")) {
                    continue;
                }
                byte[] original;
                try (InputStream in = file.getInputStream(entry)) {
                    original = in.readAllBytes();
                }
                classes++;
                String className = path.substring(0, path.length() - ".class".length());
                byte[] bytes = transformer.transform(null, loader, className, null, null, original);
                if (bytes == null) {
                    continue;
                }
                rewritten.add(className);
                String after = verify(bytes, loader);
                if (!after.isEmpty() && verify(original, loader).isEmpty()) {
                    problems.add(className + ": " + after.lines().limit(2).toList());
                }
            }
        }
        assertEquals(Map.of(), report.failures(), jar.toString());
        assertTrue(classes > 100, jar + " holds " + classes + " classes");
        assertFalse(rewritten.isEmpty(), "no class of " + jar + " rewritten");
        assertEquals(List.of(), problems, rewritten.size() + " classes rewritten in " + jar);
    }

    /** CheckClassAdapter's verdict on a class, blank when it has nothing to say. */
    private static String verify(byte[] bytes, ClassLoader loader) {
        StringWriter out = new StringWriter();
        try {
            CheckClassAdapter.verify(new ClassReader(bytes), loader, false, new PrintWriter(out));
        } catch (RuntimeException | LinkageError e) {
            out.append(e.toString());
        }
        return out.toString().strip();
    }
}
