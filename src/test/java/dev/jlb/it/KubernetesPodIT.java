package dev.jlb.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The Deployment's container environment really configures the JVM (the java launcher reads
 * JDK_JAVA_OPTIONS itself, with no shell in between), its probes answer as the Deployment expects,
 * and SIGTERM stops jlb well within the termination grace period.
 */
class KubernetesPodIT {
    @Test
    void theContainersEnvironmentSetsTheJvmOptionsAndTheProbesAnswer() throws Exception {
        Deployment deployment = StrictManifests.read(Path.of("deploy/kubernetes/deployment.yaml"), Deployment.class);
        Container container =
                deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        Map<String, String> environment =
                container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
        int port = JlbProcess.freePort();
        try (Backends backends = Backends.start(1);
                JlbProcess jlb = JlbProcess.start(
                        List.of(),
                        environment,
                        "--port",
                        String.valueOf(port),
                        "--backends",
                        backends.get(0).name())) {
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
