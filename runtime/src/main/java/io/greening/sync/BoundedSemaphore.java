package io.greening.sync;

/**
 * A {@link Semaphore} that refuses to be released above its initial count, eventlet's and gevent's
 * {@code BoundedSemaphore}: such a release is a bug (a release without an acquire), reported at once.
 */
public class BoundedSemaphore extends Semaphore {
    private final int bound;

    /** A bounded semaphore with one permit, Python's default {@code BoundedSemaphore()}. */
    public BoundedSemaphore() {
        this(1);
    }

    /** A bounded semaphore with {@code permits} permits, at most. */
    public BoundedSemaphore(int permits) {
        super(permits);
        this.bound = permits;
    }

    /** @throws IllegalStateException (Python's {@code ValueError}) if every permit is already free */
    @Override
    void checkRelease(int freePermits) {
        if (freePermits >= bound) {
            throw new IllegalStateException("BoundedSemaphore released too many times (bound " + bound + ")");
        }
    }
}
