package io.greening.examples;

import io.greening.stackless.Channel;
import io.greening.stackless.Stackless;
import io.greening.stackless.Tasklet;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The notes' {@code EventHandler} base class: a tasklet listens on the handler's channel, processes each message
 * and notifies its outputs; calling the handler sends it a message. Here it drives a small dataflow circuit, a
 * switch feeding an inverter feeding a reporter.
 */
public final class EventHandlerExample {
    private EventHandlerExample() {}

    /** The base class: {@code listen} in a tasklet, {@code processMessage}, {@code notify}, {@code registerOutput}. */
    abstract static class EventHandler implements Consumer<Object> {
        final List<Consumer<Object>> outputs;
        final Channel<Object> channel = new Channel<>();

        /** The notes' {@code __init__(self, *outputs)}; outputs can also be added later with {@link #registerOutput}. */
        EventHandler(List<Consumer<Object>> outputs) {
            this.outputs = new ArrayList<>(outputs);
            new Tasklet(this::listen);
        }

        EventHandler() {
            this(List.of());
        }

        private void listen() {
            while (true) {
                Object value = channel.receive();
                processMessage(value);
                for (Consumer<Object> output : outputs) {
                    notify(output);
                }
            }
        }

        void processMessage(Object value) {
        }

        void notify(Consumer<Object> output) {
        }

        void registerOutput(Consumer<Object> output) {
            outputs.add(output);
        }

        /** The handler's {@code __call__}: sends it a message. */
        @Override
        public void accept(Object value) {
            channel.send(value);
        }
    }

    /** A message from one handler to the next. */
    record Signal(EventHandler sender, int value) {}

    static final class Switch extends EventHandler {
        private final PrintStream out;
        int state;

        Switch(PrintStream out) {
            this.out = out;
        }

        @Override
        void processMessage(Object value) {
            state = (Integer) value;
            out.println("switch set to " + state);
        }

        @Override
        void notify(Consumer<Object> output) {
            output.accept(new Signal(this, state));
        }
    }

    static final class Inverter extends EventHandler {
        int state;

        Inverter(EventHandler input) {
            input.registerOutput(this);
        }

        @Override
        void processMessage(Object value) {
            state = ((Signal) value).value() != 0 ? 0 : 1;
        }

        @Override
        void notify(Consumer<Object> output) {
            output.accept(new Signal(this, state));
        }
    }

    static final class Reporter extends EventHandler {
        private final PrintStream out;
        private final String name;

        Reporter(PrintStream out, String name, EventHandler input) {
            this.out = out;
            this.name = name;
            input.registerOutput(this);
        }

        @Override
        void processMessage(Object value) {
            out.println(name + " output: " + ((Signal) value).value());
        }
    }

    /** Runs the example, printing to {@code out}. */
    public static void run(PrintStream out) {
        Switch power = new Switch(out);
        Inverter inverter = new Inverter(power);
        new Reporter(out, "inverter", inverter);
        Stackless.run();   // the listeners start and wait on their channels
        power.accept(1);
        power.accept(0);
        power.accept(1);
    }

    /** Flips the switch three times. */
    public static void main(String[] args) {
        run(System.out);
    }
}
