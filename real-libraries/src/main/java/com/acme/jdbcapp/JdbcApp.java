package com.acme.jdbcapp;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A plain blocking JDBC app on PostgreSQL (pgJDBC): one {@code new Thread} per simulated user, each taking a
 * connection from a small pool written here (a blocking queue, connections opened on demand with SCRAM
 * authentication), then in transactions: a row lock contended across threads ({@code SELECT ... FOR UPDATE}), a
 * {@code pg_sleep(0.05)} while holding it, a read-modify-write of the row and a ledger insert. Nothing in it knows about
 * greening.
 *
 * <p>Usage: {@code JdbcApp <port> <user> <password> <threads> <rounds> <rows> <poolSize>}. Prints one line:
 * {@code jdbc: threads=T rounds=R commits=C failures=F rows=N rows-right=M total=X expected-total=Y ledger=L
 * connections-opened=O alive-after-join=A} (a row is right when its value equals the sum of the updates the ledger
 * recorded for it) and, if anything failed, the first failure.
 */
public final class JdbcApp {
    private JdbcApp() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 7) {
            System.err.println("usage: JdbcApp <port> <user> <password> <threads> <rounds> <rows> <poolSize>");
            System.exit(2);
        }
        String url = "jdbc:postgresql://127.0.0.1:" + Integer.parseInt(args[0]) + "/postgres";
        Properties credentials = new Properties();
        credentials.setProperty("user", args[1]);
        credentials.setProperty("password", args[2]);
        int threads = Integer.parseInt(args[3]);
        int rounds = Integer.parseInt(args[4]);
        int rows = Integer.parseInt(args[5]);
        int poolSize = Integer.parseInt(args[6]);

        try (Connection control = DriverManager.getConnection(url, credentials)) {
            createTables(control, rows);
            ConnectionPool pool = new ConnectionPool(url, credentials, poolSize);

            AtomicInteger commits = new AtomicInteger();
            AtomicInteger failures = new AtomicInteger();
            AtomicReference<Throwable> firstFailure = new AtomicReference<>();
            List<Thread> users = new ArrayList<>(threads);
            for (int i = 0; i < threads; i++) {
                int user = i;
                Thread t = new Thread(() -> {
                    try {
                        for (int r = 0; r < rounds; r++) {
                            int row = (user * 7 + r) % rows;
                            // the first round holds its row lock across a server-side sleep, so threads queue on it
                            transfer(pool, user, row, user + 1, r == 0);
                            commits.incrementAndGet();
                        }
                    } catch (SQLException | InterruptedException | RuntimeException e) {
                        failures.incrementAndGet();
                        firstFailure.compareAndSet(null, e);
                    }
                }, "jdbc-user-" + i);
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
            int opened = pool.opened();
            pool.close();

            long expectedTotal = 0;
            for (int user = 0; user < threads; user++) {
                expectedTotal += (long) (user + 1) * rounds;
            }
            Summary summary = summarize(control);
            System.out.println("jdbc: threads=" + threads + " rounds=" + rounds + " commits=" + commits.get()
                    + " failures=" + failures.get() + " rows=" + summary.rows + " rows-right=" + summary.rowsRight
                    + " total=" + summary.total + " expected-total=" + expectedTotal + " ledger=" + summary.ledger
                    + " connections-opened=" + opened + " alive-after-join=" + alive);
            if (firstFailure.get() != null) {
                firstFailure.get().printStackTrace();
            }
        }
    }

    private static void createTables(Connection control, int rows) throws SQLException {
        try (Statement s = control.createStatement()) {
            s.execute("DROP TABLE IF EXISTS ledger");
            s.execute("DROP TABLE IF EXISTS counters");
            s.execute("CREATE TABLE counters (id int PRIMARY KEY, value bigint NOT NULL)");
            s.execute("CREATE TABLE ledger (id serial PRIMARY KEY, user_id int NOT NULL, row_id int NOT NULL,"
                    + " delta bigint NOT NULL)");
            s.execute("INSERT INTO counters SELECT g, 0 FROM generate_series(0, " + (rows - 1) + ") g");
        }
    }

    /** One transaction: lock the row, optionally sleep on the server holding it, add {@code delta}, record it. */
    private static void transfer(ConnectionPool pool, int user, int row, long delta, boolean sleepHoldingLock)
            throws SQLException, InterruptedException {
        Connection c = pool.take();
        try {
            c.setAutoCommit(false);
            long value;
            try (PreparedStatement lock = c.prepareStatement("SELECT value FROM counters WHERE id = ? FOR UPDATE")) {
                lock.setInt(1, row);
                try (ResultSet rs = lock.executeQuery()) {
                    rs.next();
                    value = rs.getLong(1);
                }
            }
            if (sleepHoldingLock) {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_sleep(0.05)")) {
                    rs.next();
                }
            }
            try (PreparedStatement update = c.prepareStatement("UPDATE counters SET value = ? WHERE id = ?")) {
                update.setLong(1, value + delta);   // a read-modify-write: right only because the row is locked
                update.setInt(2, row);
                update.executeUpdate();
            }
            try (PreparedStatement record = c.prepareStatement(
                    "INSERT INTO ledger (user_id, row_id, delta) VALUES (?, ?, ?)")) {
                record.setInt(1, user);
                record.setInt(2, row);
                record.setLong(3, delta);
                record.executeUpdate();
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            pool.give(c);
        }
    }

    private record Summary(int rows, int rowsRight, long total, long ledger) { }

    private static Summary summarize(Connection control) throws SQLException {
        try (Statement s = control.createStatement();
             ResultSet rs = s.executeQuery("SELECT c.value, COALESCE((SELECT sum(l.delta) FROM ledger l"
                     + " WHERE l.row_id = c.id), 0), (SELECT count(*) FROM ledger) FROM counters c ORDER BY c.id")) {
            int rows = 0;
            int right = 0;
            long total = 0;
            long ledger = 0;
            while (rs.next()) {
                rows++;
                total += rs.getLong(1);
                if (rs.getLong(1) == rs.getLong(2)) {
                    right++;
                }
                ledger = rs.getLong(3);
            }
            return new Summary(rows, right, total, ledger);
        }
    }

    /** A plain connection pool: up to {@code size} connections, opened when first needed, waited for when all are out. */
    private static final class ConnectionPool implements AutoCloseable {
        private final String url;
        private final Properties credentials;
        private final int size;
        private final BlockingQueue<Connection> idle;
        private final List<Connection> all = new ArrayList<>();   // guarded by this
        private int reserved;                                      // guarded by this: opened or being opened

        ConnectionPool(String url, Properties credentials, int size) {
            this.url = url;
            this.credentials = credentials;
            this.size = size;
            this.idle = new ArrayBlockingQueue<>(size);
        }

        Connection take() throws SQLException, InterruptedException {
            Connection c = idle.poll();
            if (c != null) {
                return c;
            }
            boolean mayOpen;
            synchronized (this) {
                mayOpen = reserved < size;
                if (mayOpen) {
                    reserved++;   // the connect happens outside the lock
                }
            }
            if (!mayOpen) {
                return idle.take();
            }
            try {
                c = DriverManager.getConnection(url, credentials);
            } catch (SQLException e) {
                synchronized (this) {
                    reserved--;
                }
                throw e;
            }
            synchronized (this) {
                all.add(c);
            }
            return c;
        }

        void give(Connection c) {
            idle.add(c);
        }

        synchronized int opened() {
            return all.size();
        }

        @Override
        public synchronized void close() throws SQLException {
            for (Connection c : all) {
                c.close();
            }
        }
    }
}
