import * as assert from "assert";
import { escapeXml, hadoopConfigurationXml } from "../../../components/state/hadoopXml";

describe("Hadoop XML", () => {
  it("escapes every value and sorts properties", () => {
    assert.strictEqual(escapeXml(`a<b>&"c'`), "a&lt;b&gt;&amp;&quot;c&apos;");
    const xml = hadoopConfigurationXml({ "z.key": "1 < 2 & 3", "a.key": "plain" });
    assert.ok(xml.indexOf("a.key") < xml.indexOf("z.key"));
    assert.match(xml, /<value>1 &lt; 2 &amp; 3<\/value>/);
    assert.ok(!xml.includes("1 < 2"));
  });
});
