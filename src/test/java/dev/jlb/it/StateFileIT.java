package dev.jlb.it;

import static dev.jlb.it.RunningBalancer.json;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jlb.balancer.AdminOverlay;
import dev.jlb.balancer.BackendChange;
import dev.jlb.config.BackendAddress;
import dev.jlb.launcher.EmbeddedBalancer;
import dev.jlb.state.StateFile;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --state-file}: changes made through /lb-admin survive a restart of the real launcher,
 * whether it was stopped (SIGTERM) or killed (SIGKILL) right after the last call answered, and a
 * state file that cannot be used stops the start.
 */
class StateFileIT {
    private static final String TOKEN = "state-t0ken";

    @TempDir
    Path directory;

    private static JlbProcess start(int port, Path stateFile, Backends backends) throws Exception {
        JlbProcess jlb = JlbProcess.start(
                "-p",
                String.valueOf(port),
                "-b",
                backends.get(0).name() + "," + backends.get(1).name() + ","
                        + backends.get(2).name(),
                "-a",
                "weighted_round_robin",
                "--admin-token",
                TOKEN,
                "--health-check-interval",
                "0.2",
                "--state-file",
                stateFile.toString());
        // Generous: each test starts jlb two or three times, on a machine that may be busy.
        jlb.awaitLog(line -> line.contains("jlb listening on port"), Duration.ofSeconds(90));
        return jlb;
    }

    private static HttpResponse<String> admin(int port, String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/lb-admin/backends" + path))
                .timeout(Http.TIMEOUT)
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json");
        return Http.send(request.method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    /** The backends /lb-admin lists, by address. */
    private static Map<String, JsonObject> listed(int port) {
        HttpResponse<String> response = admin(port, "GET", "", null);
        assertEquals(200, response.statusCode(), response.body());
        return json(response).getJsonArray("backends").stream()
                .map(JsonValue::asJsonObject)
                .collect(Collectors.toMap(b -> b.getString("address"), b -> b));
    }

    private static BackendChange.Kind kindIn(Path stateFile, String address) throws Exception {
        AdminOverlay saved = StateFile.read(stateFile);
        return saved.find(BackendAddress.parse(address))
                .map(BackendChange::kind)
                .orElse(null);
    }

    /**
     * Drains backend 0, reweights backend 1, adds backend 3 and removes backend 2, checking after
     * each call has answered that the file already holds it.
     */
    private static void operate(int port, Path stateFile, Backends backends) throws Exception {
        String drained = backends.get(0).name();
        String reweighted = backends.get(1).name();
        String removed = backends.get(2).name();
        String added = backends.get(3).name();
        assertEquals(
                200,
                admin(port, "PUT", "/" + drained, "{\"state\": \"draining\"}").statusCode());
        assertTrue(StateFile.read(stateFile)
                .find(BackendAddress.parse(drained))
                .orElseThrow()
                .draining());
        assertEquals(
                200, admin(port, "PUT", "/" + reweighted, "{\"weight\": 5}").statusCode());
        assertEquals(
                5,
                StateFile.read(stateFile)
                        .find(BackendAddress.parse(reweighted))
                        .orElseThrow()
                        .weight());
        assertEquals(
                201,
                admin(port, "POST", "", "{\"address\": \"" + added + "\", \"weight\": 2}")
                        .statusCode());
        assertEquals(BackendChange.Kind.ADDED, kindIn(stateFile, added));
        // The last call: the caller stops or kills jlb as soon as it has answered.
        assertEquals(202, admin(port, "DELETE", "/" + removed, null).statusCode());
    }

    /** What the restarted balancer must show, and where its traffic must go. */
    private static void assertStateIsBack(int port, Backends backends) {
        String drained = backends.get(0).name();
        String reweighted = backends.get(1).name();
        String removed = backends.get(2).name();
        String added = backends.get(3).name();
        Map<String, JsonObject> listed = listed(port);
        assertEquals(Set.of(added, drained, reweighted), listed.keySet(), listed.toString());
        assertEquals("drained", listed.get(drained).getString("state"));
        assertEquals(5, listed.get(reweighted).getInt("weight"));
        assertEquals("enabled", listed.get(reweighted).getString("state"));
        assertEquals(2, listed.get(added).getInt("weight"));
        assertFalse(listed.containsKey(removed));
        // The added backend takes traffic once its health check has passed, the drained one none.
        await().atMost(Duration.ofSeconds(20))
                .until(() -> listed(port).get(added).getBoolean("healthy"));
        long drainedBefore = backends.get(0).requests();
        long removedBefore = backends.get(2).requests();
        Map<String, Integer> served = new HashMap<>();
        for (int i = 0; i < 14; i++) {
            HttpResponse<String> response = Http.get(URI.create("http://127.0.0.1:" + port + "/who"));
            assertEquals(200, response.statusCode(), response.body());
            served.merge(json(response).getString("server"), 1, Integer::sum);
        }
        assertEquals(drainedBefore, backends.get(0).requests());
        assertEquals(removedBefore, backends.get(2).requests());
        // Weights 5 and 2: ten and four of fourteen.
        assertEquals(Map.of(reweighted, 10, added, 4), served, served.toString());
    }

    @Test
    void changesSurviveAStopWithSigterm() throws Exception {
        Path stateFile = directory.resolve("state.json");
        try (Backends backends = Backends.start(4)) {
            int port = JlbProcess.freePort();
            try (JlbProcess jlb = start(port, stateFile, backends)) {
                assertFalse(Files.exists(stateFile), "a first start writes nothing");
                operate(port, stateFile, backends);
                jlb.signalTerm();
                assertEquals(0, jlb.awaitExit(Duration.ofSeconds(30)));
            }
            assertEquals(
                    BackendChange.Kind.REMOVED,
                    kindIn(stateFile, backends.get(2).name()));
            int again = JlbProcess.freePort();
            try (JlbProcess jlb = start(again, stateFile, backends)) {
                assertStateIsBack(again, backends);
            }
        }
    }

    @Test
    void changesSurviveAKillRightAfterTheCallAnswered() throws Exception {
        Path stateFile = directory.resolve("state.json");
        try (Backends backends = Backends.start(4)) {
            int port = JlbProcess.freePort();
            try (JlbProcess jlb = start(port, stateFile, backends)) {
                operate(port, stateFile, backends);
                jlb.kill();
                jlb.awaitExit(Duration.ofSeconds(30));
            }
            assertEquals(
                    BackendChange.Kind.REMOVED,
                    kindIn(stateFile, backends.get(2).name()));
            int again = JlbProcess.freePort();
            try (JlbProcess jlb = start(again, stateFile, backends)) {
                assertStateIsBack(again, backends);
                // And again, from the file this instance read: it applies the same way.
                jlb.kill();
                jlb.awaitExit(Duration.ofSeconds(30));
            }
            int third = JlbProcess.freePort();
            try (JlbProcess jlb = start(third, stateFile, backends)) {
                assertStateIsBack(third, backends);
            }
        }
    }

    @Test
    void aTruncatedStateFileStopsTheStartWithOneLineNamingIt() throws Exception {
        Path stateFile = directory.resolve("state.json");
        Files.writeString(
                stateFile,
                "{\n    \"format\": \"jlb-state\",\n    \"version\": 1,\n    \"backends\": [\n        {\"address\": \"127",
                StandardCharsets.UTF_8);
        JlbProcess.Outcome outcome =
                JlbProcess.run("-p", String.valueOf(JlbProcess.freePort()), "--state-file", stateFile.toString());
        assertEquals(2, outcome.status(), outcome.toString());
        assertEquals(1, outcome.stderr().size(), outcome.stderr().toString());
        String line = outcome.stderr().get(0);
        assertTrue(line.startsWith("jlb: --state-file: cannot read state file '" + stateFile + "'"), line);
        assertTrue(line.contains("truncated"), line);
        assertEquals(List.of(), outcome.stdout());
    }

    @Test
    void anUnreadableStateFileFromTheEnvironmentIsNamedSo() throws Exception {
        Path stateFile = Files.createFile(directory.resolve("state.json"));
        JlbProcess.Outcome outcome = JlbProcess.run(
                Map.of("JLB_STATE_FILE", stateFile.toString()), "-p", String.valueOf(JlbProcess.freePort()));
        assertEquals(2, outcome.status(), outcome.toString());
        assertEquals(
                List.of("jlb: environment variable JLB_STATE_FILE: cannot read state file '" + stateFile
                        + "': it is empty (truncated?); a state file always holds a JSON object"),
                outcome.stderr());
    }

    @Test
    void aStateFileInADirectoryThatDoesNotExistIsABadOption() throws Exception {
        JlbProcess.Outcome outcome = JlbProcess.run(
                "-p",
                String.valueOf(JlbProcess.freePort()),
                "--state-file",
                directory.resolve("no/such/state.json").toString());
        assertEquals(2, outcome.status(), outcome.toString());
        assertEquals(1, outcome.stderr().size(), outcome.stderr().toString());
        assertTrue(
                outcome.stderr().get(0).startsWith("jlb: --state-file: "),
                outcome.stderr().toString());
    }

    @Test
    void inAContainerAnUnusableStateFileStopsTheWebappWithALineNamingTheSetting() throws Exception {
        Path stateFile = directory.resolve("state.json");
        Files.writeString(
                stateFile, "{\"format\": \"jlb-state\", \"version\": 1, \"backends\": [", StandardCharsets.UTF_8);
        // The webapp's own check, as in a servlet container: no launcher in front of it.
        System.setProperty("jlb.stateFile", stateFile.toString());
        try {
            EmbeddedBalancer.StartupException failure = assertThrows(
                    EmbeddedBalancer.StartupException.class,
                    () -> EmbeddedBalancer.start(
                            RunningBalancer.WAR, RunningBalancer.serverConfig(Map.of()), Map.of(), null));
            assertTrue(
                    failure.getMessage()
                            .startsWith("system property jlb.stateFile: cannot read state file '" + stateFile + "'"),
                    failure.getMessage());
        } finally {
            System.clearProperty("jlb.stateFile");
        }
    }
}
