package io.greening.itests;

import io.greening.forked.ForkedJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The agent's load-time side in forked JVMs: where it puts the runtime (no JVM warning, nothing in the temporary
 * directory even when the JVM is killed, class data sharing kept for application classes), and classes it must
 * transform although a type in their generic signatures cannot be resolved (ByteBuddy's method graph refused each of
 * these kinds in real jars: spring-core, scala-library, kotlinx-coroutines).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LoadTimeAgentIT {
    private static final Duration APP_TIMEOUT = Duration.ofMinutes(2);

    @TempDir
    Path work;

    private static String agent(String options) {
        return "-javaagent:" + Built.agentJar() + "=" + options;
    }

    private static List<String> leftIn(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }

    @Test
    void aGreenedRunPrintsNoJvmWarningAndLeavesNothingInTheTemporaryDirectory() throws Exception {
        Path tmp = Files.createDirectories(work.resolve("tmp"));
        ForkedJvm.Result r = ForkedJvm.run(ForkedJvm.currentJava(),
                List.of(agent("include=com.acme.**,stall=off"), "-Djava.io.tmpdir=" + tmp), Built.appClasses(),
                "com.acme.agentapps.SleepGroupApp", List.of(), APP_TIMEOUT);
        assertEquals(0, r.exitCode(), r::describe);
        assertEquals("", r.errors(), "nothing on stderr (the stall monitor is off), no JVM warning: " + r.describe());
        assertEquals(List.of(), leftIn(tmp), r::describe);
    }

    @Test
    void aGreenedJvmKilledWithSigkillLeavesNothingInTheTemporaryDirectory() throws Exception {
        Path tmp = Files.createDirectories(work.resolve("tmp"));
        ForkedJvm app = ForkedJvm.java(ForkedJvm.currentJava(), List.of(agent("include=com.acme.**"), "-Djava.io.tmpdir=" + tmp),
                Built.appClasses(), "com.acme.agentapps.AttachApp", List.of(work.resolve("never").toString()))
                .sampleEvery(null).start();
        try {
            assertEquals("", app.awaitLine("ready", APP_TIMEOUT));
        } finally {
            app.kill();   // SIGKILL: no shutdown hook, no deleteOnExit
        }
        ForkedJvm.Result r = app.await(APP_TIMEOUT);
        assertNotEquals(0, r.exitCode(), r::describe);
        assertEquals(List.of(), leftIn(tmp), r::describe);
    }

    /** premain reads the runtime from one jar entry and the agent's classes from theirs, all stored: it inflates nothing. */
    @Test
    void theRuntimeBundleAndTheAgentsClassesAreStoredUncompressed() throws Exception {
        try (java.util.zip.ZipFile jar = new java.util.zip.ZipFile(Built.agentJar().toFile())) {
            java.util.zip.ZipEntry bundle = jar.getEntry("META-INF/greening-runtime.bin");
            assertNotNull(bundle, "the runtime bundle in " + Built.agentJar());
            assertEquals(java.util.zip.ZipEntry.STORED, bundle.getMethod());
            assertNull(jar.getEntry("META-INF/greening-runtime/io/greening/Hub.class"), "no loose runtime class files");
            List<String> deflated = jar.stream().filter(e -> !e.isDirectory() && e.getMethod() != java.util.zip.ZipEntry.STORED)
                    .map(java.util.zip.ZipEntry::getName).toList();
            assertEquals(List.of(), deflated);
        }
    }

    /**
     * The rewrites inside the JDK wait for the first hub (their patch methods differ from the JDK only on green threads):
     * a program that starts none has {@code java.lang.VirtualThread} as the JDK has it, with no retransformation in its
     * start-up, and the report lists no JDK rewrite; a program whose threads go green has them in place before its first
     * green thread.
     */
    @Test
    void theJdkIsRewrittenOnlyOnceAHubStarts() throws Exception {
        for (String app : List.of("com.acme.apps.Hello", "com.acme.agentapps.SleepGroupApp")) {
            Path log = work.resolve(app + "-class-load.txt");
            Path report = work.resolve(app + "-report.txt");
            ForkedJvm.Result r = ForkedJvm.run(ForkedJvm.currentJava(), List.of("-Xlog:class+load=info:file=" + log,
                    agent("include=com.acme.**,stall=off,report=" + report)), Built.appClasses(), app, List.of(), APP_TIMEOUT);
            assertEquals(0, r.exitCode(), r::describe);
            boolean redefined = Files.readAllLines(log).stream()
                    .anyMatch(l -> l.contains(" java.lang.VirtualThread source: __VM_RedefineClasses__"));
            String text = Files.readString(report);
            boolean startsHubs = !app.endsWith("Hello");
            assertEquals(startsHubs, redefined, app + ": VirtualThread retransformed");
            assertEquals(startsHubs, text.contains("jdk: timed-waits VirtualThread.schedule 2"), app + ": " + text);
        }
    }

    /**
     * An archive of the application's classes dumped by a plain run ({@code -XX:ArchiveClassesAtExit}, which needs a
     * jar) is used by the greened run: the selected main class, which has nothing to rewrite, comes from it. Appending
     * to the boot class path turned sharing off for every class outside the boot loader.
     */
    @Test
    void applicationClassesStillComeFromTheClassDataSharingArchive() throws Exception {
        Path jar = work.resolve("hello.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("com/acme/apps/Hello.class"));
            out.write(Files.readAllBytes(Built.appClasses().resolve("com/acme/apps/Hello.class")));
            out.closeEntry();
        }
        Path archive = work.resolve("app.jsa");
        ForkedJvm.Result dump = ForkedJvm.run(ForkedJvm.currentJava(), List.of("-XX:ArchiveClassesAtExit=" + archive), jar,
                "com.acme.apps.Hello", List.of(), APP_TIMEOUT);
        assertEquals(0, dump.exitCode(), dump::describe);
        assertTrue(Files.isRegularFile(archive), dump::describe);

        Path log = work.resolve("class-load.txt");
        ForkedJvm.Result greened = ForkedJvm.run(ForkedJvm.currentJava(), List.of("-XX:SharedArchiveFile=" + archive,
                "-Xlog:class+load=info:file=" + log, agent("include=com.acme.**,stall=off")), jar, "com.acme.apps.Hello", List.of(), APP_TIMEOUT);
        assertEquals(0, greened.exitCode(), greened::describe);
        assertTrue(greened.output().contains("hello"), greened::describe);
        assertEquals("", greened.errors(), "no JVM warning: " + greened.describe());
        List<String> hello = Files.readAllLines(log).stream().filter(l -> l.contains(" com.acme.apps.Hello ")).toList();
        assertEquals(1, hello.size(), String.join("\n", hello));
        assertTrue(hello.getFirst().endsWith("source: shared objects file (top)"), hello.getFirst());
    }

    /**
     * Three kinds of class that ByteBuddy's method graph could not describe, each with a thread to green: a type of
     * an absent optional dependency in a method signature (spring-core without Reactor), a wildcard where a type is
     * expected ({@code extends Factory<?>}, as Scala writes for {@code MapView}), and a type variable declared nowhere
     * (as Kotlin writes for some suspend lambdas). Each loads plain; each must be greened, none reported as failed. The
     * package's {@code package-info} class (no code) loads too, and is no failure either.
     */
    @Test
    void classesWithUnresolvableSignaturesAreGreened() throws Exception {
        Path classes = compileFixtures();
        Path report = work.resolve("fixtures.report");
        ForkedJvm.Result plain = ForkedJvm.run(ForkedJvm.currentJava(), List.of(), classes, "com.acme.gen.Fixtures", List.of(), APP_TIMEOUT);
        assertEquals(0, plain.exitCode(), plain::describe);
        assertEquals(List.of("optional dependency: virtual=false", "wildcard: virtual=false", "undeclared type variable: virtual=false",
                "package annotated: true"), plain.output(), plain::describe);
        ForkedJvm.Result greened = ForkedJvm.run(ForkedJvm.currentJava(),
                // check as a property, which older builds accept too: this test can then be run against one; no stall
                // monitor, whose reports under load would be stderr lines of no concern here
                List.of("-Dgreening.check=true", agent("include=com.acme.gen.**,stall=off,report=" + report)), classes, "com.acme.gen.Fixtures",
                List.of(), APP_TIMEOUT);
        assertEquals(0, greened.exitCode(), greened::describe);
        assertEquals(List.of("optional dependency: virtual=true", "wildcard: virtual=true", "undeclared type variable: virtual=true",
                "package annotated: true"), greened.output(), greened::describe);
        assertEquals("", greened.errors(), greened::describe);
        AgentReport parsed = AgentReport.read(report);
        assertFalse(parsed.text().contains("  failed: "), parsed.text());
        assertTrue(parsed.text().contains("failed 0"), parsed.text());
        assertTrue(parsed.text().matches("(?s).*  checked: 3 classes, 0 with problems.*"), parsed.text());
    }

    private Path compileFixtures() throws Exception {
        String greenProbe = """
                    public boolean runsGreen() throws InterruptedException {
                        boolean[] virtual = new boolean[1];
                        Thread t = new Thread(() -> virtual[0] = onVirtualThread());
                        t.start();
                        t.join();
                        return virtual[0];
                    }
                    // the JDK's view: in selected code Thread.currentThread() is the Thread object started (the
                    // agent's identity row), but a reflective call is no call site
                    private static boolean onVirtualThread() {
                        try {
                            return ((Thread) Thread.class.getMethod("currentThread").invoke(null)).isVirtual();
                        } catch (ReflectiveOperationException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                """;
        Map<String, String> sources = Map.of(
                "Fixtures", """
                        package com.acme.gen;
                        public class Fixtures {
                            public static void main(String[] args) throws Exception {
                                System.out.println("optional dependency: virtual=" + new OptionalDependency().runsGreen());
                                System.out.println("wildcard: virtual=" + new WildcardFactory().runsGreen());
                                System.out.println("undeclared type variable: virtual=" + new UndeclaredTypeVariable().runsGreen());
                                // loads com/acme/gen/package-info, a class without code
                                System.out.println("package annotated: " + Fixtures.class.getPackage().isAnnotationPresent(Deprecated.class));
                            }
                        }
                        """,
                "package-info", "@Deprecated\npackage com.acme.gen;\n",
                "Absent", "package com.acme.gen;\npublic class Absent { }\n",
                "Decoder", "package com.acme.gen;\npublic interface Decoder<T> { Absent decode(T input); }\n",
                "OptionalDependency", """
                        package com.acme.gen;
                        public class OptionalDependency implements Decoder<String> {
                            public Absent decode(String input) { return null; }
                        """ + greenProbe + "}\n",
                "Factory", "package com.acme.gen;\npublic interface Factory<CC> { CC make(); }\n",
                "WildcardFactory", """
                        package com.acme.gen;
                        @SuppressWarnings("rawtypes")
                        public class WildcardFactory implements Factory {
                            public Object make() { return null; }
                        """ + greenProbe + "}\n",
                "UndeclaredTypeVariable", """
                        package com.acme.gen;
                        @SuppressWarnings("rawtypes")
                        public class UndeclaredTypeVariable implements java.util.function.Function {
                            public Object apply(Object input) { return input; }
                        """ + greenProbe + "}\n");
        Path src = Files.createDirectories(work.resolve("src/com/acme/gen"));
        for (Map.Entry<String, String> source : sources.entrySet()) {
            Files.writeString(src.resolve(source.getKey() + ".java"), source.getValue());
        }
        Path classes = work.resolve("classes");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new java.util.ArrayList<>(List.of("-d", classes.toString()));
        sources.keySet().forEach(name -> args.add(src.resolve(name + ".java").toString()));
        assertEquals(0, javac.run(null, null, null, args.toArray(String[]::new)));
        Path gen = classes.resolve("com/acme/gen");
        Files.delete(gen.resolve("Absent.class"));   // the optional dependency is not on the class path
        // Signatures javac would not write, as scalac and kotlinc do: a wildcard as a supertype's argument, and a type
        // variable that nothing declares
        resign(gen.resolve("WildcardFactory.class"), "Ljava/lang/Object;Lcom/acme/gen/Factory<*>;", Map.of());
        resign(gen.resolve("UndeclaredTypeVariable.class"), "Ljava/lang/Object;Ljava/util/function/Function<TE;Ljava/lang/Object;>;",
                Map.of("apply", "(TE;)Ljava/lang/Object;"));
        return classes;
    }

    /** Rewrites a class file's generic signature and those of the named methods. */
    private static void resign(Path classFile, String classSignature, Map<String, String> methodSignatures) throws Exception {
        ClassReader reader = new ClassReader(Files.readAllBytes(classFile));
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
                super.visit(version, access, name, classSignature, superName, interfaces);
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                return super.visitMethod(access, name, descriptor, methodSignatures.getOrDefault(name, signature), exceptions);
            }
        }, 0);
        Files.write(classFile, writer.toByteArray());
    }
}
