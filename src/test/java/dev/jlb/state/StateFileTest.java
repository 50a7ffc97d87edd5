package dev.jlb.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jlb.balancer.AdminOverlay;
import dev.jlb.balancer.AdminState;
import dev.jlb.config.BackendAddress;
import dev.jlb.config.BackendSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StateFileTest {
    private static final Instant SAVED = Instant.parse("2026-12-03T19:40:12.345Z");
    private static final BackendAddress ONE = new BackendAddress("10.0.0.1", 8080);
    private static final BackendAddress TWO = new BackendAddress("10.0.0.2", 8080);
    private static final BackendAddress NINE = new BackendAddress("10.0.0.9", 8080);

    @TempDir
    Path directory;

    /** Every kind of change: a reweighted and drained configured backend, a removed one, an added one. */
    private static AdminOverlay everyKind() {
        return AdminOverlay.EMPTY
                .updated(ONE, 5, AdminState.DRAINING, 1)
                .removed(TWO)
                .added(new BackendSpec(NINE, 2, "nine"))
                .updated(NINE, null, AdminState.DRAINING, null);
    }

    @Test
    void aWrittenOverlayReadsBackTheSame() throws Exception {
        Path file = directory.resolve("state.json");
        StateFile.write(file, everyKind(), SAVED);
        assertEquals(everyKind(), StateFile.read(file));
    }

    @Test
    void theFileIsJsonAnOperatorCanRead() {
        String text = StateFile.render(everyKind(), SAVED);
        assertTrue(text.contains("\"format\": \"jlb-state\""), text);
        assertTrue(text.contains("\"version\": 1"), text);
        assertTrue(text.contains("\"saved_at\": \"2026-12-03T19:40:12.345Z\""), text);
        assertTrue(text.contains("\"address\": \"10.0.0.1:8080\""), text);
        assertTrue(text.contains("\"change\": \"changed\""), text);
        assertTrue(text.contains("\"configured_weight\": 1"), text);
        assertTrue(text.contains("\"state\": \"draining\""), text);
        assertTrue(text.contains("\"change\": \"removed\""), text);
        assertTrue(text.contains("\"route\": \"nine\""), text);
    }

    @Test
    void aMissingFileIsAnEmptyState() throws Exception {
        assertEquals(AdminOverlay.EMPTY, StateFile.read(directory.resolve("never-written.json")));
    }

    @Test
    void aFileCutAnywhereIsRefused() {
        String text = StateFile.render(everyKind(), SAVED);
        int end = text.stripTrailing().length();
        // Every cut that loses more than trailing white space, down to the empty file.
        for (int length = 0; length < end; length++) {
            String cut = text.substring(0, length);
            assertThrows(IllegalArgumentException.class, () -> StateFile.parse(cut), () -> "accepted: " + cut);
        }
    }

    @Test
    void aTruncatedFileIsRefusedWithAMessageNamingIt() throws Exception {
        Path file = directory.resolve("state.json");
        StateFile.write(file, everyKind(), SAVED);
        byte[] whole = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(whole, whole.length / 2));
        StateFileException refused = assertThrows(StateFileException.class, () -> StateFile.read(file));
        assertTrue(refused.getMessage().startsWith("cannot read state file '" + file + "': "), refused.getMessage());
        assertTrue(refused.getMessage().contains("truncated"), refused.getMessage());
    }

    @Test
    void anEmptyFileIsRefused() throws Exception {
        Path file = Files.createFile(directory.resolve("state.json"));
        StateFileException refused = assertThrows(StateFileException.class, () -> StateFile.read(file));
        assertTrue(refused.getMessage().contains("empty"), refused.getMessage());
    }

    @Test
    void aFileThatCannotBeReadIsRefused() throws Exception {
        Path notAFile = Files.createDirectory(directory.resolve("state.json"));
        StateFileException refused = assertThrows(StateFileException.class, () -> StateFile.read(notAFile));
        assertTrue(refused.getMessage().contains("unreadable"), refused.getMessage());
    }

    @Test
    void aFileThatIsNotUtf8IsRefused() throws Exception {
        Path file = directory.resolve("state.json");
        Files.write(file, new byte[] {'{', (byte) 0xC3, '}'});
        assertThrows(StateFileException.class, () -> StateFile.read(file));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "[]",
                "{} {}",
                "{\"format\":\"jlb-state\",\"version\":1,\"backends\":[]} x",
                "{\"format\":\"other\",\"version\":1,\"backends\":[]}",
                "{\"format\":\"jlb-state\",\"version\":2,\"backends\":[]}",
                "{\"format\":\"jlb-state\",\"backends\":[]}",
                "{\"format\":\"jlb-state\",\"version\":1}",
                "{\"format\":\"jlb-state\",\"version\":1,\"backends\":{}}",
                "{\"format\":\"jlb-state\",\"version\":1,\"backends\":[],\"extra\":1}",
                "{\"format\":\"jlb-state\",\"version\":1,\"backends\":[{\"address\":\"a:1\"}]}",
                "{\"format\":\"jlb-state\",\"version\":1,\"backends\":[{\"address\":\"a\",\"change\":\"removed\"}]}",
                "{\"format\":\"jlb-state\",\"version\":1,\"backends\":[{\"address\":\"a:1\",\"change\":\"moved\"}]}",
                "{\"format\":\"jlb-state\",\"version\":1,\"backends\":"
                        + "[{\"address\":\"a:1\",\"change\":\"added\",\"weight\":0,\"state\":\"enabled\"}]}",
                "{\"format\":\"jlb-state\",\"version\":1,\"backends\":"
                        + "[{\"address\":\"a:1\",\"change\":\"added\",\"weight\":1.5,\"state\":\"enabled\"}]}",
                "{\"format\":\"jlb-state\",\"version\":1,\"backends\":"
                        + "[{\"address\":\"a:1\",\"change\":\"added\",\"weight\":1,\"state\":\"off\"}]}",
                "{\"format\":\"jlb-state\",\"version\":1,\"backends\":"
                        + "[{\"address\":\"a:1\",\"change\":\"added\",\"weight\":1}]}",
                "{\"format\":\"jlb-state\",\"version\":1,\"backends\":"
                        + "[{\"address\":\"a:1\",\"change\":\"changed\",\"state\":\"enabled\"}]}",
                "{\"format\":\"jlb-state\",\"version\":1,\"backends\":"
                        + "[{\"address\":\"a:1\",\"change\":\"removed\",\"weight\":3}]}",
                "{\"format\":\"jlb-state\",\"version\":1,\"backends\":[{\"address\":\"a:1\",\"change\":\"removed\"},"
                        + "{\"address\":\"a:1\",\"change\":\"removed\"}]}",
            })
    void aFileThatIsNotAValidStateFileIsRefused(String text) {
        IllegalArgumentException refused =
                assertThrows(IllegalArgumentException.class, () -> StateFile.parse(text), text);
        assertTrue(!refused.getMessage().isBlank());
    }

    @Test
    void aHandWrittenFileIsRead() {
        AdminOverlay overlay = StateFile.parse(
                "{\"format\":\"jlb-state\",\"version\":1,\"backends\":[{\"address\":\"10.0.0.2:8080\",\"change\":\"removed\"}]}\n");
        assertEquals(AdminOverlay.EMPTY.removed(TWO), overlay);
    }

    @Test
    void writingReplacesTheOldFileWholeAndLeavesNoTemporaryFile() throws Exception {
        Path file = directory.resolve("state.json");
        StateFile.write(file, everyKind(), SAVED);
        StateFile.write(file, AdminOverlay.EMPTY.removed(TWO), SAVED);
        assertEquals(AdminOverlay.EMPTY.removed(TWO), StateFile.read(file));
        try (var entries = Files.list(directory)) {
            assertEquals(java.util.List.of(file), entries.toList());
        }
        assertTrue(new String(Files.readAllBytes(file), StandardCharsets.UTF_8).endsWith("}\n"));
    }
}
