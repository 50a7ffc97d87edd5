package dev.jlb.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jlb.config.Setting;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The shipped web.xml and the operators' recipes list every webapp setting with its built-in
 * default, so that none of them drifts from the code.
 */
class WebXmlTest {
    private static Map<String, String> defaults() {
        Map<String, String> expected = new LinkedHashMap<>();
        for (Setting setting : Setting.values()) {
            if (!setting.launcherOnly()) {
                expected.put(setting.param(), setting.defaultValue());
            }
        }
        return expected;
    }

    private static Document parse(String path) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(Path.of(path).toFile());
    }

    private static Map<String, String> contextParams(String path) throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        NodeList contextParams = parse(path).getElementsByTagNameNS("*", "context-param");
        for (int i = 0; i < contextParams.getLength(); i++) {
            Element param = (Element) contextParams.item(i);
            params.put(text(param, "param-name"), text(param, "param-value"));
        }
        return params;
    }

    private static String text(Element parent, String name) {
        return parent.getElementsByTagNameNS("*", name).item(0).getTextContent().strip();
    }

    @Test
    void webXmlContextParamsAreTheSettingsWithTheirDefaults() throws Exception {
        assertEquals(defaults(), contextParams("webapp/WEB-INF/web.xml"));
    }

    @Test
    void theJettyRecipeListsEverySettingWithItsDefault() throws Exception {
        assertEquals(defaults(), contextParams("deploy/jetty/jlb.d/override-web.xml"));
    }

    @Test
    void theTomcatRecipeListsEverySettingWithItsDefaultAndWinsOverWebXml() throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        NodeList parameters = parse("deploy/tomcat/context.xml").getElementsByTagName("Parameter");
        for (int i = 0; i < parameters.getLength(); i++) {
            Element parameter = (Element) parameters.item(i);
            assertEquals("false", parameter.getAttribute("override"), parameter.getAttribute("name"));
            params.put(parameter.getAttribute("name"), parameter.getAttribute("value"));
        }
        assertEquals(defaults(), params);
    }
}
