package io.voicewire.engine.local.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** {@link MaryVoice#retime} on an ACOUSTPARAMS document, without MaryTTS. */
class MaryRetimeTest {
  private static final String DOC = """
      <maryxml xmlns="http://mary.dfki.de/2002/MaryXML" version="0.5"><p><s><phrase>
        <mtu orig="42">
          <t ph="f O r - t i">forty<syllable><ph d="120" p="f"/><ph d="57" p="O"/></syllable></t>
          <t ph="t u">two<syllable><ph d="112" p="t"/></syllable></t>
        </mtu>
        <t pos=".">.</t>
        <boundary breakindex="5" duration="400"/>
      </phrase></s></p></maryxml>""";

  private static Document parse() throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    return f.newDocumentBuilder().parse(new ByteArrayInputStream(
        DOC.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void durationsAreRoundedToFramesAndWrittenBack() throws Exception {
    Document d = parse();
    SentenceTiming t = MaryVoice.retime(d, 1.0, 5.0);
    // 120, 57->55, 112->110, pause 400
    assertEquals(120 + 55 + 110 + 400, t.durationMs(), 1e-9);
    Element ph = (Element) d.getElementsByTagNameNS("*", "ph").item(1);
    assertEquals("55", ph.getAttribute("d"));
    assertEquals(2, t.tokens().size());
    assertEquals("42", t.tokens().get(0).orig());
    assertEquals(2, t.tokens().get(0).words().size());
    assertEquals(".", t.tokens().get(1).orig());
    assertEquals(285, t.tokens().get(1).words().get(0).startMs(), 1e-9);
  }

  @Test
  void speedScalesPhonesAndPauses() throws Exception {
    SentenceTiming t = MaryVoice.retime(parse(), 0.8, 5.0);
    // 150, 71.25->70, 140, 500
    assertEquals(150 + 70 + 140 + 500, t.durationMs(), 1e-9);
  }
}
