package io.greening.agent;

import io.greening.agent.Rewrites.Rewrite;
import io.greening.agent.fixtures.MainFixture;
import io.greening.agent.fixtures.ThreadsFixture;
import io.greening.internal.PatchGroup;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.util.CheckClassAdapter;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

/** Rewrites fixture classes with the table, checks the bytecode with ASM's CheckClassAdapter, and runs them. */
@org.junit.jupiter.api.Timeout(60)
class CallSiteRewriterTest {
    private static final Map<String, List<Rewrite>> ALL_ROWS = Rewrites.index(EnumSet.allOf(PatchGroup.class));

    /** Loads the fixtures package from transformed bytes; everything else from the parent. */
    static final class RewritingLoader extends ClassLoader {
        final Map<String, Integer> rewrites = new TreeMap<>();
        private final String greenMainClass;
        private final Map<String, List<Rewrite>> rows;

        RewritingLoader(Map<String, List<Rewrite>> rows, String greenMainClass) {
            super(CallSiteRewriterTest.class.getClassLoader());
            this.rows = rows;
            this.greenMainClass = greenMainClass;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("io.greening.agent.fixtures.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    byte[] bytes = transform(name);
                    c = defineClass(name, bytes, 0, bytes.length);
                }
                return c;
            }
        }

        byte[] transform(String name) throws ClassNotFoundException {
            byte[] original;
            try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                original = in.readAllBytes();
            } catch (IOException | NullPointerException e) {
                throw new ClassNotFoundException(name, e);
            }
            ClassReader reader = new ClassReader(original);
            ClassWriter writer = new ClassWriter(0);
            CallSiteRewriter.Hierarchy hierarchy = (type, supertype) -> {
                try {
                    ClassLoader parent = getParent();
                    return Class.forName(supertype.replace('/', '.'), false, parent)
                            .isAssignableFrom(Class.forName(type.replace('/', '.'), false, parent));
                } catch (ClassNotFoundException e) {
                    return false;
                }
            };
            reader.accept(new CallSiteRewriter(writer, rows, hierarchy, greenMainClass,
                    row -> rewrites.merge(row.label(), 1, Integer::sum)), ClassReader.EXPAND_FRAMES);
            byte[] bytes = writer.toByteArray();
            StringWriter problems = new StringWriter();
            CheckClassAdapter.verify(new ClassReader(bytes), getParent(), false, new PrintWriter(problems));
            assertEquals("", problems.toString(), "CheckClassAdapter on the rewritten " + name);
            return bytes;
        }
    }

    @Test
    void untransformedFixtureRunsOnPlatformThreads() throws Exception {
        assertEquals("thread=false alive=false state=TERMINATED subclass=false fixedPool=false threadPoolExecutor=false"
                + " scheduled=false scheduledWithFactoryAndHandler=false builder=false", ThreadsFixture.run(true));
    }

    @Test
    void rewrittenFixtureRunsGreenAndPassesTheVerifier() throws Exception {
        RewritingLoader loader = new RewritingLoader(ALL_ROWS, null);
        Class<?> fixture = loader.loadClass(ThreadsFixture.class.getName());
        for (boolean flag : new boolean[] {true, false}) {
            assertEquals("thread=true alive=false state=TERMINATED subclass=true fixedPool=true threadPoolExecutor=true"
                    + " scheduled=true scheduledWithFactoryAndHandler=true builder=true", fixture.getMethod("run", boolean.class).invoke(null, flag));
        }
        Map<String, Integer> r = loader.rewrites;
        assertEquals(2, r.get("Thread.start"), r.toString());
        assertEquals(1, r.get("Thread.isAlive"), r.toString());
        assertEquals(3, r.get("Thread.join"), r.toString());
        assertEquals(1, r.get("Thread.getState"), r.toString());
        assertEquals(1, r.get("Executors.newFixedThreadPool"), r.toString());
        assertEquals(1, r.get("Thread.Builder.OfPlatform.start"), r.toString());
        assertEquals(1, r.get("new ThreadPoolExecutor"), r.toString());
        assertEquals(2, r.get("new ScheduledThreadPoolExecutor"), r.toString());
        assertEquals(1, r.get("Thread.sleep"), r.toString());
        assertEquals(1, r.get("TimeUnit.sleep"), r.toString());
    }

    @Test
    void superCallsOfPoolSubclassesStayAsTheyAre() throws Exception {
        RewritingLoader loader = new RewritingLoader(ALL_ROWS, null);
        Class<?> fixture = loader.loadClass(ThreadsFixture.class.getName());
        assertEquals(false, fixture.getMethod("ownPoolWorkerIsVirtual").invoke(null));
    }

    @Test
    void onlyTheChosenGroupsAreRewritten() throws Exception {
        RewritingLoader loader = new RewritingLoader(Rewrites.index(EnumSet.of(PatchGroup.SLEEPS)), null);
        Class<?> fixture = loader.loadClass(ThreadsFixture.class.getName());
        assertEquals("thread=false alive=false state=TERMINATED subclass=false fixedPool=false threadPoolExecutor=false"
                + " scheduled=false scheduledWithFactoryAndHandler=false builder=false", fixture.getMethod("run", boolean.class).invoke(null, true));
        assertEquals(Map.of("Thread.sleep", 1, "TimeUnit.sleep", 1), loader.rewrites);
    }

    @Test
    void greenMainRunsMainAsAGreenThreadAndRethrowsWhatItThrows() throws Exception {
        RewritingLoader loader = new RewritingLoader(ALL_ROWS, MainFixture.class.getName().replace('.', '/'));
        Class<?> main = loader.loadClass(MainFixture.class.getName());
        String threadName = Thread.currentThread().getName();
        main.getMethod("main", String[].class).invoke(null, (Object) new String[] {"a"});
        assertEquals("green " + threadName + " 1", main.getField("ranOn").get(null));

        // once entered, main runs as it is (GreenMain greens only the JVM's one main)
        InvocationTargetException e = assertThrows(InvocationTargetException.class,
                () -> main.getMethod("main", String[].class).invoke(null, (Object) new String[] {"fail"}));
        assertEquals("main failed", e.getCause().getMessage());
    }

    /** The prologue is a row of the MAIN group: without the group the main class is left without it. */
    @Test
    void withoutTheMainGroupTheMainClassKeepsItsMain() throws Exception {
        String mainClass = MainFixture.class.getName().replace('.', '/');
        Set<PatchGroup> allButMain = EnumSet.complementOf(EnumSet.of(PatchGroup.MAIN));
        byte[] without = new RewritingLoader(Rewrites.index(allButMain), mainClass).transform(MainFixture.class.getName());
        byte[] with = new RewritingLoader(ALL_ROWS, mainClass).transform(MainFixture.class.getName());
        assertFalse(callsGreenMain(without));
        assertTrue(callsGreenMain(with));
    }

    private static boolean callsGreenMain(byte[] classFile) {
        return new String(classFile, java.nio.charset.StandardCharsets.ISO_8859_1).contains("io/greening/patch/GreenMain");
    }
}
