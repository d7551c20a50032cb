package io.greening.examples;

import io.greening.greenlet.Greenlet;

import java.io.PrintStream;
import java.util.function.Consumer;

/**
 * greenlet's motivating example: a console command loop that reads one character at a time
 * ({@code process_commands} calling {@code read_next_char}) runs unchanged under an event-driven GUI. The loop runs
 * in a greenlet; {@code read_next_char} switches to the parent (the GUI's main loop) to wait for the next key, and
 * the GUI's key-down callback switches back with the key.
 *
 * <pre>
 * def event_keydown(key): g_processor.switch(key)
 * def read_next_char():
 *     g_self = greenlet.getcurrent()
 *     next_char = g_self.parent.switch()   # back to the main loop, wait for the next key
 *     return next_char
 * g_processor = greenlet(process_commands)
 * g_processor.switch(*args)
 * gui.mainloop()
 * </pre>
 */
public final class GreenletGuiExample {
    private final PrintStream out;
    private Greenlet processor;

    private GreenletGuiExample(PrintStream out) {
        this.out = out;
    }

    /** The console program, unchanged: it pulls characters. */
    private Object processCommands(Object... args) {
        while (true) {
            StringBuilder line = new StringBuilder();
            while (line.isEmpty() || line.charAt(line.length() - 1) != '\n') {
                line.append(readNextChar());
            }
            if (line.toString().equals("quit\n")) {
                out.println("are you sure?");
                if (readNextChar() != 'y') {
                    continue;   // ignore the command
                }
                out.println("bye");
                return null;
            }
            processCommand(line.toString());
        }
    }

    private void processCommand(String line) {
        out.println("command: " + line.strip());
    }

    private char readNextChar() {
        Greenlet self = Greenlet.current();
        return (Character) self.parent().switchTo();   // to the main loop, until the next key comes
    }

    /** The GUI's callback: it pushes characters. */
    private void eventKeydown(char key) {
        processor.switchTo(key);
    }

    /** A simulated GUI: its main loop delivers key events until the processor has finished. */
    private static final class SimulatedGui {
        private final String keys;

        SimulatedGui(String keys) {
            this.keys = keys;
        }

        void mainloop(Consumer<Character> keydown, Greenlet processor, PrintStream out) {
            for (int i = 0; i < keys.length() && !processor.isDead(); i++) {
                keydown.accept(keys.charAt(i));
            }
            out.println("gui: processor " + (processor.isDead() ? "finished" : "still waiting"));
        }
    }

    /** Runs the example with the simulated keystrokes {@code keys}, printing to {@code out}. */
    public static void run(PrintStream out, String keys) {
        GreenletGuiExample example = new GreenletGuiExample(out);
        example.processor = new Greenlet(example::processCommands);
        example.processor.switchTo();   // runs until the first read_next_char
        new SimulatedGui(keys).mainloop(example::eventKeydown, example.processor, out);
    }

    /** Types "ls", a "quit" answered "n", and a "quit" answered "y". */
    public static void main(String[] args) {
        run(System.out, "ls\nquit\nnquit\ny");
    }
}
