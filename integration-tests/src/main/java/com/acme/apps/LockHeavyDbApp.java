package com.acme.apps;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import org.h2.tools.Server;

/**
 * An embedded SQL database server under many JDBC clients that fight over table locks: H2's TCP server runs in this
 * process (a thread per connection) on an in-memory database, and {@code clients} plain threads each open a JDBC
 * connection to it over loopback and run {@code rounds} rounds of (a transfer between two accounts, a count on a shared
 * counter, a read of every balance). Each writing transaction first takes its table's lock, the row of that table in
 * {@code TABLE_LOCKS} {@code SELECT ... FOR UPDATE}: H2 2's MVStore locks rows, not tables, and {@code LOCK_MODE=1}
 * alone makes writers of different rows wait for nothing, so the app locks its tables as applications on such
 * databases do. Writers of a table therefore run one at a time, and every commit wakes the next waiter (H2 waits for
 * a row lock in {@code Object.wait} and its commit calls {@code notifyAll}). The time is measured inside the app, from
 * the start signal (before the clients connect) to the last client's end, so that JVM start-up does not count.
 *
 * <p>MVStore keeps at most 255 transactions open (more fail with "There are 255 open transactions"), and a client
 * waiting for a table lock holds one open, so the clients take a permit of a {@link Semaphore} of
 * {@code openTransactions} around each transaction, as a connection pool of that size would.
 *
 * <pre>LockHeavyDbApp [clients 500] [rounds 5] [accounts 20] [openTransactions 64]</pre>
 */
public final class LockHeavyDbApp {
    private static final int COUNTERS = 4;
    private static final long OPENING_BALANCE = 1_000;

    private LockHeavyDbApp() {}

    public static void main(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int accounts = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        Semaphore transactions = new Semaphore(args.length > 3 ? Integer.parseInt(args[3]) : 64);
        // H2's server listens with a backlog of 50 and its client gives up connecting after 2 s: 500 clients
        // connecting at once on a loaded machine overflow the backlog, and the kernel resends a dropped SYN only
        // after 1 s and 3 s. A client that failed would do less work and shorten the run; give them time instead.
        if (System.getProperty("h2.socketConnectTimeout") == null) {
            System.setProperty("h2.socketConnectTimeout", "60000");
        }
        Server server = Server.createTcpServer("-tcpPort", "0").start();
        // The in-memory database lives as long as this connection; the server's sessions open the same one by name.
        try (Connection setup = DriverManager.getConnection("jdbc:h2:mem:lockheavy;LOCK_MODE=1")) {
            createTables(setup, accounts);
            // Waits for a lock are long here on purpose: all writers of a table queue behind one lock.
            String url = "jdbc:h2:tcp://localhost:" + server.getPort() + "/mem:lockheavy;LOCK_TIMEOUT=120000";
            CountDownLatch start = new CountDownLatch(1);
            AtomicInteger failures = new AtomicInteger();
            List<Thread> threads = new ArrayList<>(clients);
            for (int i = 0; i < clients; i++) {
                int id = i;
                Thread client = new Thread(() -> {
                    try {
                        start.await();
                        try (Connection db = DriverManager.getConnection(url)) {
                            runClient(db, id, rounds, accounts, transactions);
                        }
                    } catch (SQLException | RuntimeException e) {
                        if (failures.getAndIncrement() < 5) {
                            System.err.println("client " + id + " failed: " + e);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "db-client-" + i);
                client.start();
                threads.add(client);
            }
            long began = System.nanoTime();
            start.countDown();
            for (Thread client : threads) {
                client.join();
            }
            long elapsedMs = (System.nanoTime() - began) / 1_000_000;
            System.out.println("lock-heavy db: clients=" + clients + " rounds=" + rounds + " " + totals(setup)
                    + " failures=" + failures.get());
            System.out.println("# elapsed-ms=" + elapsedMs);
        } finally {
            server.stop();
        }
        Peak.print();
    }

    private static void createTables(Connection setup, int accounts) throws SQLException {
        try (Statement s = setup.createStatement()) {
            s.execute("CREATE TABLE TABLE_LOCKS(NAME VARCHAR(32) PRIMARY KEY)");
            s.execute("INSERT INTO TABLE_LOCKS VALUES ('ACCOUNTS'), ('COUNTERS')");
            s.execute("CREATE TABLE ACCOUNTS(ID INT PRIMARY KEY, BALANCE BIGINT NOT NULL)");
            s.execute("CREATE TABLE TRANSFERS(ID BIGINT AUTO_INCREMENT PRIMARY KEY, CLIENT INT, SOURCE INT, TARGET INT,"
                    + " AMOUNT BIGINT)");
            s.execute("CREATE TABLE COUNTERS(ID INT PRIMARY KEY, N BIGINT NOT NULL)");
        }
        try (PreparedStatement account = setup.prepareStatement("INSERT INTO ACCOUNTS VALUES (?, ?)");
             PreparedStatement counter = setup.prepareStatement("INSERT INTO COUNTERS VALUES (?, 0)")) {
            for (int a = 0; a < accounts; a++) {
                account.setInt(1, a);
                account.setLong(2, OPENING_BALANCE);
                account.executeUpdate();
            }
            for (int c = 0; c < COUNTERS; c++) {
                counter.setInt(1, c);
                counter.executeUpdate();
            }
        }
    }

    private static void runClient(Connection db, int id, int rounds, int accounts, Semaphore transactions)
            throws SQLException, InterruptedException {
        try (PreparedStatement lockTable = db.prepareStatement("SELECT NAME FROM TABLE_LOCKS WHERE NAME = ? FOR UPDATE");
             PreparedStatement balance = db.prepareStatement("SELECT BALANCE FROM ACCOUNTS WHERE ID = ?");
             PreparedStatement move = db.prepareStatement("UPDATE ACCOUNTS SET BALANCE = BALANCE + ? WHERE ID = ?");
             PreparedStatement record = db.prepareStatement(
                     "INSERT INTO TRANSFERS(CLIENT, SOURCE, TARGET, AMOUNT) VALUES (?, ?, ?, ?)");
             PreparedStatement count = db.prepareStatement("UPDATE COUNTERS SET N = N + 1 WHERE ID = ?");
             PreparedStatement readAll = db.prepareStatement("SELECT COUNT(*), SUM(BALANCE) FROM ACCOUNTS")) {
            db.setAutoCommit(false);
            for (int round = 0; round < rounds; round++) {
                int source = (id + round) % accounts;
                int target = (id * 7 + round + 1) % accounts;
                if (target == source) {
                    target = (target + 1) % accounts;
                }
                transactions.acquire();
                try {
                    lock(lockTable, "ACCOUNTS");
                    long amount = 1 + balanceOf(balance, source) % 3;
                    move.setLong(1, -amount);
                    move.setInt(2, source);
                    move.executeUpdate();
                    move.setLong(1, amount);
                    move.setInt(2, target);
                    move.executeUpdate();
                    record.setInt(1, id);
                    record.setInt(2, source);
                    record.setInt(3, target);
                    record.setLong(4, amount);
                    record.executeUpdate();
                    db.commit();
                } finally {
                    transactions.release();
                }

                transactions.acquire();
                try {
                    lock(lockTable, "COUNTERS");
                    count.setInt(1, (id + round) % COUNTERS);
                    count.executeUpdate();
                    db.commit();
                } finally {
                    transactions.release();
                }

                transactions.acquire();
                try (ResultSet all = readAll.executeQuery()) {
                    all.next();
                    if (all.getLong(2) != all.getLong(1) * OPENING_BALANCE) {
                        throw new IllegalStateException("money appeared or vanished: " + all.getLong(2));
                    }
                    db.commit();
                } finally {
                    transactions.release();
                }
            }
        }
    }

    private static void lock(PreparedStatement lockTable, String table) throws SQLException {
        lockTable.setString(1, table);
        try (ResultSet locked = lockTable.executeQuery()) {
            locked.next();
        }
    }

    private static long balanceOf(PreparedStatement balance, int account) throws SQLException {
        balance.setInt(1, account);
        try (ResultSet row = balance.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }

    /** What every run must end with, whatever the interleaving: money kept, every transfer and count recorded. */
    private static String totals(Connection setup) throws SQLException {
        try (Statement s = setup.createStatement();
             ResultSet money = s.executeQuery("SELECT SUM(BALANCE) FROM ACCOUNTS")) {
            money.next();
            long total = money.getLong(1);
            try (ResultSet transfers = s.executeQuery("SELECT COUNT(*) FROM TRANSFERS")) {
                transfers.next();
                long moved = transfers.getLong(1);
                try (ResultSet counted = s.executeQuery("SELECT SUM(N) FROM COUNTERS")) {
                    counted.next();
                    return "money=" + total + " transfers=" + moved + " counted=" + counted.getLong(1);
                }
            }
        }
    }
}
