package io.greening.junit;

import io.greening.Green;
import io.greening.HubOptions;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.platform.commons.support.AnnotationSupport;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Optional;

/**
 * The extension behind {@link Greened}: replaces the test method's invocation by runs of it in {@code Green.run}
 * with the annotation's hub options. A failure is rethrown with the schedule that produced it, so it can be
 * replayed by setting that seed.
 */
public final class GreenedExtension implements InvocationInterceptor {

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> context,
                                    ExtensionContext extension) throws Throwable {
        Greened greened = find(extension).orElseThrow();
        invocation.skip();   // the body runs below, on green threads, possibly many times
        for (int i = 0; i < Math.max(1, greened.repeat()); i++) {
            HubOptions options = options(greened, greened.seed() + i);
            try {
                Green.run(options, () -> invoke(context));
            } catch (Throwable failure) {
                throw new AssertionError("@Greened test failed under " + options + " (run " + (i + 1) + " of "
                        + greened.repeat() + "); replay with @Greened(schedule = " + greened.schedule()
                        + (options.isSeeded() ? ", seed = " + options.seed() : "")
                        + (greened.clock() == Greened.Clock.DEFAULT ? "" : ", clock = " + greened.clock()) + "): " + failure,
                        failure);
            }
        }
    }

    /** The hub options of {@code greened} with {@code seed}: the schedule, and its clock as the settings give it. */
    static HubOptions options(Greened greened, long seed) {
        HubOptions schedule = switch (greened.schedule()) {
            case RANDOM -> HubOptions.DEFAULT.withRandomSchedule(seed);
            case PCT -> HubOptions.DEFAULT.withPctSchedule(seed, greened.pctDepth(), greened.pctSteps());
            case FIFO -> HubOptions.DEFAULT;
        };
        Boolean virtual = switch (greened.clock()) {
            case DEFAULT -> null;
            case REAL -> false;
            case VIRTUAL -> true;
        };
        return schedule.withClock(virtual);
    }

    private static Object invoke(ReflectiveInvocationContext<Method> context) throws Exception {
        Method method = context.getExecutable();
        method.setAccessible(true);
        try {
            return method.invoke(context.getTarget().orElse(null), context.getArguments().toArray());
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw (Error) e.getCause();
        }
    }

    private static Optional<Greened> find(ExtensionContext extension) {
        Optional<Greened> onMethod = extension.getTestMethod().flatMap(m -> AnnotationSupport.findAnnotation(m, Greened.class));
        return onMethod.isPresent() ? onMethod : extension.getTestClass().flatMap(c -> AnnotationSupport.findAnnotation(c, Greened.class));
    }
}
