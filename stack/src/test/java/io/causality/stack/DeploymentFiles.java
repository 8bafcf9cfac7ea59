package io.causality.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.yaml.snakeyaml.Yaml;

/** Reading the repository's deployment files, for the tests that check them. */
final class DeploymentFiles {
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private DeploymentFiles() {}

    /**
     * The documents of a YAML file as its tools read them: SnakeYAML resolves the anchors and merge
     * keys ({@code <<: *flink}) that Jackson's YAML parser leaves as they are.
     */
    static List<JsonNode> documents(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            for (Object doc : new Yaml().loadAll(in)) {
                if (doc != null) {
                    out.add(YAML.valueToTree(doc));
                }
            }
        }
        return out;
    }

    /** The Flink configuration of a config.yaml, flattened to Flink's dotted keys. */
    static Map<String, String> flinkConfig(String file) throws IOException {
        return flatten(YAML.readTree(ROOT.resolve(file).toFile()));
    }

    /** The parent POM's properties: the versions. */
    static Map<String, String> pomProperties() throws Exception {
        var doc =
                DocumentBuilderFactory.newInstance()
                        .newDocumentBuilder()
                        .parse(ROOT.resolve("pom.xml").toFile());
        Element props = (Element) doc.getElementsByTagName("properties").item(0);
        Map<String, String> out = new TreeMap<>();
        var children = props.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element e) {
                out.put(e.getTagName(), e.getTextContent().trim());
            }
        }
        return out;
    }

    /** {@code a: {b: 1}} → {@code a.b = 1}; keys written with dots stay as they are. */
    static Map<String, String> flatten(JsonNode node) {
        Map<String, String> out = new TreeMap<>();
        flatten("", node, out);
        return out;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            node.properties()
                    .forEach(
                            e ->
                                    flatten(
                                            prefix.isEmpty()
                                                    ? e.getKey()
                                                    : prefix + "." + e.getKey(),
                                            e.getValue(),
                                            out));
        } else {
            out.put(prefix, node.asText());
        }
    }

    /** The Flink settings both configurations and every FlinkDeployment must agree on. */
    static final List<String> SHARED_FLINK_KEYS =
            List.of(
                    "state.backend.type",
                    "execution.checkpointing.mode",
                    "execution.checkpointing.incremental",
                    "execution.checkpointing.externalized-checkpoint-retention",
                    "execution.checkpointing.num-retained",
                    "restart-strategy.type",
                    "metrics.reporter.prom.factory.class",
                    "pipeline.auto-generate-uids",
                    "pipeline.max-parallelism",
                    "taskmanager.numberOfTaskSlots",
                    "heartbeat.timeout",
                    "s3.path.style.access");
}
