package io.greening.stackless;

import io.greening.testing.FreshThread;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Cases of Stackless's Lib/stackless/test/test_channel.py, ported. Greening's {@code close()} also fails the
 * receivers already waiting (its Javadoc says so); Stackless leaves them blocked.
 */
@Timeout(60)
class StacklessChannelPortTest {

    /** test_channel.py TestChannels.testSequence: send_sequence then close; iteration gets them all and ends. */
    @Test
    void sendSequenceThenCloseEndsTheReceiversIteration() {
        FreshThread.run(() -> {
            Channel<Integer> channel = new Channel<>();
            List<Integer> expected = IntStream.range(0, 10).boxed().toList();
            int[] sent = new int[1];
            new Tasklet(() -> {
                sent[0] = channel.sendSequence(expected);
                channel.close();
            });
            List<Integer> got = new ArrayList<>();
            for (Integer value : channel) {
                got.add(value);
            }
            assertEquals(expected, got);
            Stackless.run();
            assertEquals(10, sent[0]);
            assertTrue(channel.isClosed());
        });
    }

    /** test_channel.py testClose / testOpen: an empty channel closes at once, refuses, and reopens. */
    @Test
    void closeAndReopen() {
        FreshThread.run(() -> {
            Channel<Integer> channel = new Channel<>();
            channel.close();
            assertTrue(channel.isClosing());
            assertTrue(channel.isClosed());
            assertThrows(ChannelClosedException.class, () -> channel.send(1));
            assertThrows(ChannelClosedException.class, channel::receive);
            channel.open();
            assertFalse(channel.isClosing());
            assertFalse(channel.isClosed());
            new Tasklet(() -> channel.send(7));
            assertEquals(7, channel.receive());
        });
    }

    /** test_channel.py testBalance: balance counts blocked senders up and blocked receivers down. */
    @Test
    void balanceOfSendersAndReceivers() {
        FreshThread.run(() -> {
            Channel<Integer> channel = new Channel<>();
            assertEquals(0, channel.balance());
            for (int i = 0; i < 3; i++) {
                int n = i;
                new Tasklet(() -> channel.send(n));
            }
            Stackless.run();
            assertEquals(3, channel.balance());
            assertEquals(0, channel.receive());
            assertEquals(2, channel.balance());
            assertEquals(1, channel.receive());
            assertEquals(2, channel.receive());
            assertEquals(0, channel.balance());
            Stackless.run();
        });
    }

    /** test_channel.py preference: setting anything but -1, 0, 1 is refused; the default prefers the receiver. */
    @Test
    void preferenceValues() {
        Channel<Integer> channel = new Channel<>();
        assertEquals(Channel.PREFER_RECEIVER, channel.getPreference());
        channel.setPreference(Channel.PREFER_SENDER);
        assertEquals(1, channel.getPreference());
        assertThrows(IllegalArgumentException.class, () -> channel.setPreference(2));
        assertEquals(1, channel.getPreference());
    }
}
