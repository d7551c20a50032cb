package io.greening.agent;

import io.greening.Green;
import io.greening.agent.CallSiteRewriterTest.RewritingLoader;
import io.greening.agent.fixtures.DnsFixture;
import io.greening.internal.PatchGroup;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code new InetSocketAddress(host, port)} in selected code, rewritten by the dns group: the constructor looks a
 * name up inside the JDK (pgJDBC connects through it), so on a green thread a name goes to the offload pool instead
 * of blocking the hub's carrier on DNS, while a literal such as {@code 127.0.0.1} is still parsed inline.
 */
@org.junit.jupiter.api.Timeout(60)
class DnsRewriteTest {
    @Test
    void aNameGoesToTheOffloadPoolAndALiteralStaysInline() throws Exception {
        RewritingLoader loader = new RewritingLoader(Rewrites.index(EnumSet.of(PatchGroup.DNS)), null);
        Method socketAddress = loader.loadClass(DnsFixture.class.getName())
                .getMethod("socketAddress", String.class, int.class);
        assertEquals(1, loader.rewrites.getOrDefault("new InetSocketAddress", 0), loader.rewrites.toString());

        long before = offloadedLookups();
        InetSocketAddress literal = Green.run(() -> (InetSocketAddress) socketAddress.invoke(null, "127.0.0.1", 5432));
        assertEquals(new InetSocketAddress("127.0.0.1", 5432), literal);
        assertEquals(0, offloadedLookups() - before, "a literal was sent to the offload pool");

        // a name no other test of this JVM resolves through the patch, so none of its caches answers it
        InetSocketAddress named = Green.run(() -> (InetSocketAddress) socketAddress.invoke(null, "localhost", 5432));
        assertEquals(new InetSocketAddress("localhost", 5432), named);
        assertFalse(named.isUnresolved());
        assertEquals(1, offloadedLookups() - before, "the name was looked up on the hub's carrier");
    }

    @Test
    void badArgumentsFailAsTheJdksConstructorDoes() throws Exception {
        RewritingLoader loader = new RewritingLoader(Rewrites.index(EnumSet.of(PatchGroup.DNS)), null);
        Method socketAddress = loader.loadClass(DnsFixture.class.getName())
                .getMethod("socketAddress", String.class, int.class);
        for (Object[] args : new Object[][] {{null, 1}, {"localhost", -1}, {"127.0.0.1", 65536}}) {
            String jdk = assertThrows(IllegalArgumentException.class,
                    () -> new InetSocketAddress((String) args[0], (int) args[1])).getMessage();
            Throwable greened = Green.run(() -> {
                try {
                    return "no exception: " + socketAddress.invoke(null, args);
                } catch (InvocationTargetException e) {
                    return e.getCause();
                }
            }) instanceof Throwable t ? t : null;
            assertTrue(greened instanceof IllegalArgumentException, String.valueOf(greened));
            assertEquals(jdk, greened.getMessage());
        }
    }

    private static long offloadedLookups() throws ReflectiveOperationException {
        Field counter = Class.forName("io.greening.patch.HostNames").getDeclaredField("OFFLOADED_LOOKUPS");
        counter.setAccessible(true);
        return ((AtomicLong) counter.get(null)).get();
    }
}
