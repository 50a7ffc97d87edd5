package dev.jlb.web;

import dev.jlb.config.Setting;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The shipped web.xml lists every webapp setting with its built-in default, so that the two never drift apart. */
class WebXmlTest {
    @Test
    void contextParamsAreTheSettingsWithTheirDefaults() throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document webXml = factory.newDocumentBuilder().parse(Path.of("webapp/WEB-INF/web.xml").toFile());
        Map<String, String> params = new LinkedHashMap<>();
        NodeList contextParams = webXml.getElementsByTagNameNS("*", "context-param");
        for (int i = 0; i < contextParams.getLength(); i++) {
            Element param = (Element) contextParams.item(i);
            params.put(text(param, "param-name"), text(param, "param-value"));
        }
        Map<String, String> expected = new LinkedHashMap<>();
        for (Setting setting : Setting.values()) {
            if (!setting.launcherOnly()) {
                expected.put(setting.param(), setting.defaultValue());
            }
        }
        assertEquals(expected, params);
    }

    private static String text(Element parent, String name) {
        return parent.getElementsByTagNameNS("*", name).item(0).getTextContent().strip();
    }
}
