package io.greening.examples;

import io.greening.stackless.Stackless;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(60)
class StacklessExamplesTest {

    @Test
    void aTaskletRunsOnlyWhenTheSchedulerRunsAndAChannelPassesHello() {
        assertEquals(List.of("created; run count 2", "one", "hello", "run count 1"),
                ExampleOutput.linesOf(StacklessTaskletExample::run));
    }

    @Test
    void scheduleInterleavesTheTaskletsRoundRobin() {
        assertEquals(List.of("1: first", "1: second", "1: third", "2: first", "2: second", "2: third",
                "3: first", "3: second", "3: third"), ExampleOutput.linesOf(StacklessScheduleExample::run));
    }

    @Test
    void tenThousandHackySackersPassTheSackAndAllExit() {
        List<String> lines = ExampleOutput.linesOf(out -> HackySackerExample.run(out, 10_000, 1000));
        assertEquals(List.of("10001 hackysackers kicked the sack 1000 times; 10001 exited; run count 1"), lines);
    }

    @Test
    void theEventHandlerCircuitReportsTheInvertedSwitch() {
        assertEquals(List.of("switch set to 1", "inverter output: 0", "switch set to 0", "inverter output: 1",
                "switch set to 1", "inverter output: 0"), ExampleOutput.linesOf(EventHandlerExample::run));
    }

    @Test
    void pingAndPongRallyOverTwoChannels() {
        assertEquals(List.of("ping got startup", "pong got from ping", "ping got from pong", "pong got from ping",
                        "ping got from pong", "pong done", "ping done"),
                ExampleOutput.linesOf(out -> {
                    PingPongExample.run(out, 3);
                    if (Stackless.getRunCount() != 1) {
                        out.println("tasklets left runnable");
                    }
                }));
    }
}
