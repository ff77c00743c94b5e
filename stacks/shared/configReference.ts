/**
 * The configuration reference and the stack-file JSON Schema, generated from the program's own zod schema (so they
 * can never miss a key or show a stale default): `npm run docs` writes them to docs/, and a unit test fails while
 * the files and the schema differ.
 */
import { z } from "zod";
import { PROJECT } from "../../components/config/problems";
import { AREAS, configSchema, SECRET_CONFIG_KEYS } from "../../components/config/schema";

/** A JSON Schema node, as zod writes it. */
export interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  examples?: unknown[];
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  minimum?: number;
  maximum?: number;
  format?: string;
  anyOf?: JsonSchema[];
  [key: string]: unknown;
}

/** The JSON Schema of what a stack may set, per area, in the forms it accepts (zod's input side). */
export function configInputSchema(): JsonSchema {
  return z.toJSONSchema(configSchema, {
    io: "input",
    unrepresentable: "any",
    // zod writes a description but drops examples on some wrappers (a preprocessed value): copy them from the meta.
    override: ({ zodSchema, jsonSchema }) => {
      const examples = z.globalRegistry.get(zodSchema)?.examples;
      if (examples !== undefined && jsonSchema.examples === undefined) {
        jsonSchema.examples = examples as unknown[];
      }
    },
  }) as JsonSchema;
}

/** What the secret config keys hold, for the reference and the schema. */
const SECRET_KEY_DESCRIPTIONS: Readonly<Record<string, string>> = {
  s3AccessKey: "access key of an external S3 store (storage.s3.mode external, without credentialsSecret)",
  s3SecretKey: "secret key of an external S3 store (storage.s3.mode external, without credentialsSecret)",
  mysqlAdminPassword:
    "password of the external MySQL server's administrative account (mysql.external.username)",
};

/**
 * A JSON Schema of `Pulumi.<stack>.yaml` for editors (YAML language servers): this project's config keys with
 * their areas' schemas; other keys (another provider's) are left open.
 */
export function stackFileSchema(): Record<string, unknown> {
  const areas = configInputSchema().properties ?? {};
  const properties: Record<string, unknown> = {};
  for (const area of AREAS) {
    properties[`${PROJECT}:${area}`] = areas[area];
  }
  for (const key of SECRET_CONFIG_KEYS) {
    properties[`${PROJECT}:${key}`] = {
      description: `${SECRET_KEY_DESCRIPTIONS[key] ?? key}; set it with pulumi config set --secret ${key}`,
      type: "object",
      properties: { secure: { type: "string" } },
      required: ["secure"],
    };
  }
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: `${PROJECT} stack file (Pulumi.<stack>.yaml)`,
    type: "object",
    properties: {
      config: { type: "object", properties, additionalProperties: true },
      secretsprovider: { type: "string" },
      encryptedkey: { type: "string" },
      encryptionsalt: { type: "string" },
    },
  };
}

/** One row of the reference: a settable key. */
export interface ReferenceRow {
  readonly key: string;
  readonly type: string;
  readonly default?: unknown;
  readonly description?: string;
  readonly example?: unknown;
}

function typeText(node: JsonSchema): string {
  if (node.enum) {
    return node.enum.map((v) => JSON.stringify(v)).join(" or ");
  }
  if (node.anyOf) {
    return node.anyOf.map(typeText).join(" or ");
  }
  const types = Array.isArray(node.type) ? node.type : node.type ? [node.type] : ["any"];
  const text = types.map((t) => (t === "object" ? "map" : t)).join(" or ");
  if (node.format === "uri") {
    return "URL";
  }
  if (node.minimum !== undefined && node.maximum !== undefined && node.maximum < Number.MAX_SAFE_INTEGER) {
    return `${text}, ${node.minimum} to ${node.maximum}`;
  }
  return text;
}

const isObject = (node: JsonSchema) => node.properties !== undefined;
const isRecordOfObjects = (node: JsonSchema) =>
  typeof node.additionalProperties === "object" && node.additionalProperties.properties !== undefined;

/** The settable keys below a node, depth first; a map of objects (clusters) is shown once, as `<name>`. */
export function referenceRows(node: JsonSchema, path: string): ReferenceRow[] {
  if (isObject(node)) {
    return Object.entries(node.properties ?? {}).flatMap(([key, child]) =>
      referenceRows(child, `${path}.${key}`),
    );
  }
  if (isRecordOfObjects(node)) {
    return referenceRows(node.additionalProperties as JsonSchema, `${path}.<name>`);
  }
  const empty = (v: unknown) => v && typeof v === "object" && Object.keys(v).length === 0;
  return [
    {
      key: path,
      type: typeText(node),
      ...(node.default !== undefined && !empty(node.default) ? { default: node.default } : {}),
      ...(node.description ? { description: node.description } : {}),
      example:
        node.examples?.[0] ?? (node.default !== undefined && !empty(node.default) ? node.default : undefined),
    },
  ];
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
const code = (value: unknown) => (value === undefined ? "" : `\`${cell(JSON.stringify(value))}\``);

/** The example of a row when it says more than its default. */
const exampleBeyondDefault = (row: ReferenceRow) =>
  JSON.stringify(row.example) === JSON.stringify(row.default) ? undefined : row.example;

/** The configuration reference as markdown (before Prettier formats it). */
export function configReferenceMarkdown(): string {
  const areas = configInputSchema().properties ?? {};
  const lines = [
    "# Configuration reference",
    "",
    "<!-- Generated by `npm run docs` from the program's schema (components/config/schema.ts); do not edit. -->",
    "",
    `Every key of the stack configuration: one structured object per area, \`${PROJECT}:<area>\` in a`,
    "`Pulumi.<stack>.yaml`. Set a key with `pulumi config set --path <area>.<key> <value>` (numbers, booleans and",
    "numeric strings are all taken where they mean the same thing), or edit the stack file; an editor that reads",
    "[stack-config.schema.json](stack-config.schema.json) checks the file as you type. Invalid configuration stops",
    "before anything is deployed, with every problem listed by key.",
    "",
  ];
  for (const area of AREAS) {
    const node = areas[area];
    lines.push(
      `## \`${area}\``,
      "",
      node.description ? `${node.description[0].toUpperCase()}${node.description.slice(1)}.` : "",
      "",
    );
    lines.push("| key | type | default | example | description |", "| --- | --- | --- | --- | --- |");
    for (const row of referenceRows(node, area)) {
      lines.push(
        `| \`${row.key}\` | ${cell(row.type)} | ${code(row.default)} | ${code(exampleBeyondDefault(row))} | ${cell(row.description ?? "")} |`,
      );
    }
    lines.push("");
  }
  lines.push(
    "## Secret config keys",
    "",
    "Credentials never go into the areas above: set them with `pulumi config set --secret <key> <value>`.",
    "",
    "| key | holds |",
    "| --- | --- |",
    ...SECRET_CONFIG_KEYS.map((key) => `| \`${key}\` | ${cell(SECRET_KEY_DESCRIPTIONS[key] ?? "")} |`),
    "",
  );
  return lines.join("\n");
}
