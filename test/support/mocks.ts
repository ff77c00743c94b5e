/**
 * Pulumi mocks for the unit suites: every registered resource is recorded, and a helper builds the platform from
 * raw config and waits until all registrations have arrived.
 */
import * as pulumi from "@pulumi/pulumi";
import { parseConfig } from "../../components/config/parse";
import { PlatformConfig } from "../../components/config/schema";
import { PROJECT } from "../../components/config/problems";
import { loadSecrets } from "../../components/config/load";
import { FlinkPlatform } from "../../components/platform";

export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>;
  readonly custom: boolean;
}

export const recorded: RecordedResource[] = [];

/** Every generated password under mocks starts with this marker. */
export const GENERATED_SECRET_PREFIX = "mock-generated-secret-";
let generated = 0;

/**
 * Places where a generated password appears outside a Kubernetes Secret: "type name" of each offending resource.
 * Secrets may hold it; nothing else may (ConfigMaps, FlinkDeployments, chart values, pod specs, components' args).
 */
export function leakedSecrets(resources: readonly RecordedResource[]): string[] {
  return resources
    .filter((r) => r.type !== "kubernetes:core/v1:Secret")
    .filter((r) => JSON.stringify(r.inputs).includes(GENERATED_SECRET_PREFIX))
    .map((r) => `${r.type} ${r.name}`);
}

void pulumi.runtime.setMocks(
  {
    newResource(args: pulumi.runtime.MockResourceArgs) {
      recorded.push({ type: args.type, name: args.name, inputs: args.inputs, custom: args.custom ?? true });
      const state = { ...args.inputs };
      if (args.type === "random:index/randomPassword:RandomPassword") {
        // A recognisable value, so the secret scan can find it wherever it would leak.
        state.result = `${GENERATED_SECRET_PREFIX}${args.name}-${++generated}`;
      }
      return { id: `${args.name}-id`, state };
    },
    call(args: pulumi.runtime.MockCallArgs) {
      return args.inputs;
    },
  },
  PROJECT,
  "unit",
  false,
);

/** Resolve an output's value in a test. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

/** Wait until no new resource has been registered for a few turns of the event loop. */
export async function settled(): Promise<void> {
  let last = -1;
  let quiet = 0;
  while (quiet < 5) {
    await new Promise((resolve) => setTimeout(resolve, 2));
    quiet = recorded.length === last ? quiet + 1 : 0;
    last = recorded.length;
  }
}

let counter = 0;

/**
 * Build the platform from validated config under a unique name and return what it registered. Secret config keys
 * are read as the program reads them (set them with `pulumi.runtime.setAllConfig`).
 */
export async function renderPlatform(config: PlatformConfig): Promise<{
  platform: FlinkPlatform;
  resources: RecordedResource[];
}> {
  recorded.length = 0;
  const platform = new FlinkPlatform(`p${counter++}`, { config, secrets: loadSecrets() });
  await valueOf(platform.urn);
  await settled();
  return { platform, resources: [...recorded] };
}

/** Build the platform from raw config (area name to value). */
export function renderRaw(raw: Record<string, unknown>) {
  return renderPlatform(parseConfig(raw));
}

export function ofType(resources: readonly RecordedResource[], type: string): RecordedResource[] {
  return resources.filter((r) => r.type === type);
}

export const FLINK_DEPLOYMENT = "kubernetes:flink.apache.org/v1beta1:FlinkDeployment";
export const CHART = "kubernetes:helm.sh/v4:Chart";

/** Build the platform's stores alone: StreamPark (and the MySQL it needs) stays off unless `raw` turns it on. */
export function renderStores(raw: Record<string, unknown>) {
  return renderRaw({ streampark: { enabled: false }, ...raw });
}

/** The Flink configuration of the n-th FlinkDeployment registered. */
export function flinkConfigurationOf(resources: readonly RecordedResource[], n = 0): Record<string, string> {
  return ofType(resources, FLINK_DEPLOYMENT)[n].inputs.spec.flinkConfiguration;
}

/** The special key with which the SDK marks a serialized secret value ({ [SECRET_SIG]: SECRET_VALUE, value }). */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** Replace every serialized secret in recorded inputs by its plain value (mocks record them wrapped). */
export function unwrapSecrets(value: any): any {
  if (Array.isArray(value)) {
    return value.map(unwrapSecrets);
  }
  if (value && typeof value === "object") {
    if (SECRET_SIG in value) {
      return unwrapSecrets(value.value);
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}
