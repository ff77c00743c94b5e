/**
 * Rewrite the README's generated monitoring blocks (the Flink dashboard as tables, the alert rules) from the code,
 * formatted the way Prettier formats the README:
 *
 *   npx ts-node scripts/monitoring-docs.ts
 *
 * A unit test fails while the README and the code disagree.
 */
import * as fs from "fs";
import * as path from "path";
import { renderedReadme } from "../components/monitoring/docs";
import { PROJECT_ROOT } from "../stacks/shared/stackFiles";

async function main() {
  const readme = path.join(PROJECT_ROOT, "README.md");
  fs.writeFileSync(readme, await renderedReadme(fs.readFileSync(readme, "utf8"), readme));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
