/**
 * Writes the code's config defaults into Pulumi.yaml (the `default:` of each area), keeping comments and
 * descriptions. Run after changing a default in code: `npm run sync-pulumi-yaml`. A unit test fails while the
 * two differ.
 */
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { defaultConfig } from "../components/config/schema";
import { PROJECT_ROOT } from "../stacks/shared/stackFiles";

const file = path.join(PROJECT_ROOT, "Pulumi.yaml");
// YAML 1.1 output quotes words such as `off` and `yes` that older readers would turn into booleans.
const doc = YAML.parseDocument(fs.readFileSync(file, "utf8"), { version: "1.1" });
const defaults = defaultConfig() as Record<string, unknown>;
const missing: string[] = [];
for (const [area, value] of Object.entries(defaults)) {
  if (!doc.hasIn(["config", area])) {
    missing.push(area);
    continue;
  }
  doc.setIn(["config", area, "default"], doc.createNode(JSON.parse(JSON.stringify(value))));
}
if (missing.length > 0) {
  console.error(
    `Pulumi.yaml has no entry for: ${missing.join(", ")}; add one with type: object and a description`,
  );
  process.exit(1);
}
fs.writeFileSync(file, doc.toString({ lineWidth: 0 }));
console.log(`Pulumi.yaml defaults written for ${Object.keys(defaults).length} areas`);
