package dev.jlb.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jlb.config.BalancerConfig;
import dev.jlb.config.ConfigException;
import dev.jlb.config.ConfigSources;
import dev.jlb.config.ServerConfig;
import dev.jlb.config.Setting;
import dev.jlb.config.ValueParsers;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * deploy/kubernetes/: every manifest is read strictly with fabric8's Kubernetes model (a typo
 * fails the build), and what matters for jlb holds: the probes, a stop that outlasts the preStop
 * pause and the shutdown grace, no root, a read-only root file system, the measured memory, the
 * JVM options of the systemd unit, and a configuration file that jlb itself accepts.
 */
class KubernetesManifestsTest {
    private static final Path DIRECTORY = Path.of("deploy/kubernetes");
    private static final Path TEST_RESOURCES = Path.of("src/test/resources/kubernetes");
    private static final Path SYSTEMD_UNIT = Path.of("deploy/systemd/jlb.service");
    private static final String CONFIG_FILE = "/etc/jlb/jlb.properties";

    private static Deployment deployment() throws IOException {
        return StrictManifests.read(DIRECTORY.resolve("deployment.yaml"), Deployment.class);
    }

    private static ConfigMap configMap() throws IOException {
        return StrictManifests.read(DIRECTORY.resolve("configmap.yaml"), ConfigMap.class);
    }

    private static Container jlbContainer(Deployment deployment) {
        List<Container> containers =
                deployment.getSpec().getTemplate().getSpec().getContainers();
        assertEquals(1, containers.size());
        return containers.get(0);
    }

    /** The container port that a probe's or a Service's port (a number or a name) designates. */
    private static int containerPort(Container container, IntOrString port) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return container.getPorts().stream()
                .filter(p -> port.getStrVal().equals(p.getName()))
                .mapToInt(ContainerPort::getContainerPort)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no container port named " + port.getStrVal()));
    }

    /** The value of an option in the container's arguments. */
    private static String argument(Container container, String option) {
        List<String> args = container.getArgs();
        int at = args.indexOf(option);
        assertTrue(at >= 0 && at + 1 < args.size(), option + " missing from " + args);
        return args.get(at + 1);
    }

    private static String env(Container container, String name) {
        return container.getEnv().stream()
                .filter(variable -> variable.getName().equals(name))
                .map(EnvVar::getValue)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in the container's environment"));
    }

    /** The systemd unit's {@code Environment=NAME=value}, quoted or not. */
    private static String systemdEnvironment(String name) throws IOException {
        return Files.readAllLines(SYSTEMD_UNIT).stream()
                .map(line -> line.replaceAll("^Environment=\"?(.*?)\"?$", "$1"))
                .filter(assignment -> assignment.startsWith(name + "="))
                .map(assignment -> assignment.substring(name.length() + 1))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in " + SYSTEMD_UNIT));
    }

    private static Properties properties(ConfigMap configMap) throws IOException {
        String text = configMap.getData().get("jlb.properties");
        assertNotNull(text, "the ConfigMap holds jlb.properties");
        Properties properties = new Properties();
        properties.load(new StringReader(text));
        return properties;
    }

    /**
     * Validates a configuration file as jlb does its settings: every key a setting's name, every
     * value accepted by {@link BalancerConfig}.
     */
    private static BalancerConfig validate(Properties properties) throws ConfigException {
        Set<String> names = Arrays.stream(Setting.values()).map(Setting::param).collect(Collectors.toSet());
        for (String key : properties.stringPropertyNames()) {
            if (!names.contains(key)) {
                throw new ConfigException("configuration file", "unknown key '" + key + "'");
            }
        }
        return BalancerConfig.resolve(new ConfigSources(Map.of(), name -> null, name -> null, properties::getProperty));
    }

    private static long mebibytes(Quantity quantity) {
        return Quantity.getAmountInBytes(quantity)
                .divide(BigDecimal.valueOf(1024 * 1024))
                .longValueExact();
    }

    @Test
    void everyManifestIsAKnownKubernetesResourceWithNoUnknownField() throws IOException {
        assertEquals("jlb", deployment().getMetadata().getName());
        assertEquals("jlb-config", configMap().getMetadata().getName());
        assertEquals(
                "jlb",
                StrictManifests.read(DIRECTORY.resolve("service.yaml"), Service.class)
                        .getMetadata()
                        .getName());
        assertEquals(
                "jlb",
                StrictManifests.read(DIRECTORY.resolve("poddisruptionbudget.yaml"), PodDisruptionBudget.class)
                        .getMetadata()
                        .getName());
        StrictManifests.read(DIRECTORY.resolve("examples/backend-headless-service.yaml"), Service.class);
        try (var files = Files.walk(DIRECTORY)) {
            assertEquals(
                    Set.of(
                            "configmap.yaml",
                            "deployment.yaml",
                            "service.yaml",
                            "poddisruptionbudget.yaml",
                            "examples/backend-headless-service.yaml"),
                    files.filter(file -> file.toString().endsWith(".yaml"))
                            .map(file -> DIRECTORY.relativize(file).toString())
                            .collect(Collectors.toSet()),
                    "a new manifest needs its check here");
        }
    }

    @Test
    void aMisspeltFieldAnUnknownKindAndAValueOfTheWrongTypeAreRefused() {
        IllegalArgumentException field = assertThrows(
                IllegalArgumentException.class,
                () -> StrictManifests.read(TEST_RESOURCES.resolve("misspelt-field.yaml"), Deployment.class));
        assertTrue(field.getMessage().contains("readinesProbe"), field.getMessage());
        IllegalArgumentException kind = assertThrows(
                IllegalArgumentException.class,
                () -> StrictManifests.read(TEST_RESOURCES.resolve("misspelt-kind.yaml"), Deployment.class));
        assertTrue(kind.getMessage().contains("Deploymnet"), kind.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> StrictManifests.read(TEST_RESOURCES.resolve("wrong-type.yaml"), PodDisruptionBudget.class));
    }

    @Test
    void readinessAsksLbHealthAndLivenessOnlyThatTheServerAcceptsConnections() throws IOException {
        Container jlb = jlbContainer(deployment());
        int port = Integer.parseInt(argument(jlb, "--port"));
        assertEquals(port, jlb.getPorts().get(0).getContainerPort());

        assertEquals("/lb-health", jlb.getReadinessProbe().getHttpGet().getPath());
        assertEquals(
                port, containerPort(jlb, jlb.getReadinessProbe().getHttpGet().getPort()));
        // /lb-health is 503 when every backend is down: a liveness probe on it would restart
        // every pod for a fault that is not theirs.
        assertNull(jlb.getLivenessProbe().getHttpGet(), "liveness must not depend on the backends");
        assertEquals(
                port, containerPort(jlb, jlb.getLivenessProbe().getTcpSocket().getPort()));
        assertEquals(
                port, containerPort(jlb, jlb.getStartupProbe().getTcpSocket().getPort()));
    }

    @Test
    void theStopOutlastsThePreStopPauseAndTheShutdownGrace() throws Exception {
        Deployment deployment = deployment();
        Container jlb = jlbContainer(deployment);
        long pause = jlb.getLifecycle().getPreStop().getSleep().getSeconds();
        assertTrue(pause >= 5, "endpoints take a few seconds to leave every node's rules and the cloud balancer");
        Properties file = properties(configMap());
        long grace = BalancerConfig.parse(
                        new ConfigSources(Map.of(), name -> null, name -> null, file::getProperty),
                        Setting.SHUTDOWN_GRACE,
                        ValueParsers::seconds)
                .toSeconds();
        long needed = pause + grace + ServerConfig.WEBSOCKET_CLOSING_TIME.toSeconds();
        long allowed = deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
        assertTrue(allowed > needed, "terminationGracePeriodSeconds " + allowed + " must exceed " + needed);
    }

    @Test
    void thePodRunsAsNonRootOnAReadOnlyRootFileSystemWithAWritableTmp() throws IOException {
        Deployment deployment = deployment();
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container jlb = jlbContainer(deployment);
        assertTrue(pod.getSecurityContext().getRunAsNonRoot());
        assertNotEquals(0L, pod.getSecurityContext().getRunAsUser());
        assertTrue(jlb.getSecurityContext().getReadOnlyRootFilesystem());
        assertFalse(jlb.getSecurityContext().getAllowPrivilegeEscalation());
        assertEquals(List.of("ALL"), jlb.getSecurityContext().getCapabilities().getDrop());

        VolumeMount tmp = jlb.getVolumeMounts().stream()
                .filter(mount -> mount.getMountPath().equals("/tmp"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("the launcher unpacks its WAR in /tmp"));
        Volume scratch = pod.getVolumes().stream()
                .filter(volume -> volume.getName().equals(tmp.getName()))
                .findFirst()
                .orElseThrow();
        assertNotNull(scratch.getEmptyDir());
    }

    @Test
    void memoryRequestAndLimitCoverTheMeasuredPeakAndTheJvmOptionsAreTheSystemdUnits() throws IOException {
        Container jlb = jlbContainer(deployment());
        long request = mebibytes(jlb.getResources().getRequests().get("memory"));
        long limit = mebibytes(jlb.getResources().getLimits().get("memory"));
        assertTrue(
                request >= MemoryFootprintIT.LIMIT_MIB,
                "MemoryFootprintIT holds the peak RSS under " + MemoryFootprintIT.LIMIT_MIB + " MiB: " + request);
        assertTrue(limit >= request, "limit " + limit + " MiB under the request");
        assertEquals(systemdEnvironment("JAVA_OPTS"), env(jlb, "JDK_JAVA_OPTIONS"));
        assertEquals(systemdEnvironment("MALLOC_ARENA_MAX"), env(jlb, "MALLOC_ARENA_MAX"));
    }

    @Test
    void theConfigMapIsTheConfigFileAndJlbAcceptsIt() throws Exception {
        Deployment deployment = deployment();
        Container jlb = jlbContainer(deployment);
        ConfigMap configMap = configMap();
        String file = argument(jlb, "--config");
        assertEquals(CONFIG_FILE, file);
        Path mounted = Path.of(file);
        VolumeMount mount = jlb.getVolumeMounts().stream()
                .filter(m -> m.getMountPath().equals(mounted.getParent().toString()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("nothing mounted at " + mounted.getParent()));
        assertNull(mount.getSubPath(), "a subPath mount never sees the ConfigMap change");
        Volume volume = deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals(mount.getName()))
                .findFirst()
                .orElseThrow();
        assertEquals(configMap.getMetadata().getName(), volume.getConfigMap().getName());
        assertTrue(configMap.getData().containsKey(mounted.getFileName().toString()));

        BalancerConfig config = validate(properties(configMap));
        assertFalse(config.toString().isEmpty());
    }

    @Test
    void aConfigMapWithABadKeyOrValueFails() throws Exception {
        ConfigException key = assertThrows(
                ConfigException.class,
                () -> validate(properties(
                        StrictManifests.read(TEST_RESOURCES.resolve("configmap-bad-key.yaml"), ConfigMap.class))));
        assertTrue(key.getMessage().contains("algoritm"), key.getMessage());
        ConfigException value = assertThrows(
                ConfigException.class,
                () -> validate(properties(
                        StrictManifests.read(TEST_RESOURCES.resolve("configmap-bad-value.yaml"), ConfigMap.class))));
        assertTrue(value.getMessage().contains("algorithm"), value.getMessage());
    }

    @Test
    void theConfigMapsBackendsAreThePodsOfTheHeadlessServiceExample() throws IOException {
        Service backend =
                StrictManifests.read(DIRECTORY.resolve("examples/backend-headless-service.yaml"), Service.class);
        assertEquals("None", backend.getSpec().getClusterIP(), "headless: its name resolves to every pod");
        String name =
                backend.getMetadata().getName() + "." + backend.getMetadata().getNamespace() + ".svc.cluster.local";
        String entry = "dns:" + name + ":" + backend.getSpec().getPorts().get(0).getPort();
        assertEquals(entry, properties(configMap()).getProperty("backends"));
    }

    @Test
    void theServiceAndTheDisruptionBudgetSelectThePodsAndKeepOneRunning() throws IOException {
        Deployment deployment = deployment();
        Container jlb = jlbContainer(deployment);
        Map<String, String> podLabels =
                deployment.getSpec().getTemplate().getMetadata().getLabels();
        assertEquals(2, deployment.getSpec().getReplicas());
        assertEquals(
                0,
                deployment
                        .getSpec()
                        .getStrategy()
                        .getRollingUpdate()
                        .getMaxUnavailable()
                        .getIntVal());

        Service service = StrictManifests.read(DIRECTORY.resolve("service.yaml"), Service.class);
        assertTrue(
                podLabels.entrySet().containsAll(service.getSpec().getSelector().entrySet()));
        assertEquals(
                Integer.parseInt(argument(jlb, "--port")),
                containerPort(jlb, service.getSpec().getPorts().get(0).getTargetPort()));
        assertEquals("Local", service.getSpec().getExternalTrafficPolicy(), "keeps the client's address");

        PodDisruptionBudget budget =
                StrictManifests.read(DIRECTORY.resolve("poddisruptionbudget.yaml"), PodDisruptionBudget.class);
        assertTrue(podLabels
                .entrySet()
                .containsAll(budget.getSpec().getSelector().getMatchLabels().entrySet()));
        int minAvailable = budget.getSpec().getMinAvailable().getIntVal();
        assertTrue(minAvailable >= 1 && minAvailable < deployment.getSpec().getReplicas());
    }

    @Test
    void theImageRunsTheLauncherOnAMaintainedJreAsTheSameNonRootUserWithTheSameOptions() throws IOException {
        List<String> dockerfile = Files.readAllLines(DIRECTORY.resolve("Dockerfile")).stream()
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .toList();
        String from = dockerfile.get(0);
        assertTrue(from.matches("FROM eclipse-temurin:(17|21)-jre(-\\w+)?"), from);
        String user = dockerfile.stream()
                .filter(line -> line.startsWith("USER "))
                .findFirst()
                .orElseThrow()
                .substring("USER ".length());
        PodSpec pod = deployment().getSpec().getTemplate().getSpec();
        assertEquals(
                pod.getSecurityContext().getRunAsUser() + ":"
                        + pod.getSecurityContext().getRunAsGroup(),
                user);
        assertTrue(dockerfile.contains("COPY jlb.jar /opt/jlb/jlb.jar"), dockerfile.toString());
        assertTrue(dockerfile.contains("ENTRYPOINT [\"java\", \"-jar\", \"/opt/jlb/jlb.jar\"]"), dockerfile.toString());
        String joined = String.join("\n", dockerfile).replace("\\\n", " ");
        assertTrue(
                joined.contains("JDK_JAVA_OPTIONS=\"" + systemdEnvironment("JAVA_OPTS") + "\""),
                "the image's JVM options are the systemd unit's: " + joined);
        assertTrue(
                joined.matches("(?s).*MALLOC_ARENA_MAX=" + systemdEnvironment("MALLOC_ARENA_MAX") + "\\b.*"), joined);
    }
}
