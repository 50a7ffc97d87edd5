package dev.jlb.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Deployment's container environment really configures the JVM (the java launcher reads
 * JDK_JAVA_OPTIONS itself, with no shell in between), its probes answer as the Deployment expects,
 * and SIGTERM stops jlb well within the termination grace period.
 */
class KubernetesPodIT {
    @Test
    void theContainersEnvironmentSetsTheJvmOptionsAndTheProbesAnswer(@TempDir Path scratch) throws Exception {
        Deployment deployment = StrictManifests.read(Path.of("deploy/kubernetes/deployment.yaml"), Deployment.class);
        Container container =
                deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        Map<String, String> environment =
                new HashMap<>(container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue)));
        ConfigMap configMap = StrictManifests.read(Path.of("deploy/kubernetes/configmap.yaml"), ConfigMap.class);
        Path configFile = scratch.resolve("jlb.properties");
        Files.writeString(configFile, configMap.getData().get("jlb.properties"));
        int port = JlbProcess.freePort();
        // The container's own command line, with a free port and the ConfigMap's file where the
        // volume would mount it.
        List<String> args = new ArrayList<>(container.getArgs());
        args.set(args.indexOf("--port") + 1, String.valueOf(port));
        args.set(args.indexOf("--config") + 1, configFile.toString());
        try (Backends backends = Backends.start(1)) {
            // The ConfigMap's dns: name exists only in a cluster; the environment outranks the file.
            environment.put("JLB_BACKENDS", backends.get(0).name());
            runPod(deployment, container, configMap, environment, args, port);
        }
    }

    private static void runPod(
            Deployment deployment,
            Container container,
            ConfigMap configMap,
            Map<String, String> environment,
            List<String> args,
            int port)
            throws Exception {
        try (JlbProcess jlb = JlbProcess.start(List.of(), environment, args.toArray(new String[0]))) {
            // A JVM start on a busy 2-core machine took 36 s once: longer than awaitLog's bound.
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> !jlb.isAlive()
                            || jlb.stderr().stream().anyMatch(line -> line.contains("jlb listening on port " + port)));
            assertTrue(
                    jlb.stderr().stream()
                            .anyMatch(line -> line.contains(
                                    "Picked up JDK_JAVA_OPTIONS: " + environment.get("JDK_JAVA_OPTIONS"))),
                    jlb.stderr().toString());

            String metrics = Http.get(ContainerChecks.uri(port, "/lb-metrics")).body();
            // The serial collector's old generation, and a heap of at most 64 MiB (-Xmx64m).
            assertTrue(metrics.contains("gc=\"MarkSweepCompact\""), "not the serial collector");
            double heapMax = metrics.lines()
                    .filter(line -> line.startsWith("jvm_memory_max_bytes{area=\"heap\"}"))
                    .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                    .findFirst()
                    .orElseThrow();
            assertTrue(heapMax > 0 && heapMax <= 64 * 1024 * 1024, "heap max " + heapMax);

            String algorithm = configMap
                    .getData()
                    .get("jlb.properties")
                    .lines()
                    .filter(line -> line.startsWith("algorithm="))
                    .findFirst()
                    .orElseThrow()
                    .substring("algorithm=".length());
            assertEquals(
                    algorithm,
                    RunningBalancer.json(Http.get(ContainerChecks.uri(port, "/lb-stats")))
                            .getString("algorithm"),
                    "the ConfigMap's file is read");

            String readiness = container.getReadinessProbe().getHttpGet().getPath();
            assertEquals(200, Http.get(ContainerChecks.uri(port, readiness)).statusCode());
            try (Socket liveness = new Socket(InetAddress.getLoopbackAddress(), port)) {
                assertTrue(liveness.isConnected());
            }

            jlb.signalTerm();
            long preStop = container.getLifecycle().getPreStop().getSleep().getSeconds();
            long grace = deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
            assertEquals(0, jlb.awaitExit(Duration.ofSeconds(grace - preStop)));
        }
    }
}
