package io.greening.bench;

import java.io.File;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Loads (without initialising) every class of a package prefix from the benchmarks jar and prints how long that
 * took: run once with the agent selecting those classes and once with it selecting none, the difference is what
 * transforming them cost (the agent's report says how many it transformed).
 *
 * <pre>java -javaagent:agent/target/greening.jar=include=io.netty.**,report=stderr -cp benchmarks/target/benchmarks.jar io.greening.bench.LoadClasses io/netty/</pre>
 */
public final class LoadClasses {
    private LoadClasses() {}

    public static void main(String[] args) throws Exception {
        String prefix = args[0];
        String jar = System.getProperty("java.class.path").split(File.pathSeparator)[0];
        ClassLoader loader = LoadClasses.class.getClassLoader();
        int loaded = 0;
        int failed = 0;
        long began = System.nanoTime();
        try (JarFile file = new JarFile(jar)) {
            for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements(); ) {
                String name = entries.nextElement().getName();
                if (name.startsWith(prefix) && name.endsWith(".class") && !name.endsWith("module-info.class")) {
                    try {
                        Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), false, loader);
                        loaded++;
                    } catch (Throwable e) { // optional dependencies missing: not loadable, not counted
                        failed++;
                    }
                }
            }
        }
        long micros = (System.nanoTime() - began) / 1_000;
        System.out.printf("loaded %d classes (%d not loadable) in %.1f ms%n", loaded, failed, micros / 1e3);
    }
}
