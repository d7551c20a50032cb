package com.acme.apps;

/** A trivial main: measures what the agent adds to JVM start-up. */
public final class Hello {
    private Hello() {}

    public static void main(String[] args) {
        System.out.println("hello");
    }
}
