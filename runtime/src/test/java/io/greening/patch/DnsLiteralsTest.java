package io.greening.patch;

import io.greening.Green;
import io.greening.GreenThread;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code InetAddress.getByName} and {@code getAllByName} on a green thread: a literal address (and anything else the
 * JDK answers by parsing alone) is resolved inline with exactly the JDK's answer or exception; a name still goes to
 * the offload pool.
 */
@org.junit.jupiter.api.Timeout(60)
class DnsLiteralsTest {
    /** Strings the JDK answers without a lookup: addresses, and its errors for invalid literals. */
    private static final List<String> NO_LOOKUP = Arrays.asList(
            "127.0.0.1", "0127.0.0.1", "10.1.2.3", "255.255.255.255", "0.0.0.0", "127.1", "1", "4294967295",
            "::1", "[::1]", "0:0:0:0:0:0:0:1", "::", "::ffff:127.0.0.1", "[::ffff:10.0.0.1]", "2001:db8::8a2e:370:7334",
            "fe80::1%1", "fe80::1%lo", "[fe80::1%1]", "fe80::1%no-such-interface0", "::ffff:1.2.3.4%1",
            "1::2::3", ":", "[127.0.0.1]", "[::1", "[]", "[example.com]", "a:b", "", null, "127.0.0.1\0x");

    /**
     * Names the JDK looks up (a mistake here would stall the hub on DNS), and one literal that cannot be told from a
     * name without the JDK's internals. Their failures are compared by class only:
     * the JDK words a failed lookup differently when its negative cache answers the second time.
     */
    private static final List<String> NAMES = List.of("localhost", "example.invalid", "db1", "abc", "host:80", "a.b.c",
            "1.2.3.256", "1.2.3.4.5",
            "0x7f.0.0.1");   // the last: an ambiguous IPv4 form the JDK rejects unparsed; offloading it costs only time

    @Test
    void literalsResolveInlineWithTheJdksAnswersAndNamesAreOffloaded() {
        List<String> wrong = new ArrayList<>();
        long offloadsBefore = HostNames.OFFLOADED_LOOKUPS.get();
        Green.run(() -> {
            for (String host : NO_LOOKUP) {
                compare(host, true, wrong);
            }
            return null;
        });
        assertEquals(List.of(), wrong, "greened answers that differ from the JDK's");
        assertEquals(0, HostNames.OFFLOADED_LOOKUPS.get() - offloadsBefore, "a literal was sent to the offload pool");

        for (String name : NAMES) {
            long before = HostNames.OFFLOADED_LOOKUPS.get();
            Green.run(() -> {
                compare(name, false, wrong);
                return null;
            });
            assertTrue(HostNames.OFFLOADED_LOOKUPS.get() - before == 2, name + " was not offloaded (getByName and getAllByName)");
        }
        assertEquals(List.of(), wrong, "greened answers that differ from the JDK's");
    }

    @Test
    void manyGreenThreadsResolvingALiteralMakeNoOffloadedLookup() {
        long offloadsBefore = HostNames.OFFLOADED_LOOKUPS.get();
        int resolved = Green.run(() -> {
            List<GreenThread<InetAddress>> threads = new ArrayList<>();
            for (int t = 0; t < 200; t++) {
                threads.add(Green.spawn(() -> FilePatches.getByName("127.0.0.1")));
            }
            int n = 0;
            for (GreenThread<InetAddress> thread : threads) {
                n += thread.get().isLoopbackAddress() ? 1 : 0;
            }
            return n;
        });
        assertEquals(200, resolved);
        assertEquals(0, HostNames.OFFLOADED_LOOKUPS.get() - offloadsBefore);
    }

    /**
     * {@code new InetSocketAddress(host, port)} rewritten to {@link FilePatches#newInetSocketAddress}: for every string
     * the JDK answers by parsing alone, the same address (or unresolved address, or exception) as the JDK's
     * constructor, and no lookup sent to the offload pool; a name is sent there and resolves as the JDK resolves it.
     */
    @Test
    void newInetSocketAddressParsesLiteralsInlineAndOffloadsNames() {
        List<String> wrong = new ArrayList<>();
        long offloadsBefore = HostNames.OFFLOADED_LOOKUPS.get();
        Green.run(() -> {
            for (String host : NO_LOOKUP) {
                String jdk = describeSocketAddress(() -> new InetSocketAddress(host, 5432));
                String greened = describeSocketAddress(() -> FilePatches.newInetSocketAddress(host, 5432));
                if (!jdk.equals(greened)) {
                    wrong.add("new InetSocketAddress(" + host + ", 5432): JDK " + jdk + ", greened " + greened);
                }
            }
            return null;
        });
        assertEquals(List.of(), wrong, "greened answers that differ from the JDK's");
        assertEquals(0, HostNames.OFFLOADED_LOOKUPS.get() - offloadsBefore, "a literal was sent to the offload pool");

        // a name this test class resolves through no other patch, so no cache of the patches answers it
        long before = HostNames.OFFLOADED_LOOKUPS.get();
        String greened = Green.run(() -> describeSocketAddress(() -> FilePatches.newInetSocketAddress("a.b.c", 1)));
        assertEquals(describeSocketAddress(() -> new InetSocketAddress("a.b.c", 1)), greened);
        assertEquals(1, HostNames.OFFLOADED_LOOKUPS.get() - before, "the name was not offloaded");
    }

    private static String describeSocketAddress(Lookup lookup) {
        try {
            InetSocketAddress address = (InetSocketAddress) lookup.get();
            return address + (address.isUnresolved() ? "" : " " + describe(address::getAddress, true));
        } catch (Exception e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }

    /** Adds a line to {@code wrong} where the patches' answer for {@code host} differs from the JDK's. */
    private static void compare(String host, boolean messages, List<String> wrong) {
        String jdkOne = describe(() -> InetAddress.getByName(host), messages);
        String greenOne = describe(() -> FilePatches.getByName(host), messages);
        String jdkAll = describe(() -> InetAddress.getAllByName(host), messages);
        String greenAll = describe(() -> FilePatches.getAllByName(host), messages);
        if (!jdkOne.equals(greenOne)) {
            wrong.add("getByName(" + host + "): JDK " + jdkOne + ", greened " + greenOne);
        }
        if (!jdkAll.equals(greenAll)) {
            wrong.add("getAllByName(" + host + "): JDK " + jdkAll + ", greened " + greenAll);
        }
    }

    @FunctionalInterface
    private interface Lookup {
        Object get() throws Exception;
    }

    /** The answer (addresses with their scope) or the exception (its class, and its message if asked). */
    private static String describe(Lookup lookup, boolean message) {
        try {
            Object answer = lookup.get();
            InetAddress[] addresses = answer instanceof InetAddress[] all ? all : new InetAddress[] {(InetAddress) answer};
            StringBuilder out = new StringBuilder();
            for (InetAddress a : addresses) {
                out.append(a).append(a instanceof java.net.Inet6Address v6 ? "%" + v6.getScopeId() + "/" + v6.getScopedInterface() : "")
                        .append(' ');
            }
            return out.toString();
        } catch (Exception e) {
            return e.getClass().getName() + (message ? ": " + e.getMessage() : "");
        }
    }
}
