/**
 * Write the generated docs (the configuration reference, the stack-file JSON Schema, the monitoring tables) from the
 * code:
 *
 *   npm run docs
 *
 * A unit test fails while a committed file and the code disagree.
 */
import * as fs from "fs";
import * as path from "path";
import { generatedDocs } from "../stacks/shared/generatedDocs";
import { PROJECT_ROOT } from "../stacks/shared/stackFiles";

async function main() {
  for (const [file, content] of Object.entries(await generatedDocs())) {
    fs.writeFileSync(path.join(PROJECT_ROOT, file), content);
    console.log(`wrote ${file}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
