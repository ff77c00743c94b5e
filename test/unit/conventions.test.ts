/**
 * The rules of the code's shape, checked on the sources themselves: every component's args are documented, only
 * the config loader reads the engine's config, only the platform reads the whole configuration, and no module of
 * components/ imports itself through others.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { PROJECT_ROOT } from "../../stacks/shared/stackFiles";

const COMPONENTS = path.join(PROJECT_ROOT, "components");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return sourceFiles(full);
    }
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

const files = sourceFiles(COMPONENTS);
const relative = (file: string) => path.relative(PROJECT_ROOT, file);
const parse = (file: string) =>
  ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);

/** The components/ modules a file imports (type-only imports included), as absolute paths without extension. */
function localImports(file: string): string[] {
  const imports: string[] = [];
  parse(file).forEachChild((node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const spec = node.moduleSpecifier.text;
      if (spec.startsWith(".")) {
        const target = path.resolve(path.dirname(file), spec);
        imports.push(fs.existsSync(`${target}.ts`) ? target : path.join(target, "index"));
      }
    }
  });
  return imports;
}

describe("code conventions", () => {
  it("documents every field of every component's args, and the default of every optional one", () => {
    const missing: string[] = [];
    for (const file of files) {
      parse(file).forEachChild((node) => {
        if (!ts.isInterfaceDeclaration(node) || !node.name.text.endsWith("Args")) {
          return;
        }
        for (const member of node.members) {
          const doc = ts
            .getJSDocCommentsAndTags(member)
            .map((d) => d.getText())
            .join(" ");
          const optional = ts.isPropertySignature(member) && member.questionToken !== undefined;
          const name = `${relative(file)} ${node.name.text}.${member.name?.getText() ?? "?"}`;
          if (!doc) {
            missing.push(`${name}: no JSDoc`);
          } else if (optional && !/default/i.test(doc)) {
            missing.push(`${name}: optional, but its JSDoc names no default`);
          }
        }
      });
    }
    assert.deepStrictEqual(missing, []);
  });

  it("reads the engine's config in the config loader only", () => {
    const readers = files.filter((file) =>
      /new pulumi\.Config\(|pulumi\.runtime\.allConfig\(/.test(fs.readFileSync(file, "utf8")),
    );
    assert.deepStrictEqual(readers.map(relative), ["components/config/load.ts"]);
  });

  it("hands the whole configuration to the platform only; components take their own settings", () => {
    const readers = files
      .filter((file) => !relative(file).startsWith("components/config/"))
      .filter((file) => /\bPlatformConfig\b/.test(fs.readFileSync(file, "utf8")));
    // The platform's assembly: the component, its pure derivations, and the Flink workloads it registers.
    assert.deepStrictEqual(readers.map(relative), [
      "components/flinkWorkloads.ts",
      "components/platform.ts",
      "components/platformArgs.ts",
    ]);
  });

  it("has no import circle among the modules of components/", () => {
    const graph = new Map(files.map((file) => [file.slice(0, -3), localImports(file)]));
    const circles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const visit = (node: string, trail: string[]) => {
      if (state.get(node) === "done") {
        return;
      }
      if (state.get(node) === "open") {
        const loop = [...trail.slice(trail.indexOf(node)), node];
        circles.push(loop.map((n) => path.relative(COMPONENTS, n)).join(" -> "));
        return;
      }
      state.set(node, "open");
      for (const next of graph.get(node) ?? []) {
        visit(next, [...trail, node]);
      }
      state.set(node, "done");
    };
    for (const node of graph.keys()) {
      visit(node, []);
    }
    assert.deepStrictEqual(circles, []);
  });
});
