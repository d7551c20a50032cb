/**
 * The parts a hub's loop is made of, and what greening's packages share, not API: timers
 * ({@link io.greening.internal.TimerHeap}), the selector and its waiters ({@link io.greening.internal.IoWaiters}), the
 * clock and deadlines ({@link io.greening.internal.HubClock}, {@link io.greening.internal.Deadlines}), the blocking
 * point ({@link io.greening.internal.Parking}), the schedules ({@link io.greening.internal.Schedule}), the wait
 * decision ({@link io.greening.internal.Wait}), the offload pool ({@link io.greening.internal.Offload}), the registry
 * of green threads ({@link io.greening.internal.ThreadRegistry}), the one reflective door into {@code java.lang}
 * ({@link io.greening.internal.VirtualThreads}), and the access bridge ({@link io.greening.internal.Access}) through
 * which the other packages reach the hub's internals. The module does not export it.
 */
package io.greening.internal;
