package io.greening.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(60)
class GreenletExamplesTest {

    @Test
    void test1AndTest2Print12_56_34AndNever78() {
        List<String> lines = ExampleOutput.linesOf(GreenletSwitchExample::run);
        assertEquals(List.of("12", "56", "34", "gr1 dead: true, gr2 dead: false"), lines);
        assertFalse(lines.contains("78"));
    }

    @Test
    void valuesPassThroughSwitches() {
        assertEquals(List.of("hello world", "42"), ExampleOutput.linesOf(GreenletValuePassingExample::run));
    }

    @Test
    void theConsoleLoopRunsUnderTheSimulatedGui() {
        assertEquals(List.of("command: ls", "are you sure?", "are you sure?", "bye", "gui: processor finished"),
                ExampleOutput.linesOf(out -> GreenletGuiExample.run(out, "ls\nquit\nnquit\ny")));
    }

    @Test
    void theGuiLoopKeepsTheProcessorWaitingBetweenKeys() {
        assertEquals(List.of("command: a", "command: bc", "gui: processor still waiting"),
                ExampleOutput.linesOf(out -> GreenletGuiExample.run(out, "a\nbc\nd")));
    }

    @Test
    void exceptionsPropagateToTheParentAndGreenletExitComesBackAsAValue() {
        assertEquals(List.of("parents are main: true", "12", "56", "main caught NullPointerException raised in test2",
                        "gr2 dead: true, gr1 active: true", "child waiting", "child's finally ran",
                        "parent received GreenletExit as a value"),
                ExampleOutput.linesOf(GreenletParentExample::run));
    }
}
