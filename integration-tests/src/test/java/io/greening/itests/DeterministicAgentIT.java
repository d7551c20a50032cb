package io.greening.itests;

import io.greening.forked.ForkedJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The agent's {@code schedule=random:SEED} and {@code clock=virtual} on an unmodified racy app: the same seed gives
 * the same interleaving run after run, other seeds give others, and an hour of {@code Thread.sleep} passes at once.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DeterministicAgentIT {

    private static String run(String agentOptions, String... args) throws Exception {
        ForkedJvm.Result r = ForkedJvm.java(ForkedJvm.currentJava(), List.of("-javaagent:" + Built.agentJar() + "=include=com.acme.**,"
                        + agentOptions), Built.appClasses(), "com.acme.races.LostUpdateApp", List.of(args))
                .mergeErrors().sampleEvery(null).run(Duration.ofMinutes(2));
        assertEquals(0, r.exitCode(), r::describe);
        return r.output().stream().filter(l -> l.startsWith("writes=") || l.startsWith("counter=") || l.startsWith("slept"))
                .reduce("", (a, b) -> a + b + "\n");
    }

    @Test
    void theSameSeedReplaysTheSameInterleaving() throws Exception {
        String first = run("schedule=random:7,clock=virtual");
        assertTrue(first.contains("counter="), first);
        for (int i = 0; i < 3; i++) {
            assertEquals(first, run("schedule=random:7,clock=virtual"), "replay " + i);
        }
        Set<String> others = new HashSet<>();
        for (int seed = 1; seed <= 4; seed++) {
            others.add(run("schedule=random:" + seed + ",clock=virtual"));
        }
        assertTrue(others.size() > 1, "different seeds, different interleavings: " + others);
    }

    /**
     * An app whose platform {@code main} makes JDK virtual threads ({@code Executors.newVirtualThreadPerTaskExecutor()},
     * {@code Thread.startVirtualThread}, {@code Thread.ofVirtual()}): they run on the seeded schedule's hub, so the seed
     * replays their interleaving and another seed gives another. Without the virtual-thread rows they run on the JDK's
     * own scheduler and the app counts them there.
     */
    @Test
    void theAppsOwnVirtualThreadsReplayUnderASeed() throws Exception {
        String first = runVirtualThreadsApp(7);
        assertTrue(first.contains("steps=w"), first);
        assertTrue(first.contains("on-jdk-scheduler=0 []"), first);
        assertEquals(first, runVirtualThreadsApp(7), "replay");
        Set<String> others = new HashSet<>();
        for (int seed = 1; seed <= 4; seed++) {
            others.add(runVirtualThreadsApp(seed));
        }
        assertTrue(others.size() > 1, "different seeds, different interleavings: " + others);
        // and on the agent's default group of hubs (the builder's start reaches the JDK through ThreadPatches)
        assertTrue(runVirtualThreadsApp("include=com.acme.**").contains("on-jdk-scheduler=0 []"));
    }

    private static String runVirtualThreadsApp(int seed) throws Exception {
        return runVirtualThreadsApp("include=com.acme.**,main=platform,schedule=random:" + seed);
    }

    private static String runVirtualThreadsApp(String agentOptions) throws Exception {
        ForkedJvm.Result r = ForkedJvm.java(ForkedJvm.currentJava(), List.of("-javaagent:" + Built.agentJar()
                        + "=" + agentOptions), Built.appClasses(),
                "com.acme.races.VirtualThreadsApp", List.of()).mergeErrors().sampleEvery(null).run(Duration.ofMinutes(2));
        assertEquals(0, r.exitCode(), r::describe);
        return r.output().stream().filter(l -> l.startsWith("steps=") || l.startsWith("on-jdk-scheduler="))
                .reduce("", (a, b) -> a + b + "\n");
    }

    @Test
    void aSeedAloneReplaysTheRaceWithItsSleeps() throws Exception {
        // The app's threads sleep between read and write: with a real clock the machine would decide which sleeper
        // wakes first. A seeded schedule without clock= keeps virtual time, so the seed alone replays the run.
        String first = run("schedule=random:7");
        assertTrue(first.contains("counter="), first);
        for (int i = 0; i < 3; i++) {
            assertEquals(first, run("schedule=random:7"), "replay " + i);
        }
        assertEquals(first, run("schedule=random:7,clock=virtual"), "the same run as with clock=virtual given");
    }

    @Test
    void anHourOfSleepPassesInVirtualTimeAndTheClocksAgree() throws Exception {
        // Sixty one-minute Thread.sleep calls and a 30-minute timed latch wait inside the JDK: under the class timeout
        // only because the clock is virtual; the app's own clocks (System.nanoTime, Instant.now) agree.
        String output = run("clock=virtual", "hour");
        assertTrue(output.contains("slept an hour, then waited on a latch (counted down: false): nanoTime says 90 min,"
                + " Instant.now says 90 min"), output);
    }
}
