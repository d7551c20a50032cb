package io.greening.stackless;

import io.greening.internal.Rethrow;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A Stackless channel: {@link #send} and {@link #receive} are a rendezvous between tasklets of one thread. A sender
 * blocks until a receiver takes its value and a receiver until a value comes; the waiting tasklets queue in order,
 * so several receivers each get a different message. When both sides meet, the {@linkplain #setPreference
 * preference} decides which runs on first. A channel belongs to the scheduler (thread) whose tasklet uses it
 * first; Stackless's channels between threads are not supported.
 *
 * @param <T> the type of the messages
 */
public final class Channel<T> implements Iterable<T> {
    /** Preference: the receiver runs first (the default). */
    public static final int PREFER_RECEIVER = -1;
    /** Preference: neither side is preferred; the one that arrived second runs on. */
    public static final int PREFER_NEITHER = 0;
    /** Preference: the sender runs first. */
    public static final int PREFER_SENDER = 1;

    private static final int SEND = 1, RECEIVE = -1;

    /** Waiting tasklets, all senders (balance &gt; 0) or all receivers (balance &lt; 0), in arrival order. */
    private final ArrayDeque<Tasklet> waiters = new ArrayDeque<>();
    private int balance;
    private int preference = PREFER_RECEIVER;
    private boolean closing;
    /** The scheduler whose tasklets use this channel, fixed by the first operation. */
    private Scheduler owner;

    /** Creates an open channel with the default preference, {@link #PREFER_RECEIVER}. */
    public Channel() {
    }

    /**
     * Sends {@code value}: hands it to a waiting receiver, or blocks the current tasklet until one comes.
     *
     * @throws ChannelClosedException if the channel is closing and no receiver waits
     * @throws IllegalStateException if blocking would leave no tasklet runnable (a deadlock), or, in the main
     *         tasklet, if the last other runnable tasklet ended while it waited
     */
    public void send(T value) {
        transfer(SEND, value, null);
    }

    /**
     * Sends an exception: the receiver's {@link #receive} throws it (a checked one wrapped in a
     * {@link java.util.concurrent.CompletionException}). Blocks as {@link #send} does.
     */
    public void sendException(Throwable exception) {
        transfer(SEND, null, exception);
    }

    /**
     * Receives a value: takes it from a waiting sender, or blocks the current tasklet until one comes.
     *
     * @throws ChannelClosedException if the channel is closing and no sender waits
     * @throws IllegalStateException if blocking would leave no tasklet runnable (a deadlock), or, in the main
     *         tasklet, if the last other runnable tasklet ended while it waited
     */
    @SuppressWarnings("unchecked")
    public T receive() {
        return (T) transfer(RECEIVE, null, null);
    }

    private Object transfer(int direction, Object value, Throwable exception) {
        Scheduler scheduler = Scheduler.current();
        if (owner == null) {
            owner = scheduler;
        } else if (owner != scheduler) {
            throw new IllegalStateException("this channel is used by the tasklets of another thread; greening's "
                    + "channels connect the tasklets of one thread (use io.greening queues between threads)");
        }
        Tasklet me = scheduler.current;
        if (balance * direction < 0) {   // the other side waits
            Tasklet other = waiters.pollFirst();
            balance += direction;
            other.blockedOn = null;
            Object received = null;
            Throwable receivedException = null;
            if (direction == SEND) {
                other.transferValue = value;
                other.transferException = exception;
            } else {
                received = other.transferValue;
                receivedException = other.transferException;
                other.transferValue = null;
                other.transferException = null;
            }
            scheduler.afterTransfer(me, other, preference == -direction);
            return deliver(received, receivedException);
        }
        if (closing) {
            throw new ChannelClosedException((direction == SEND ? "send on" : "receive from") + " a closed channel");
        }
        me.transferValue = value;
        me.transferException = exception;
        waiters.addLast(me);
        balance += direction;
        me.blockedOn = this;
        scheduler.block(me, this);
        if (direction == SEND) {
            return null;
        }
        Object received = me.transferValue;
        Throwable receivedException = me.transferException;
        me.transferValue = null;
        me.transferException = null;
        return deliver(received, receivedException);
    }

    private static Object deliver(Object value, Throwable exception) {
        if (exception != null) {
            throw Rethrow.unchecked(exception);
        }
        return value;
    }

    /**
     * Sends each of {@code values} in turn, as {@link #send} does (Stackless's {@code send_sequence}); returns how
     * many were sent.
     */
    public int sendSequence(Iterable<? extends T> values) {
        int sent = 0;
        for (T value : values) {
            send(value);
            sent++;
        }
        return sent;
    }

    /** Takes a waiting tasklet off this channel (it was killed or raised into, or must see a deadlock). */
    void removeWaiter(Tasklet tasklet) {
        if (waiters.remove(tasklet)) {
            balance += balance > 0 ? -1 : 1;
            tasklet.blockedOn = null;
            tasklet.transferValue = null;
            tasklet.transferException = null;
        }
    }

    /** The waiting tasklets: how many senders if positive, how many receivers if negative. */
    public int balance() {
        return balance;
    }

    /** Which side runs first when they meet: {@link #PREFER_RECEIVER}, {@link #PREFER_NEITHER} or {@link #PREFER_SENDER}. */
    public int getPreference() {
        return preference;
    }

    /**
     * Sets which side runs first when a send meets a waiting receiver or a receive a waiting sender: -1 the
     * receiver (the default), 1 the sender, 0 neither (the tasklet that arrived second runs on). The side that does
     * not run goes to the end of the run queue.
     */
    public void setPreference(int preference) {
        if (preference < -1 || preference > 1) {
            throw new IllegalArgumentException("preference must be -1, 0 or 1: " + preference);
        }
        this.preference = preference;
    }

    /**
     * Closes the channel: no sender may block on it any more; receivers may still take what waiting senders
     * offer. It is {@linkplain #isClosed() closed} once no tasklet waits on it. Tasklets waiting to receive can get
     * nothing any more: they go to the end of the run queue and their {@code receive} throws
     * {@link ChannelClosedException} (their iteration ends).
     */
    public void close() {
        closing = true;
        while (balance < 0) {
            Tasklet receiver = waiters.pollFirst();
            balance++;
            receiver.blockedOn = null;
            receiver.transferValue = null;
            receiver.transferException = new ChannelClosedException("channel closed while receiving");
            receiver.scheduler.runQueue.addLast(receiver);
        }
    }

    /**
     * Reopens a closing or closed channel (Stackless's {@code open}): senders may block on it again, and receives
     * wait again instead of failing.
     */
    public void open() {
        closing = false;
    }

    /** Whether {@link #close()} was called (and not undone by {@link #open()}). */
    public boolean isClosing() {
        return closing;
    }

    /** Whether it was closed and no tasklet waits on it any more. */
    public boolean isClosed() {
        return closing && balance == 0;
    }

    /**
     * Receives values until the channel is closed and drained, like Stackless's iteration over a channel:
     * {@code hasNext()} blocks on {@link #receive()}.
     */
    @Override
    public Iterator<T> iterator() {
        return new Iterator<>() {
            private boolean hasValue;
            private T value;

            @Override
            public boolean hasNext() {
                if (hasValue) {
                    return true;
                }
                if (closing && balance <= 0) {
                    return false;
                }
                try {
                    value = receive();
                    hasValue = true;
                    return true;
                } catch (ChannelClosedException closed) {
                    return false;
                }
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("channel closed");
                }
                hasValue = false;
                T result = value;
                value = null;
                return result;
            }
        };
    }

    @Override
    public String toString() {
        return "Channel[balance=" + balance + ", preference=" + preference
                + (isClosed() ? ", closed" : closing ? ", closing" : "") + "]";
    }
}
