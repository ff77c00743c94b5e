/**
 * The files under docs/ that are generated from the code, by path relative to the project root, formatted by the
 * project's Prettier settings: `npm run docs` writes them, and a unit test fails while a committed file differs.
 */
import * as fs from "fs";
import * as path from "path";
import { renderedMonitoringDocs } from "../../components/monitoring/docs";
import { configReferenceMarkdown, stackFileSchema } from "./configReference";
import { PROJECT_ROOT } from "./stackFiles";

async function formatted(text: string, file: string): Promise<string> {
  // Prettier is a development tool: loaded here only, never by the Pulumi program.
  const prettier = await import("prettier");
  const options = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(text, { ...options, filepath: file });
}

/** Every generated file's expected content. */
export async function generatedDocs(root = PROJECT_ROOT): Promise<Record<string, string>> {
  const at = (relative: string) => path.join(root, relative);
  const monitoring = "docs/monitoring.md";
  return {
    "docs/configuration.md": await formatted(configReferenceMarkdown(), at("docs/configuration.md")),
    "docs/stack-config.schema.json": await formatted(
      JSON.stringify(stackFileSchema(), null, 2),
      at("docs/stack-config.schema.json"),
    ),
    [monitoring]: await renderedMonitoringDocs(fs.readFileSync(at(monitoring), "utf8"), at(monitoring)),
  };
}
