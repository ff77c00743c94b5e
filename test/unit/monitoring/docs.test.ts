import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { renderedReadme } from "../../../components/monitoring/docs";
import { PROJECT_ROOT } from "../../../stacks/shared/stackFiles";

describe("monitoring docs", () => {
  it("the README shows the current Flink dashboard and alert rules", async () => {
    const file = path.join(PROJECT_ROOT, "README.md");
    const readme = fs.readFileSync(file, "utf8");
    assert.ok(readme.includes("FlinkCheckpointsFailing") && readme.includes("Row **Backpressure**"));
    assert.strictEqual(
      readme,
      await renderedReadme(readme, file),
      "README.md is out of date: run `npx ts-node scripts/monitoring-docs.ts`",
    );
  });
});
