package io.greening.sync;

import io.greening.Green;
import io.greening.GreenThread;
import io.greening.GreenletExit;
import io.greening.Hub;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;

import static io.greening.testing.Conditions.waitUntil;
import static org.junit.jupiter.api.Assertions.*;

@org.junit.jupiter.api.Timeout(60)
class GreenPoolTest {

    @Test
    void spawnWaitsWhileThePoolIsFull() {
        Green.run(() -> {
            GreenPool pool = new GreenPool(2);
            Event release = new Event();
            pool.spawn(() -> release.await());
            pool.spawn(() -> release.await());
            assertEquals(2, pool.running());
            assertEquals(0, pool.free());
            GreenThread<Void> third = Green.spawn(() -> { pool.spawn(() -> 3); });
            waitUntil(() -> pool.waiting() == 1);
            assertFalse(third.isDead());
            release.set();
            third.join();
            pool.waitAll();
            assertEquals(0, pool.running());
            assertEquals(2, pool.free());
            return null;
        });
    }

    @Test
    void neverRunsMoreThanItsSizeAndResizes() {
        Green.run(() -> {
            GreenPool pool = new GreenPool(3);
            assertEquals(3, mostAtOnce(pool));
            pool.resize(5);
            assertEquals(5, mostAtOnce(pool));
            assertEquals(5, pool.size());
            return null;
        });
    }

    /** Spawns 30 short threads into {@code pool} and returns how many ran at once at the most. */
    private static int mostAtOnce(GreenPool pool) {
        int[] now = {0};
        int[] max = {0};
        for (int i = 0; i < 30; i++) {
            pool.spawnN(() -> {
                now[0]++;
                max[0] = Math.max(max[0], now[0]);
                Green.sleep(1);
                now[0]--;
            });
        }
        assertTrue(pool.waitAll(Duration.ofSeconds(30)));
        return max[0];
    }

    @Test
    void aKilledSpawnerTakesNoSlot() {
        Green.run(() -> {
            GreenPool pool = new GreenPool(1);
            Event release = new Event();
            pool.spawn(() -> release.await());
            GreenThread<Void> spawner = Green.spawn(() -> { pool.spawn(() -> 1); });
            waitUntil(() -> pool.waiting() == 1);
            spawner.kill();
            spawner.join();
            assertEquals(0, pool.waiting());
            release.set();
            pool.waitAll();
            assertEquals(1, pool.free());
            return null;
        });
    }

    @Test
    void addTakesASlotAndDiscardFreesIt() {
        Green.run(() -> {
            GreenPool pool = new GreenPool(1);
            Event release = new Event();
            GreenThread<Void> outsider = Green.spawn(() -> release.await());
            pool.add(outsider);
            assertEquals(0, pool.free());
            pool.discard(outsider);
            assertEquals(1, pool.free());
            release.set();
            outsider.join();
            assertEquals(1, pool.free(), "a discarded thread frees no slot again when it dies");
            GreenThread<Integer> member = Green.spawn(() -> 5);
            pool.add(member);
            pool.waitAll();
            assertEquals(1, pool.free());
            return null;
        });
    }

    @Test
    void imapReturnsResultsInArgumentOrder() {
        List<Integer> squares = Green.run(() -> {
            GreenPool pool = new GreenPool(4);
            Iterator<Integer> it = pool.imap(n -> {
                Green.sleep(10 - n);   // later arguments finish first
                return n * n;
            }, IntStream.range(0, 10).boxed().toList());
            List<Integer> out = new ArrayList<>();
            it.forEachRemaining(out::add);
            return out;
        });
        assertEquals(IntStream.range(0, 10).map(n -> n * n).boxed().toList(), squares);
    }

    @Test
    void imapRethrowsAFailureWhenIteratedFromAPlatformThread() {
        GreenPool pool = new GreenPool(2);
        Iterator<Integer> it = pool.imap(n -> {
            if (n == 2) {
                throw new IllegalArgumentException("bad " + n);
            }
            return n;
        }, List.of(0, 1, 2, 3));
        assertEquals(0, it.next());
        assertEquals(1, it.next());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, it::next);
        assertEquals("bad 2", e.getMessage());
        assertEquals(3, it.next());
        assertFalse(it.hasNext());
        assertTrue(pool.waitAll(Duration.ofSeconds(10)));
    }

    @Test
    void pileYieldsInSpawnOrderAndRethrows() {
        Green.run(() -> {
            GreenPile<String> pile = new GreenPile<>(2);
            pile.spawn(() -> { Green.sleep(20); return "slow"; });
            pile.spawn(() -> "fast");
            List<String> out = new ArrayList<>();
            for (String s : pile) {
                out.add(s);
            }
            assertEquals(List.of("slow", "fast"), out);

            GreenPile<String> failing = new GreenPile<>();
            failing.spawn(() -> { throw new IllegalStateException("boom"); });
            assertThrows(IllegalStateException.class, () -> failing.iterator().next());
            assertFalse(failing.iterator().hasNext());
            return null;
        });
    }

    @Test
    void groupJoinsKillsAndForgetsTheDead() {
        Green.run(() -> {
            Group group = new Group();
            GreenThread<Integer> quick = group.spawn(() -> 1);
            GreenThread<Void> forever = group.spawn(() -> Green.sleep(Duration.ofHours(1)));
            quick.join();
            waitUntil(() -> group.count() == 1);
            assertFalse(group.contains(quick));
            assertFalse(group.join(Duration.ofMillis(10)));
            assertTrue(group.killAll(Duration.ofSeconds(10)));
            assertThrows(GreenletExit.class, forever::get);
            assertEquals(0, group.count());

            GreenThread<Integer> outsider = Green.spawn(() -> 2);
            group.add(outsider);
            group.join();
            assertEquals(0, group.count());
            return null;
        });
    }

    @Test
    void joinAllAndKillAll() {
        Green.run(() -> {
            GreenThread<Integer> a = Green.spawn(() -> 1);
            GreenThread<Void> b = Green.spawn(() -> Green.sleep(Duration.ofHours(1)));
            List<GreenThread<?>> done = Group.joinAll(List.of(a, b), Duration.ofMillis(20));
            assertEquals(List.of(a), done);
            assertTrue(Group.killAll(List.of(a, b), Duration.ofSeconds(10)));
            assertTrue(b.isDead());
            assertEquals(2, Group.joinAll(List.of(a, b), null).size());
            return null;
        });
    }

    @Test
    void aPoolFedFromAPlatformThread() throws Exception {
        Hub hub = Hub.start("pool-hub");
        try {
            GreenPool pool = hub.spawn(() -> new GreenPool(2)).get();
            List<GreenThread<Integer>> threads = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int n = i;
                threads.add(pool.spawn(() -> { Green.sleep(1); return n; }));
            }
            pool.waitAll();
            int sum = 0;
            for (GreenThread<Integer> t : threads) {
                sum += t.get();
                assertSame(Hub.shared(), t.hub());   // spawned off-hub: on the shared hub, like Green.spawn
            }
            assertEquals(190, sum);
            assertEquals(2, pool.free());
        } finally {
            hub.close();
        }
    }

    @Test
    void aPileCountsASpawnStillWaitingForASlot() {
        Green.run(() -> {
            GreenPool pool = new GreenPool(1);
            GreenPile<Integer> pile = new GreenPile<>(pool);
            Event release = new Event();
            pool.spawn(() -> release.await());   // holds the only slot; not in the pile
            GreenThread<?> spawner = Green.spawn(() -> pile.spawn(() -> 2));
            waitUntil(() -> pool.waiting() == 1);
            Green.spawn(release::set);
            Iterator<Integer> results = pile.iterator();
            assertTrue(results.hasNext(), "eventlet counts the spawn before it waits for a slot");
            assertEquals(2, results.next());
            assertFalse(results.hasNext());
            spawner.join();
            return null;
        });
    }

    @Test
    void imapRethrowsWhatTheArgumentsThrewAfterTheResultsBeforeIt() {
        Green.run(() -> {
            Iterable<Integer> failingAfterTwo = () -> new Iterator<>() {
                int next = 1;

                @Override
                public boolean hasNext() {
                    return true;
                }

                @Override
                public Integer next() {
                    if (next > 2) {
                        throw new IllegalStateException("arguments failed");
                    }
                    return next++;
                }
            };
            Iterator<Integer> results = new GreenPool(4).imap(a -> a * 10, failingAfterTwo);
            assertEquals(10, results.next());
            assertEquals(20, results.next());
            assertTrue(results.hasNext(), "gevent re-raises the iterable's exception to the consumer");
            IllegalStateException e = assertThrows(IllegalStateException.class, results::next);
            assertEquals("arguments failed", e.getMessage());
            assertFalse(results.hasNext());
            return null;
        });
    }

    @Test
    void imapUnorderedReturnsEachResultAsItsThreadEnds() {
        Green.run(() -> {
            Event firstMayEnd = new Event();
            Function<Integer, Integer> work = a -> {
                if (a == 1) {
                    firstMayEnd.await();
                } else {
                    firstMayEnd.set();
                }
                return a;
            };
            List<Integer> unordered = new ArrayList<>();
            new GreenPool(2).imapUnordered(work, List.of(1, 2)).forEachRemaining(unordered::add);
            assertEquals(List.of(2, 1), unordered);

            firstMayEnd.clear();
            List<Integer> ordered = new ArrayList<>();
            new GreenPool(2).imap(work, List.of(1, 2)).forEachRemaining(ordered::add);
            assertEquals(List.of(1, 2), ordered);
            return null;
        });
    }

    @Test
    void killAllKillsAMemberOnlyOnce() {
        Green.run(() -> {
            Group group = new Group();
            Event dying = new Event();
            Event mayFinishDying = new Event();
            List<String> log = new ArrayList<>();
            GreenThread<Void> member = group.spawn(() -> {
                try {
                    Green.sleep(Duration.ofHours(1));
                } catch (GreenletExit killed) {
                    dying.set();
                    mayFinishDying.await();   // cleanup that blocks: a second kill would cut it short
                    log.add("cleaned up");
                    throw killed;
                }
            });
            Green.cede();
            group.killAll();
            dying.await();
            group.killAll();
            group.killOne(member);
            mayFinishDying.set();
            member.join();
            assertEquals(List.of("cleaned up"), log, "gevent kills each member once");
            assertEquals(0, group.count());
            return null;
        });
    }

    @Test
    void waitAllFromOneOfThePoolsOwnThreadsIsRefused() {
        Green.run(() -> {
            GreenPool pool = new GreenPool(2);
            GreenThread<Boolean> inside = pool.spawn(() -> pool.waitAll(Duration.ofSeconds(5)));
            IllegalStateException e = assertThrows(IllegalStateException.class, inside::get);
            assertTrue(e.getMessage().contains("wait for itself"), e.getMessage());
            GreenThread<Void> forever = pool.spawn(() -> pool.waitAll());
            assertThrows(IllegalStateException.class, forever::get);
            return null;
        });
    }

    @Test
    void applyAsyncNeverWaitsForASlot() {
        Green.run(() -> {
            GreenPool pool = new GreenPool(1);
            Event release = new Event();
            pool.spawn(() -> release.await());
            List<Integer> called = new ArrayList<>();
            GreenThread<Integer> queued = pool.applyAsync(() -> 5, called::add);   // the pool is full: returns at once
            assertFalse(queued.isDead());
            assertEquals(1, pool.running());
            release.set();
            assertEquals(5, queued.get());
            assertEquals(List.of(5), called);

            GreenThread<Integer> direct = pool.applyAsync(() -> 6, called::add);
            assertTrue(pool.contains(direct), "with a free slot it runs in the pool");
            assertEquals(6, direct.get());
            waitUntil(() -> called.size() == 2);
            assertEquals(List.of(5, 6), called);

            GreenThread<Integer> failing = pool.applyAsync(() -> { throw new IllegalStateException("no"); },
                    called::add);
            failing.join();
            assertEquals(List.of(5, 6), called, "the callback gets values only");
            return null;
        });
    }
}
