package dev.jlb.state;

import dev.jlb.balancer.AdminOverlay;
import dev.jlb.balancer.BackendChange;
import dev.jlb.config.BackendAddress;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;
import jakarta.json.stream.JsonParser;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The state file: an {@link AdminOverlay} as JSON an operator can read, for example
 *
 * <pre>{@code
 * {
 *     "format": "jlb-state",
 *     "version": 1,
 *     "saved_at": "2026-12-03T19:40:12Z",
 *     "backends": [
 *         {"address": "10.0.0.1:8080", "change": "changed", "weight": 5, "configured_weight": 1, "state": "draining"},
 *         {"address": "10.0.0.2:8080", "change": "removed"},
 *         {"address": "10.0.0.9:8080", "change": "added", "weight": 2, "state": "enabled"}
 *     ]
 * }
 * }</pre>
 *
 * A file is one JSON object whose closing brace is its last character but white space, so a
 * file cut anywhere is not valid JSON and is refused, as is an empty one; nothing may follow the
 * object, and every field is checked, so that a damaged file stops the start instead of quietly
 * losing a drain.
 */
public final class StateFile {
    static final String FORMAT = "jlb-state";
    static final int VERSION = 1;
    private static final Set<String> DOCUMENT_FIELDS = Set.of("format", "version", "saved_at", "backends");
    private static final Set<String> BACKEND_FIELDS =
            Set.of("address", "change", "weight", "configured_weight", "state", "route");
    private static final JsonGeneratorFactory PRETTY =
            Json.createGeneratorFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true));

    private StateFile() {}

    /**
     * Reads a state file; a file that does not exist is an empty state (a first start).
     *
     * @throws StateFileException if it exists but cannot be read, or is not a whole, valid state file
     */
    public static AdminOverlay read(Path file) throws StateFileException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return AdminOverlay.EMPTY;
        } catch (IOException e) {
            throw new StateFileException(file, "unreadable (" + e + ")", e);
        }
        try {
            return parse(decode(bytes));
        } catch (IllegalArgumentException e) {
            throw new StateFileException(file, e.getMessage(), e);
        }
    }

    /** Replaces the state file with this overlay, atomically (see {@link AtomicFiles}). */
    public static void write(Path file, AdminOverlay overlay, Instant savedAt) throws IOException {
        AtomicFiles.replace(file, render(overlay, savedAt).getBytes(StandardCharsets.UTF_8));
    }

    /** The overlay as the file's text. */
    static String render(AdminOverlay overlay, Instant savedAt) {
        StringWriter text = new StringWriter();
        try (JsonGenerator json = PRETTY.createGenerator(text)) {
            json.writeStartObject()
                    .write("format", FORMAT)
                    .write("version", VERSION)
                    .write("saved_at", savedAt.truncatedTo(ChronoUnit.MILLIS).toString())
                    .writeStartArray("backends");
            for (BackendChange change : overlay.changes()) {
                json.writeStartObject()
                        .write("address", change.address().toString())
                        .write("change", change.kind().name().toLowerCase(Locale.ROOT));
                if (change.weight() != null) {
                    json.write("weight", change.weight());
                }
                if (change.configuredWeight() != null) {
                    json.write("configured_weight", change.configuredWeight());
                }
                if (change.kind() != BackendChange.Kind.REMOVED) {
                    json.write("state", change.draining() ? "draining" : "enabled");
                }
                if (change.route() != null) {
                    json.write("route", change.route());
                }
                json.writeEnd();
            }
            json.writeEnd().writeEnd();
        }
        return text + "\n";
    }

    /**
     * The overlay a file's text holds.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    static AdminOverlay parse(String text) {
        if (text.isBlank()) {
            throw new IllegalArgumentException("it is empty (truncated?); a state file always holds a JSON object");
        }
        JsonObject document;
        try (JsonParser parser = Json.createParser(new StringReader(text))) {
            if (parser.next() != JsonParser.Event.START_OBJECT) {
                throw new IllegalArgumentException("it is not a JSON object");
            }
            document = parser.getObject();
            if (parser.hasNext()) {
                throw new IllegalArgumentException("something follows the JSON object");
            }
        } catch (JsonException | IllegalStateException | java.util.NoSuchElementException e) {
            throw new IllegalArgumentException(
                    "it is not whole, valid JSON (truncated?): "
                            + String.valueOf(e.getMessage()).strip().replaceAll("\\s*\\R\\s*", " "),
                    e);
        }
        onlyFields(document, DOCUMENT_FIELDS, "the document");
        if (!FORMAT.equals(string(document, "format", "the document"))) {
            throw new IllegalArgumentException("\"format\" is not \"" + FORMAT + "\"");
        }
        Integer version = integer(document, "version", "the document");
        if (version == null || version != VERSION) {
            throw new IllegalArgumentException("\"version\" is " + version + "; this jlb reads version " + VERSION);
        }
        JsonValue backends = document.get("backends");
        if (backends == null || backends.getValueType() != JsonValue.ValueType.ARRAY) {
            throw new IllegalArgumentException("\"backends\" is not a list");
        }
        List<BackendChange> changes = new ArrayList<>();
        int index = 0;
        for (JsonValue entry : backends.asJsonArray()) {
            changes.add(change(entry, "backends[" + index++ + "]"));
        }
        return new AdminOverlay(changes);
    }

    private static BackendChange change(JsonValue value, String where) {
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new IllegalArgumentException(where + " is not an object");
        }
        JsonObject entry = value.asJsonObject();
        onlyFields(entry, BACKEND_FIELDS, where);
        String address = string(entry, "address", where);
        String change = string(entry, "change", where);
        String state = string(entry, "state", where);
        if (address == null || change == null) {
            throw new IllegalArgumentException(where + " needs \"address\" and \"change\"");
        }
        BackendChange.Kind kind;
        switch (change) {
            case "added" -> kind = BackendChange.Kind.ADDED;
            case "changed" -> kind = BackendChange.Kind.CHANGED;
            case "removed" -> kind = BackendChange.Kind.REMOVED;
            default ->
                throw new IllegalArgumentException(where + ": \"change\" is not \"added\", \"changed\" or \"removed\"");
        }
        if (state != null && !state.equals("enabled") && !state.equals("draining")) {
            throw new IllegalArgumentException(where + ": \"state\" is not \"enabled\" or \"draining\"");
        }
        if (state == null && kind != BackendChange.Kind.REMOVED) {
            throw new IllegalArgumentException(where + " needs \"state\"");
        }
        try {
            return new BackendChange(
                    BackendAddress.parse(address),
                    kind,
                    integer(entry, "weight", where),
                    integer(entry, "configured_weight", where),
                    "draining".equals(state),
                    string(entry, "route", where));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static void onlyFields(JsonObject object, Set<String> known, String where) {
        for (String field : object.keySet()) {
            if (!known.contains(field)) {
                throw new IllegalArgumentException(where + " has an unknown field \"" + field + "\"");
            }
        }
    }

    private static String string(JsonObject object, String field, String where) {
        JsonValue value = object.get(field);
        if (value == null) {
            return null;
        }
        if (value instanceof JsonString text) {
            return text.getString();
        }
        throw new IllegalArgumentException(where + ": \"" + field + "\" is not a string");
    }

    private static Integer integer(JsonObject object, String field, String where) {
        JsonValue value = object.get(field);
        if (value == null) {
            return null;
        }
        if (value instanceof JsonNumber number && number.isIntegral()) {
            try {
                return number.intValueExact();
            } catch (ArithmeticException tooLarge) {
                // reported below
            }
        }
        throw new IllegalArgumentException(where + ": \"" + field + "\" is not an integer");
    }

    private static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("it is not UTF-8 text (damaged?)", e);
        }
    }
}
