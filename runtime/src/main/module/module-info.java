/**
 * greening's runtime: green threads, the hub that schedules them, and the APIs of greenlet, Stackless, eventlet and
 * gevent on it. No dependencies beyond {@code java.base}.
 *
 * <p>On the module path it needs {@code java.lang} opened to it, for the one reflective door that gives a virtual
 * thread a scheduler of greening's ({@code io.greening.internal.VirtualThreads}):
 * <pre>{@code --add-opens java.base/java.lang=io.greening}</pre>
 * and, for deadlock reports that follow {@code ReentrantLock} owners,
 * <pre>{@code --add-opens java.base/java.util.concurrent.locks=io.greening}</pre>
 * On the class path the same options name {@code ALL-UNNAMED} instead of {@code io.greening}. Under the agent the
 * runtime is on the boot class path (its module descriptor is then not used) and the agent opens {@code java.lang}
 * itself.
 */
module io.greening {
    exports io.greening;
    exports io.greening.sync;
    exports io.greening.net;
    exports io.greening.net.http;
    exports io.greening.diagnostics;
    exports io.greening.greenlet;
    exports io.greening.stackless;
    exports io.greening.patch;
}
