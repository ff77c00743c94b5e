/**
 * A stack file rendered by the platform's own code, as the objects a cluster would receive, for the real-Flink
 * suite. Pulumi's mocks stand in for the engine (no resource is created anywhere); a generated password is a real
 * random string of the length the platform asks for, since real servers (MinIO, MariaDB) check those values.
 *
 * This module sets the Pulumi mocks of its process: the suite's mocha run must not also load test/support/mocks.ts.
 */
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { parseConfig } from "../../../components/config/parse";
import { PROJECT } from "../../../components/config/problems";
import { loadSecrets } from "../../../components/config/load";
import { FlinkPlatform } from "../../../components/platform";
import { readStackConfig } from "../../../stacks/shared/stackFiles";

/** A Kubernetes object the platform rendered: its kind, namespace, name and all its inputs. */
export interface RenderedObject {
  readonly type: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly inputs: Record<string, any>;
}

const HELM_CHART = "kubernetes:helm.sh/v4:Chart";

const registered: { type: string; inputs: Record<string, any> }[] = [];

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** What random.RandomPassword would give for these inputs (alphanumeric: the platform never asks for specials). */
function randomPassword(inputs: Record<string, any>): string {
  const length = Number(inputs.length ?? 16);
  const bytes = crypto.randomBytes(length);
  return [...bytes].map((b) => ALPHANUMERIC[b % ALPHANUMERIC.length]).join("");
}

void pulumi.runtime.setMocks(
  {
    newResource(args: pulumi.runtime.MockResourceArgs) {
      registered.push({ type: args.type, inputs: args.inputs });
      const state = { ...args.inputs };
      if (args.type === "random:index/randomPassword:RandomPassword") {
        state.result = randomPassword(args.inputs);
      }
      return { id: `${args.name}-id`, state };
    },
    call(args: pulumi.runtime.MockCallArgs) {
      return args.inputs;
    },
  },
  PROJECT,
  "real-flink",
  false,
);

/** The special key with which the SDK marks a serialized secret value. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

function plain(value: any): any {
  if (Array.isArray(value)) {
    return value.map(plain);
  }
  if (value && typeof value === "object") {
    if (SECRET_SIG in value) {
      return plain(value.value);
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

async function settled(): Promise<void> {
  let last = -1;
  let quiet = 0;
  while (quiet < 5) {
    await new Promise((resolve) => setTimeout(resolve, 2));
    quiet = registered.length === last ? quiet + 1 : 0;
    last = registered.length;
  }
}

let counter = 0;

/** `overrides` merged into a stack's config key by key (objects recursively, anything else replaced). */
export function mergeConfig(
  base: Record<string, unknown>,
  overrides: Record<string, unknown>,
): Record<string, unknown> {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    result[key] = isObject(value) && isObject(result[key]) ? mergeConfig(result[key], value) : value;
  }
  return result;
}

/** Every Kubernetes object a stack file renders with `overrides` merged in (and the operator's Helm chart, kind "Chart",
 * with its values), secrets as plain values. */
export async function renderStack(
  stack: string,
  overrides: Record<string, unknown> = {},
): Promise<RenderedObject[]> {
  registered.length = 0;
  const raw = mergeConfig(readStackConfig(stack), overrides);
  const platform = new FlinkPlatform(`${stack}${counter++}`, {
    config: parseConfig(raw),
    secrets: loadSecrets(),
  });
  await new Promise((resolve) => platform.urn.apply(resolve));
  await settled();
  return registered
    .filter((r) => r.type.startsWith("kubernetes:") && (r.inputs.kind || r.type === HELM_CHART))
    .map((r) => {
      const inputs = plain(r.inputs);
      return {
        type: r.type,
        kind: inputs.kind ?? "Chart",
        namespace: inputs.metadata?.namespace ?? inputs.namespace ?? "",
        name: inputs.metadata?.name ?? inputs.chart ?? "",
        inputs,
      };
    });
}

/** The rendered objects of one stack, found by kind and name. */
export class StackObjects {
  private readonly made: RenderedObject[] = [];

  constructor(private readonly rendered: readonly RenderedObject[]) {}

  /** What the platform rendered, then what the suite made as a user would beforehand (addSecret). */
  get objects(): readonly RenderedObject[] {
    return [...this.rendered, ...this.made];
  }

  /** A Secret the user creates beforehand (an external store's credentials); merged into one of that name. */
  addSecret(namespace: string, name: string, stringData: Record<string, string>): void {
    const existing = this.made.find(
      (o) => o.kind === "Secret" && o.namespace === namespace && o.name === name,
    );
    if (existing) {
      Object.assign(existing.inputs.stringData, stringData);
      return;
    }
    this.made.push({
      type: "kubernetes:core/v1:Secret",
      kind: "Secret",
      namespace,
      name,
      inputs: { kind: "Secret", metadata: { namespace, name }, stringData: { ...stringData } },
    });
  }

  all(kind: string): RenderedObject[] {
    return this.objects.filter((o) => o.kind === kind);
  }

  get(kind: string, namespace: string, name: string): RenderedObject {
    const found = this.objects.find((o) => o.kind === kind && o.namespace === namespace && o.name === name);
    if (!found) {
      throw new Error(`the stack renders no ${kind} ${namespace}/${name}`);
    }
    return found;
  }

  /** ConfigMap and Secret data of a namespace, as a local pod reads them. */
  namespaceData(namespace: string) {
    const configMaps = new Map<string, Record<string, string>>();
    const secrets = new Map<string, Record<string, string>>();
    for (const o of this.objects) {
      if (o.namespace !== namespace) {
        continue;
      }
      if (o.kind === "ConfigMap") {
        configMaps.set(o.name, { ...(o.inputs.data ?? {}) });
      } else if (o.kind === "Secret") {
        const data = Object.fromEntries(
          Object.entries((o.inputs.data ?? {}) as Record<string, string>).map(([k, v]) => [
            k,
            Buffer.from(v, "base64").toString("utf8"),
          ]),
        );
        secrets.set(o.name, { ...data, ...(o.inputs.stringData ?? {}) });
      }
    }
    return { configMaps, secrets };
  }

  /** Every in-cluster name of every Service (`svc`, `svc.ns`, `svc.ns.svc`, `svc.ns.svc.cluster.local`). */
  serviceNames(): string[] {
    return this.all("Service").flatMap((s) => [
      s.name,
      `${s.name}.${s.namespace}`,
      `${s.name}.${s.namespace}.svc`,
      `${s.name}.${s.namespace}.svc.cluster.local`,
    ]);
  }
}
