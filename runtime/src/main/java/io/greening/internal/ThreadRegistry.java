package io.greening.internal;

import io.greening.Hub;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one registry of live green threads, however they were made (see {@link ThreadRecord}): the hub's quiet and
 * deadlock detection, the stall monitor and the thread dump all read it, and greening's blocking point looks the
 * current thread up in it. A hub on its own has a registry of its own; the hubs of a group share one, since their
 * threads move between them.
 *
 * <p>Identity hash tables with open addressing, so that a lookup takes no lock and no atomic: a hash and a probe, as
 * {@code IdentityHashMap}'s. A hub's own registry is one table written only on the hub's carrier (a green thread
 * registers itself when it starts and leaves when it ends, both on the carrier), with no lock at all; a thread that
 * ends on another carrier is marked ended at once and its slot freed by the carrier at its next write. A group's
 * registry is split into tables by the threads' identity hash, each written under its own lock, so that carriers
 * registering threads at once rarely meet. Other threads read either safely: a removed slot keeps a tombstone instead
 * of moving its neighbours, and a resize publishes a new table, so a reader scanning one table sees every record at
 * most once and never fails; it may miss a record registered meanwhile, and it skips records that have ended
 * ({@link #snapshot()}).
 */
public final class ThreadRegistry {
    private static final Set<ThreadRegistry> OPEN = ConcurrentHashMap.newKeySet();
    private static final ThreadRecord TOMBSTONE = new ThreadRecord(null, "removed");
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(ThreadRecord[].class);
    private static final int MIN_CAPACITY = 16;

    private final String name;
    /** The hub whose carrier alone writes it, or {@code null} for a group's registry (written under the tables' locks). */
    private final Hub hub;
    private final Table[] tables;
    private final int shardShift;
    private final MpscQueue<ThreadRecord> endedElsewhere = new MpscQueue<>();
    /** Run when an unregister leaves a group's registry empty, once set; see {@link #whenEmptied}. */
    private volatile Runnable whenEmptied;

    /** An empty registry for {@code hub}, listed among the {@linkplain #all() open registries} until {@link #close()}. */
    public ThreadRegistry(Hub hub) {
        this(hub.name(), hub, 1);
    }

    private ThreadRegistry(String name, Hub hub, int shards) {
        this.name = name;
        this.hub = hub;
        this.tables = new Table[shards];
        for (int i = 0; i < shards; i++) {
            tables[i] = new Table();
        }
        this.shardShift = 32 - Integer.numberOfTrailingZeros(shards);
        OPEN.add(this);
    }

    /**
     * An empty registry shared by the hubs of a group named {@code name}, written from any of their carriers; split
     * into enough tables for {@code writers} carriers to register threads at once without waiting on each other.
     */
    public static ThreadRegistry shared(String name, int writers) {
        return new ThreadRegistry(name, null, Integer.highestOneBit(Math.max(1, writers) * 4 - 1) << 1);
    }

    /** The registries of every hub and group not closed yet. */
    public static List<ThreadRegistry> all() {
        return List.copyOf(OPEN);
    }

    /** Drops it from {@link #all()}; called once its hub or group is closed. */
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

    /**
     * From now on, runs {@code action} on the thread whose unregister leaves this group registry empty (it may run more
     * than once, and on several threads at once). A closing group wakes its sleeping hubs with it.
     */
    public void whenEmptied(Runnable action) {
        this.whenEmptied = action;
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

    // ---- the tables ----

    private Table tableOf(Thread thread) {
        // the high bits of a multiplicative hash pick the table; a table's probe starts from the low bits
        return tables.length == 1 ? tables[0] : tables[(System.identityHashCode(thread) * 0x9E3779B9) >>> shardShift];
    }

    /** Adds {@code record}, whose thread is the caller. On a hub's own registry: its carrier only. */
    public void register(ThreadRecord record) {
        record.registry = this;
        Table table = tableOf(record.thread());
        if (hub == null) {
            synchronized (table) {
                table.add(record);
            }
            return;
        }
        dropEndedElsewhere();
        table.add(record);
    }

    /**
     * Removes {@code record}. A group's registry frees its slot now, from any carrier; a hub's own registry does so on
     * the hub's carrier, and on any other thread marks it ended now (readers skip it) and leaves its slot to the
     * carrier.
     */
    public void unregister(ThreadRecord record) {
        if (record.registry != this) {
            return;
        }
        record.registry = null;
        Table table = tableOf(record.thread());
        if (hub == null) {
            synchronized (table) {
                table.free(record);
            }
            Runnable action = whenEmptied;
            if (action != null) {
                VarHandle.fullFence();   // this free before reading the other tables: of two last to leave, one sees both gone
                if (size() == 0) {
                    action.run();
                }
            }
            return;
        }
        if (VirtualThreads.currentCarrierThread() != hub.carrier()) {
            endedElsewhere.offer(record);
            return;
        }
        dropEndedElsewhere();
        table.free(record);
    }

    private void dropEndedElsewhere() {
        ThreadRecord ended;
        while ((ended = endedElsewhere.poll()) != null) {
            tables[0].free(ended);
        }
    }

    /** The record of {@code thread}, or {@code null}. Exact for the current thread; best effort for others. */
    public ThreadRecord lookup(Thread thread) {
        return tableOf(thread).lookup(thread);
    }

    /** How many green threads are registered. On a hub's own registry: exact on its carrier; else a moment's view. */
    public int size() {
        if (hub != null) {
            if (VirtualThreads.currentCarrierThread() == hub.carrier()) {
                dropEndedElsewhere();
            }
            return tables[0].size();
        }
        int size = 0;
        for (Table table : tables) {
            size += table.size();
        }
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
        List<ThreadRecord> records = new ArrayList<>();
        for (Table table : tables) {
            table.addLiveTo(records, this);
        }
        return records;
    }

    private static int indexFor(Thread thread, int mask) {
        int h = System.identityHashCode(thread);   // random already; fold the high bits in for small tables
        return (h ^ (h >>> 16)) & mask;
    }

    @Override
    public String toString() {
        return "ThreadRegistry[" + name + "]";
    }

    /** One open-addressing table, written by one thread at a time. */
    private static final class Table {
        /** Slots: null (never used), a record, or {@link #TOMBSTONE}. Replaced whole on resize. */
        private static final VarHandle SIZE = VarHandles.field(MethodHandles.lookup(), Table.class, "size", int.class);

        private volatile ThreadRecord[] slots = new ThreadRecord[MIN_CAPACITY];
        private int size;       // written by the table's one writer at a time (release), read by anyone (size())
        private int occupied;   // records and tombstones

        void add(ThreadRecord record) {
            if (occupied + 1 > slots.length / 3 * 2) {
                rebuild();
            }
            ThreadRecord[] t = slots;
            int mask = t.length - 1;
            int i = indexFor(record.thread(), mask);
            while (true) {
                ThreadRecord slot = t[i];
                if (slot == null || slot == TOMBSTONE) {
                    if (slot == null) {
                        occupied++;
                    }
                    SLOT.setRelease(t, i, record);
                    SIZE.setRelease(this, size + 1);
                    return;
                }
                i = (i + 1) & mask;
            }
        }

        void free(ThreadRecord record) {
            ThreadRecord[] t = slots;
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
                    SIZE.setRelease(this, size - 1);
                    return;
                }
                i = (i + 1) & mask;
            }
        }

        /** Copies the records into a new table sized for them, dropping tombstones, and publishes it. */
        private void rebuild() {
            ThreadRecord[] old = slots;
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
            slots = t;   // volatile: readers see a complete table
        }

        int size() {
            return (int) SIZE.getAcquire(this);
        }

        ThreadRecord lookup(Thread thread) {
            ThreadRecord[] t = slots;
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

        void addLiveTo(List<ThreadRecord> records, ThreadRegistry owner) {
            ThreadRecord[] t = slots;
            for (int i = 0; i < t.length; i++) {
                ThreadRecord record = (ThreadRecord) SLOT.getAcquire(t, i);
                if (record != null && record != TOMBSTONE && record.registry == owner) {
                    records.add(record);
                }
            }
        }
    }
}
