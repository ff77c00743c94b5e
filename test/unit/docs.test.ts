/**
 * The generated docs match the code: the configuration reference lists every key with its type, default and
 * description, the stack-file schema takes the stack files, and the monitoring tables show the shipped rules.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv/dist/2020";
import YAML from "yaml";
import { configInputSchema, referenceRows, stackFileSchema } from "../../stacks/shared/configReference";
import { generatedDocs } from "../../stacks/shared/generatedDocs";
import { PROJECT_ROOT, stackNames } from "../../stacks/shared/stackFiles";

describe("generated docs", () => {
  it("are up to date (npm run docs writes them)", async () => {
    for (const [file, expected] of Object.entries(await generatedDocs())) {
      const actual = fs.existsSync(path.join(PROJECT_ROOT, file))
        ? fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8")
        : "";
      assert.ok(actual === expected, `${file} is out of date: run \`npm run docs\``);
    }
  });

  it("describe every key and give an example of it", () => {
    const rows = Object.entries(configInputSchema().properties ?? {}).flatMap(([area, node]) =>
      referenceRows(node, area),
    );
    assert.deepStrictEqual(
      rows.filter((row) => !row.description).map((row) => row.key),
      [],
      "no description",
    );
    assert.deepStrictEqual(
      rows.filter((row) => row.example === undefined).map((row) => row.key),
      [],
      "no example",
    );
  });

  it("give editors a schema that takes every stack file and catches a misspelled key", () => {
    const validate = new Ajv({ strict: false }).compile(stackFileSchema());
    for (const stack of stackNames()) {
      const doc = YAML.parse(
        fs.readFileSync(path.join(PROJECT_ROOT, `Pulumi.${stack}.yaml`), "utf8"),
      ) as unknown;
      assert.ok(validate(doc), `${stack}: ${JSON.stringify(validate.errors)}`);
    }
    assert.strictEqual(validate({ config: { "flink-platform:operator": { webhoook: true } } }), false);
  });
});
