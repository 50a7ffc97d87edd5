package dev.jlb.it;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads Kubernetes manifests with fabric8's model of the Kubernetes API, strictly: fabric8 keeps
 * a field it does not know in each object's {@code additionalProperties} (as the API server's
 * non-strict decoding drops it), so a typo would pass unseen; here any such field, an unknown
 * kind and a value of the wrong type are errors.
 */
final class StrictManifests {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private StrictManifests() {}

    /**
     * The one resource of a manifest file, as its fabric8 model class.
     *
     * @throws IllegalArgumentException naming the file and what is wrong in it
     */
    static <T extends HasMetadata> T read(Path file, Class<T> kind) throws IOException {
        Object resource;
        try {
            resource = SERIALIZATION.unmarshal(Files.readString(file));
        } catch (RuntimeException wrongType) {
            throw new IllegalArgumentException(file + ": " + wrongType.getMessage(), wrongType);
        }
        if (resource instanceof GenericKubernetesResource generic) {
            throw new IllegalArgumentException(
                    file + ": unknown kind " + generic.getKind() + " of " + generic.getApiVersion());
        }
        if (!kind.isInstance(resource)) {
            throw new IllegalArgumentException(
                    file + ": a " + resource.getClass().getSimpleName() + ", not a " + kind.getSimpleName());
        }
        List<String> unknown = new ArrayList<>();
        collectUnknownFields(resource, kind.getSimpleName(), unknown);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(file + ": unknown fields " + unknown);
        }
        return kind.cast(resource);
    }

    /** Walks the model's fields and lists every field that the model did not know. */
    private static void collectUnknownFields(Object value, String path, List<String> unknown) {
        if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                collectUnknownFields(list.get(i), path + "[" + i + "]", unknown);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, item) -> collectUnknownFields(item, path + "." + key, unknown));
            return;
        }
        if (value == null || !value.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Class<?> type = value.getClass(); type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                field.setAccessible(true);
                Object fieldValue;
                try {
                    fieldValue = field.get(value);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
                if (field.getName().equals("additionalProperties") && fieldValue instanceof Map<?, ?> extra) {
                    extra.keySet().forEach(name -> unknown.add(path + "." + name));
                } else {
                    collectUnknownFields(fieldValue, path + "." + field.getName(), unknown);
                }
            }
        }
    }
}
