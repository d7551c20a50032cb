package io.greening.appthreads;

import io.greening.Green;
import io.greening.Hub;
import io.greening.internal.AgentSelection;
import io.greening.internal.ThreadRecord;
import io.greening.patch.Hubs;
import io.greening.patch.VirtualThreadPatches;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link VirtualThreadPatches#newVirtualThread}, as the JDK's builder calls it under the agent (here called directly,
 * with this class standing in for selected code, outside greening's patch package, whose frames the walk skips): a virtual thread made by selected code on a platform thread runs on
 * the agent's hubs and is registered; made by code not selected, or without the agent, it is the JDK's; made by a green
 * thread, it stays on that thread's hub, registered. The call rows do exactly the JDK's call without the agent.
 */
class VirtualThreadPatchesTest {

    @AfterEach
    void noAgent() {
        AgentSelection.install(null);
    }

    /** Where a virtual thread's task ran: its hub (null: not green) and its registry record's kind (null: none). */
    private record RanOn(Hub hub, String kind, boolean virtual, String name) {
        static RanOn here() {
            ThreadRecord record = ThreadRecord.current();
            return new RanOn(Hub.current(), record == null ? null : record.kind(), Thread.currentThread().isVirtual(),
                    Thread.currentThread().getName());
        }
    }

    private static RanOn runMadeHere(String name) throws Throwable {
        CompletableFuture<RanOn> ran = new CompletableFuture<>();
        Thread thread = VirtualThreadPatches.newVirtualThread(null, name, 0, () -> ran.complete(RanOn.here()));
        thread.start();
        thread.join();
        assertTrue(thread.isVirtual());
        return ran.join();
    }

    @Test
    void aVirtualThreadMadeBySelectedCodeOnAPlatformThreadIsGreenAndRegistered() throws Throwable {
        AgentSelection.install(name -> name.equals(VirtualThreadPatchesTest.class.getName()));
        RanOn ran = runMadeHere("made-by-selected");
        assertNotNull(ran.hub(), "on one of the agent's hubs");
        assertSame(Hubs.scheduler(), ran.hub().group() != null ? ran.hub().group() : ran.hub());
        assertEquals("virtual thread", ran.kind(), "in the hub's registry");
        assertTrue(ran.virtual());
        assertEquals("made-by-selected", ran.name());
    }

    /** The call rows know that selected code calls them: their threads are green without a walk. */
    @Test
    void theCallRowsMakeGreenRegisteredThreads() throws Throwable {
        AgentSelection.install(name -> false);   // no class selected: only the call rows' own knowledge makes them green
        CompletableFuture<RanOn> started = new CompletableFuture<>();
        VirtualThreadPatches.startVirtualThread(() -> started.complete(RanOn.here())).join();
        assertNotNull(started.join().hub(), "Thread.startVirtualThread: on one of the agent's hubs");
        assertEquals("virtual thread", started.join().kind());
        try (ExecutorService executor = VirtualThreadPatches.newVirtualThreadPerTaskExecutor()) {
            RanOn ran = executor.submit(RanOn::here).get();
            assertNotNull(ran.hub(), "newVirtualThreadPerTaskExecutor: on one of the agent's hubs");
            assertEquals("virtual thread", ran.kind());
            assertTrue(ran.virtual());
        }
    }

    @Test
    void aVirtualThreadMadeByCodeNotSelectedIsTheJdks() throws Throwable {
        AgentSelection.install(name -> name.equals("com.acme.Other"));
        RanOn ran = runMadeHere("not-selected");
        assertNull(ran.hub());
        assertNull(ran.kind());
    }

    @Test
    void withoutTheAgentAVirtualThreadIsTheJdks() throws Throwable {
        RanOn ran = runMadeHere("no-agent");
        assertNull(ran.hub());
        assertNull(ran.kind());
        CompletableFuture<Hub> viaCallRows = new CompletableFuture<>();
        VirtualThreadPatches.startVirtualThread(() -> viaCallRows.complete(Hub.current())).join();
        assertNull(viaCallRows.join(), "Thread.startVirtualThread without the agent: the JDK's");
        try (ExecutorService executor = VirtualThreadPatches.newVirtualThreadPerTaskExecutor()) {
            assertNull(executor.submit(Hub::current).get(), "newVirtualThreadPerTaskExecutor without the agent: the JDK's");
        }
    }

    @Test
    void aVirtualThreadMadeByAGreenThreadStaysOnItsHubRegistered() throws Throwable {
        // not selected: a green maker's virtual thread inherits its hub whoever's code made it, as the JDK does
        AgentSelection.install(name -> false);
        Hub[] makerHub = new Hub[1];
        RanOn ran = Green.run(() -> {
            makerHub[0] = Hub.current();
            try {
                return runMadeHere("made-by-green");
            } catch (Throwable e) {
                throw new AssertionError(e);
            }
        });
        assertSame(makerHub[0], ran.hub());
        assertEquals("virtual thread", ran.kind());
    }

    @Test
    void aBuilderWithASchedulerOfItsOwnIsLeftAlone() throws Throwable {
        AgentSelection.install(name -> true);
        CompletableFuture<RanOn> ran = new CompletableFuture<>();
        Thread thread = VirtualThreadPatches.newVirtualThread(Runnable::run, "own-scheduler", 0, () -> ran.complete(RanOn.here()));
        thread.start();
        thread.join();
        assertNull(ran.join().hub());
        assertNull(ran.join().kind());
    }

    @Test
    void theUncaughtExceptionHandlerOfAGreenVirtualThreadGetsWhatItThrows() throws Throwable {
        AgentSelection.install(name -> name.equals(VirtualThreadPatchesTest.class.getName()));
        CompletableFuture<Throwable> handled = new CompletableFuture<>();
        RuntimeException thrown = new IllegalStateException("boom");
        Thread thread = VirtualThreadPatches.newVirtualThread(null, "throws", 0, () -> {
            throw thrown;
        });
        thread.setUncaughtExceptionHandler((t, e) -> handled.complete(e));
        thread.start();
        thread.join();
        assertSame(thrown, handled.join());
    }
}
