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

    // ---- second round: Stackless/unittests/test_channel.py TestChannels, TestClose ----

    /** test_channel.py testBlockingSend / testBlockingReceive: a tasklet run on an idle channel blocks there. */
    @Test
    void aSendOrAReceiveWithNobodyOnTheOtherSideBlocks() {
        FreshThread.run(() -> {
            Channel<Integer> channel = new Channel<>();
            Tasklet sender = new Tasklet(() -> channel.send(1));
            sender.run();
            assertTrue(sender.isBlocked());
            assertEquals(1, channel.balance());
            assertEquals(1, channel.receive());
            Stackless.run();

            Tasklet receiver = new Tasklet(() -> channel.receive());
            receiver.run();
            assertTrue(receiver.isBlocked());
            assertEquals(-1, channel.balance());
            channel.send(2);
            assertFalse(receiver.isAlive());
        });
    }

    /** test_channel.py testNonBlockingSend / testNonBlockingReceive: with the other side waiting, no one blocks. */
    @Test
    void aSendOrAReceiveMeetingAWaitingPartnerDoesNotBlock() {
        FreshThread.run(() -> {
            Channel<Integer> channel = new Channel<>();
            List<Integer> received = new ArrayList<>();
            Tasklet receiver = new Tasklet(() -> received.add(channel.receive()));
            receiver.run();
            channel.send(1);   // the last runnable tasklet: it would be a deadlock if it blocked
            assertEquals(List.of(1), received);

            Tasklet sender = new Tasklet(() -> channel.send(7));
            sender.run();
            assertEquals(7, channel.receive());
            sender.kill();
            assertFalse(sender.isAlive());
        });
    }

    private static final class ValueError extends RuntimeException {
        ValueError(String message) {
            super(message);
        }
    }

    /** test_channel.py testSendException: the receiver raises the exception sent, message and all. */
    @Test
    void sendExceptionRaisesItInTheReceiver() {
        FreshThread.run(() -> {
            Channel<Integer> channel = new Channel<>();
            for (int i = 0; i < 2; i++) {
                new Tasklet(() -> channel.sendException(new ValueError("1, 2, 3"))).run();
                assertEquals("1, 2, 3", assertThrows(ValueError.class, channel::receive).getMessage());
            }
        });
    }

    private static void bar() {
        throw new ValueError("from bar");
    }

    /** test_channel.py testSendThrow: an exception caught and sent keeps its stack trace: it shows where it was raised. */
    @Test
    void anExceptionSentKeepsItsStackTrace() {
        FreshThread.run(() -> {
            Channel<Integer> channel = new Channel<>();
            new Tasklet(() -> {
                try {
                    bar();
                } catch (ValueError e) {
                    channel.sendException(e);
                }
            }).run();
            ValueError received = assertThrows(ValueError.class, channel::receive);
            assertEquals("bar", received.getStackTrace()[0].getMethodName());
        });
    }

    /**
     * test_channel.py TestClose.testSequence2: the sender ends the receiver's iteration by sending the exception
     * iteration stops on (Stackless: StopIteration; greening: ChannelClosedException), then closes.
     */
    @Test
    void sendingTheClosedExceptionEndsTheIteration() {
        FreshThread.run(() -> {
            Channel<Integer> channel = new Channel<>();
            List<Integer> data = new ArrayList<>();
            new Tasklet(() -> {
                assertEquals(10, channel.sendSequence(IntStream.range(0, 10).boxed().toList()));
                channel.sendException(new ChannelClosedException("end of sequence"));
                channel.close();
            });
            new Tasklet(() -> {
                for (Integer i : channel) {
                    data.add(i);
                }
            });
            Stackless.run();
            assertEquals(IntStream.range(0, 10).boxed().toList(), data);
            assertTrue(channel.isClosed());
        });
    }

    /** test_channel.py TestClose.testIterator: iterating a closed channel ends at once. */
    @Test
    void iteratingAClosedChannelEndsAtOnce() {
        FreshThread.run(() -> {
            Channel<Integer> channel = new Channel<>();
            channel.close();
            java.util.Iterator<Integer> i = channel.iterator();
            assertFalse(i.hasNext());
            assertThrows(java.util.NoSuchElementException.class, i::next);
        });
    }
}
