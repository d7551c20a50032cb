package com.acme.redisapp;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPoolConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A plain blocking Redis client app: one {@code new Thread} per simulated user, each doing SET/GET round trips and
 * one INCR through a shared {@link JedisPool}. Nothing in it knows about greening.
 *
 * <p>Usage: {@code RedisApp <port> <threads> <rounds> <poolSize>}. Prints one line:
 * {@code redis: threads=T rounds=R ok=N mismatches=M failures=F counter=C keys=K alive-after-join=A
 * clients-baseline=B clients-after-close=X} and, if anything failed, the first failure.
 */
public final class RedisApp {
    private RedisApp() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int threads = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        int poolSize = Integer.parseInt(args[3]);

        try (Jedis control = new Jedis("127.0.0.1", port)) {
            control.flushAll();
            int baseline = clientCount(control);

            JedisPoolConfig config = new JedisPoolConfig();
            config.setMaxTotal(poolSize);
            config.setMaxIdle(poolSize);
            config.setBlockWhenExhausted(true);
            config.setMaxWait(Duration.ofSeconds(60));
            JedisPool pool = new JedisPool(config, "127.0.0.1", port, 30_000);

            AtomicInteger ok = new AtomicInteger();
            AtomicInteger mismatches = new AtomicInteger();
            AtomicInteger failures = new AtomicInteger();
            AtomicReference<Throwable> firstFailure = new AtomicReference<>();
            List<Thread> users = new ArrayList<>(threads);
            for (int i = 0; i < threads; i++) {
                int user = i;
                Thread t = new Thread(() -> {
                    try {
                        for (int r = 0; r < rounds; r++) {
                            String key = "user:" + user + ":" + r;
                            String value = "value-" + user + "-" + r;
                            try (Jedis jedis = pool.getResource()) {
                                jedis.set(key, value);
                                if (value.equals(jedis.get(key))) {
                                    ok.incrementAndGet();
                                } else {
                                    mismatches.incrementAndGet();
                                }
                            }
                        }
                        try (Jedis jedis = pool.getResource()) {
                            jedis.incr("counter");
                        }
                    } catch (RuntimeException e) {
                        failures.incrementAndGet();
                        firstFailure.compareAndSet(null, e);
                    }
                }, "redis-user-" + i);
                users.add(t);
                t.start();
            }
            for (Thread t : users) {
                t.join();
            }
            int alive = 0;
            for (Thread t : users) {
                if (t.isAlive()) {
                    alive++;
                }
            }
            String counter = control.get("counter");
            long keys = control.dbSize();
            pool.close();

            // The server drops a closed client asynchronously: wait (bounded) for the count to come back.
            int after = clientCount(control);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (after != baseline && System.nanoTime() < deadline) {
                Thread.sleep(20);
                after = clientCount(control);
            }
            System.out.println("redis: threads=" + threads + " rounds=" + rounds + " ok=" + ok.get()
                    + " mismatches=" + mismatches.get() + " failures=" + failures.get() + " counter=" + counter
                    + " keys=" + keys + " alive-after-join=" + alive + " clients-baseline=" + baseline
                    + " clients-after-close=" + after);
            if (firstFailure.get() != null) {
                firstFailure.get().printStackTrace();
            }
        }
    }

    private static int clientCount(Jedis control) {
        return (int) control.clientList().lines().filter(line -> !line.isBlank()).count();
    }
}
