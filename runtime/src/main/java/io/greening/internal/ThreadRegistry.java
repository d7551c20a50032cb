package io.greening.internal;

import io.greening.Hub;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one registry of a hub's live green threads, however they were made (see {@link ThreadRecord}): the hub's quiet
 * and deadlock detection, the stall monitor and the thread dump all read it, and greening's blocking point looks the
 * current thread up in it.
 *
 * <p>An identity hash table with open addressing, written only on the hub's carrier (a green thread registers itself
 * when it starts and leaves when it ends, both on the carrier), so the hot paths take no lock and no atomic: a
 * lookup is a hash and a probe, as {@code IdentityHashMap}'s. Other threads read it safely: a removed slot keeps a
 * tombstone instead of moving its neighbours, and a resize publishes a new table, so a reader scanning one table sees
 * every record at most once and never fails; it may miss a record registered meanwhile, and it skips records that
 * have ended ({@link #snapshot()}).
 *
 * <p>A thread may end on another carrier than its hub's (a future group of hubs moves threads between them): it is
 * then marked ended at once and its slot freed by the owning carrier at its next write, so the registry never
 * assumes a thread stays where it started.
 */
public final class ThreadRegistry {
    private static final Set<ThreadRegistry> OPEN = ConcurrentHashMap.newKeySet();
    private static final ThreadRecord TOMBSTONE = new ThreadRecord(null, "removed");
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(ThreadRecord[].class);
    private static final int MIN_CAPACITY = 16;

    private final Hub hub;
    /** Slots: null (never used), a record, or {@link #TOMBSTONE}. Replaced whole on resize. */
    private volatile ThreadRecord[] table = new ThreadRecord[MIN_CAPACITY];
    private int size;       // carrier only
    private int occupied;   // records and tombstones; carrier only
    private final MpscQueue<ThreadRecord> endedElsewhere = new MpscQueue<>();

    /** An empty registry for {@code hub}, listed among the {@linkplain #all() open registries} until {@link #close()}. */
    public ThreadRegistry(Hub hub) {
        this.hub = hub;
        OPEN.add(this);
    }

    /** The registries of every hub not closed yet. */
    public static List<ThreadRegistry> all() {
        return List.copyOf(OPEN);
    }

    /** Drops it from {@link #all()}; the hub's carrier calls it once the hub is closed. */
    public void close() {
        OPEN.remove(this);
    }

    // ---- the current thread ----

    /** Registers the calling green thread as a thread of {@code kind}; returns its record, or null off any hub. */
    public static ThreadRecord enter(String kind) {
        return enter(kind, null);
    }

    /**
     * Registers the calling green thread as a thread of {@code kind} that runs for {@code identity} (see
     * {@link ThreadRecord#identity()}; null: itself); returns its record, or null off any hub.
     */
    public static ThreadRecord enter(String kind, Thread identity) {
        Thread me = Thread.currentThread();
        Hub hub = Hub.of(me);
        if (hub == null) {
            return null;
        }
        ThreadRecord record = new ThreadRecord(me, kind, identity == null ? me : identity);
        Access.greening().registry(hub).register(record);
        return record;
    }

    /** Removes {@code record} (from {@link #enter}; null is ignored) from its registry. */
    public static void exit(ThreadRecord record) {
        if (record != null) {
            ThreadRegistry registry = record.registry;
            if (registry != null) {
                registry.unregister(record);
            }
        }
    }

    static ThreadRecord lookupCurrent() {
        Thread me = Thread.currentThread();
        Hub hub = Hub.of(me);
        return hub == null ? null : Access.greening().registry(hub).lookup(me);
    }

    // ---- the table ----

    /** Adds {@code record}, whose thread is the caller. Carrier only. */
    public void register(ThreadRecord record) {
        dropEndedElsewhere();
        if (occupied + 1 > table.length / 3 * 2) {
            rebuild();
        }
        ThreadRecord[] t = table;
        int mask = t.length - 1;
        int i = indexFor(record.thread(), mask);
        while (true) {
            ThreadRecord slot = t[i];
            if (slot == null || slot == TOMBSTONE) {
                if (slot == null) {
                    occupied++;
                }
                record.registry = this;
                SLOT.setRelease(t, i, record);
                size++;
                return;
            }
            i = (i + 1) & mask;
        }
    }

    /**
     * Removes {@code record}. On the hub's carrier its slot is freed now; on any other thread it is marked ended now
     * (readers skip it) and its slot freed by the carrier later.
     */
    public void unregister(ThreadRecord record) {
        if (record.registry != this) {
            return;
        }
        record.registry = null;
        if (VirtualThreads.currentCarrierThread() != hub.carrier()) {
            endedElsewhere.offer(record);
            return;
        }
        dropEndedElsewhere();
        free(record);
    }

    private void free(ThreadRecord record) {
        ThreadRecord[] t = table;
        int mask = t.length - 1;
        int i = indexFor(record.thread(), mask);
        ThreadRecord slot;
        while ((slot = t[i]) != null) {
            if (slot == record) {
                if (t[(i + 1) & mask] == null) {
                    SLOT.setRelease(t, i, (ThreadRecord) null);   // the end of its probe chain: no tombstone needed
                    occupied--;
                } else {
                    SLOT.setRelease(t, i, TOMBSTONE);
                }
                size--;
                return;
            }
            i = (i + 1) & mask;
        }
    }

    private void dropEndedElsewhere() {
        ThreadRecord ended;
        while ((ended = endedElsewhere.poll()) != null) {
            free(ended);
        }
    }

    /** Copies the records into a new table sized for them, dropping tombstones, and publishes it. */
    private void rebuild() {
        ThreadRecord[] old = table;
        int capacity = MIN_CAPACITY;
        while (capacity < (size + 1) * 2) {
            capacity <<= 1;
        }
        ThreadRecord[] t = new ThreadRecord[capacity];
        int mask = capacity - 1;
        for (ThreadRecord record : old) {
            if (record != null && record != TOMBSTONE) {
                int i = indexFor(record.thread(), mask);
                while (t[i] != null) {
                    i = (i + 1) & mask;
                }
                t[i] = record;
            }
        }
        occupied = size;
        table = t;   // volatile: readers see a complete table
    }

    /** The record of {@code thread}, or {@code null}. Exact on the hub's carrier; best effort elsewhere. */
    public ThreadRecord lookup(Thread thread) {
        ThreadRecord[] t = table;
        int mask = t.length - 1;
        int i = indexFor(thread, mask);
        ThreadRecord slot;
        while ((slot = t[i]) != null) {
            if (slot.thread() == thread) {
                return slot;
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    /** How many green threads are registered. Carrier only. */
    public int size() {
        dropEndedElsewhere();
        return size;
    }

    /** The record of the green thread mounted on {@code carrier} now (the one holding it), or null; from any thread. */
    public ThreadRecord mountedOn(Thread carrier) {
        for (ThreadRecord record : snapshot()) {
            if (VirtualThreads.carrierOf(record.thread()) == carrier) {
                return record;
            }
        }
        return null;
    }

    /**
     * The records registered now, from any thread: every record registered throughout the call is in it, none twice;
     * one registered or ended during the call may or may not be.
     */
    public List<ThreadRecord> snapshot() {
        ThreadRecord[] t = table;
        List<ThreadRecord> records = new ArrayList<>();
        for (int i = 0; i < t.length; i++) {
            ThreadRecord record = (ThreadRecord) SLOT.getAcquire(t, i);
            if (record != null && record != TOMBSTONE && record.registry == this) {
                records.add(record);
            }
        }
        return records;
    }

    private static int indexFor(Thread thread, int mask) {
        int h = System.identityHashCode(thread);   // random already; fold the high bits in for small tables
        return (h ^ (h >>> 16)) & mask;
    }

    @Override
    public String toString() {
        return "ThreadRegistry[" + hub.name() + "]";
    }
}
