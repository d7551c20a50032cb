package io.greening.agent;

/**
 * The shutdown hook: a line on stderr for each include pattern that selected no class (also with {@code report=off}: a
 * typo or a library that never loaded leaves its code ungreened without a word otherwise), then the report. Written to
 * stderr as the report is, not logged: java.util.logging's own shutdown hook may have closed its handlers by now.
 * A class, not a lambda, since it is created before main; registered by {@code premain} itself, before the set-up
 * thread is done, so with {@code report=off} it needs nothing from the runtime (a program that exits before the set-up
 * is done does not wait for it), and otherwise it waits for the set-up (the report reads the runtime). Says nothing if
 * the set-up failed: the application ran unchanged.
 */
final class ReportAtExit extends Thread {
    private final Report report;
    private final String target;
    private final boolean check;
    private final LoadTimeTransformer transformer;

    ReportAtExit(Report report, String target, boolean check, LoadTimeTransformer transformer) {
        super("greening-report");
        this.report = report;
        this.target = target;
        this.check = check;
        this.transformer = transformer;
    }

    @Override
    public void run() {
        if (target.equals("off") ? transformer.setUpFailed() : !transformer.awaitSetUp()) {
            return;
        }
        if (!target.equals("stderr")) {   // the stderr report has these lines
            for (String glob : report.includesThatSelectedNothing()) {
                System.err.println("greening: " + Report.unusedIncludeLine(glob));
            }
            System.err.flush();
        }
        if (!target.equals("off")) {
            Installer.writeReport(report, target, check);
        }
    }
}
