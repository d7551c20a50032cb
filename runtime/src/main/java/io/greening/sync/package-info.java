/**
 * eventlet's and gevent's synchronization primitives for green threads: queues ({@link io.greening.sync.Queue}, a
 * channel when its size is 0, {@link io.greening.sync.LifoQueue}, {@link io.greening.sync.PriorityQueue}),
 * {@link io.greening.sync.Event}, {@link io.greening.sync.AsyncResult}, {@link io.greening.sync.Semaphore},
 * {@link io.greening.sync.BoundedSemaphore}, {@link io.greening.sync.RLock}, and groups of green threads
 * ({@link io.greening.sync.Group}, {@link io.greening.sync.GreenPool}, {@link io.greening.sync.GreenPile}). Lock-free
 * between green threads of the hub that made one, safe from any thread.
 */
package io.greening.sync;
