package io.greening.agent;

import io.greening.agent.Rewrites.Rewrite;
import io.greening.internal.PatchGroup;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The pre-scan's view without the table ({@link RowNames}), used while the set-up thread builds it: its lists are the
 * table's, so that it never lets through a class with something to rewrite.
 */
class RowNamesTest {

    @Test
    void theListsAreTheTablesCallNamesAndConstructedClasses() {
        Set<String> called = new TreeSet<>();
        Set<String> constructed = new TreeSet<>();
        for (Rewrite row : Rewrites.ALL) {
            switch (row.kind()) {
                case CALL -> called.add(row.name());
                case CONSTRUCTOR -> constructed.add(row.owner());
                default -> { }
            }
        }
        assertEquals(called, new TreeSet<>(List.of(RowNames.CALLED)));
        assertEquals(constructed, new TreeSet<>(List.of(RowNames.CONSTRUCTED)));
    }

    @Test
    void theMonitorEntryRowIsInForceExactlyWhenTheTableSaysSo() {
        for (PatchGroup group : PatchGroup.values()) {
            for (Set<PatchGroup> groups : List.of(EnumSet.of(group), EnumSet.complementOf(EnumSet.of(group)))) {
                assertEquals(Rewrites.index(groups).containsKey(Rewrites.MONITOR_ENTRY_KEY), AgentOptions.monitorEntriesIn(groups),
                        groups.toString());
            }
        }
    }

    @Test
    void itLetsThroughEveryClassThePreScanLetsThrough() throws Exception {
        // every fixture with rewrites, under every group: RowNames may say yes more often, never no when the table says yes
        for (Class<?> type : List.of(io.greening.agent.fixtures.ThreadsFixture.class, io.greening.agent.fixtures.WaitsFixture.class,
                io.greening.agent.fixtures.MainFixture.class, MonitorOnlyClassesTest.OnlyMonitors.class,
                SetUpOnItsOwnThreadTest.NothingToRewrite.class)) {
            byte[] bytes;
            try (var in = type.getClassLoader().getResourceAsStream(type.getName().replace('.', '/') + ".class")) {
                bytes = in.readAllBytes();
            }
            for (PatchGroup group : PatchGroup.values()) {
                Set<PatchGroup> groups = EnumSet.of(group);
                boolean tableSaysYes = new CallSiteFilter(Rewrites.index(groups), new TypeHierarchy()).scan(bytes) != null;
                if (tableSaysYes) {
                    assertTrue(RowNames.mayRewrite(bytes, AgentOptions.monitorEntriesIn(groups)), type + " under " + group);
                }
            }
        }
        byte[] nothing;
        try (var in = getClass().getClassLoader().getResourceAsStream(
                SetUpOnItsOwnThreadTest.NothingToRewrite.class.getName().replace('.', '/') + ".class")) {
            nothing = in.readAllBytes();
        }
        assertFalse(RowNames.mayRewrite(nothing, true));
    }
}
