/**
 * Rules every pod the platform runs must follow, checked on every object of every stack file: requests never above
 * limits, a restricted security context, Secret volumes read-only and readable by the owner (and group) only, no
 * Secret value in a command line or a plain environment value, and no list entry twice under its merge key (the API
 * server refuses a server-side apply with two `env` entries of one name).
 */
import * as assert from "assert";
import { parseConfig } from "../../../components/config/parse";
import { readStackConfig, stackNames } from "../../../stacks/shared/stackFiles";
import {
  GENERATED_SECRET_PREFIX,
  RecordedResource,
  renderPlatform,
  unwrapSecrets,
} from "../../support/mocks";
import { containersOf, ownContainersOf, Pod, podsOf, requestAboveLimit } from "../../support/pods";

/** The credentials in the Secrets the stack creates: generated values, and values of keys that name a secret. */
function secretValues(resources: readonly RecordedResource[]): string[] {
  return resources
    .filter((r) => r.type === "kubernetes:core/v1:Secret")
    .flatMap((r) => Object.entries(unwrapSecrets(r.inputs.stringData ?? {}) as Record<string, unknown>))
    .filter(
      ([key, value]) =>
        typeof value === "string" &&
        (value.startsWith(GENERATED_SECRET_PREFIX) || (/password|secret/i.test(key) && value.length > 0)),
    )
    .map(([, value]) => value as string);
}

/** The stack files, and one stack that runs every managed part no stack file runs (MinIO, ZooKeeper, Hive on S3). */
const configurations: [string, Record<string, unknown>][] = [
  ...stackNames().map((stack): [string, Record<string, unknown>] => [
    `Pulumi.${stack}.yaml`,
    readStackConfig(stack),
  ]),
  [
    "every managed part",
    {
      storage: { type: "s3" },
      ha: { type: "zookeeper" },
      hive: { enabled: true, warehouse: { store: "s3" } },
      // An S3 warehouse needs a Flink image with hadoop-aws, so the platform fetches no jars.
      platform: { artifacts: { fetchJars: false } },
      flink: { clusters: { a: {}, b: { namespace: "team-b" } } },
    },
  ],
];

for (const [title, raw] of configurations) {
  describe(`pod rules (${title})`, () => {
    let resources: RecordedResource[];
    let pods: Pod[];
    before(async () => {
      ({ resources } = await renderPlatform(parseConfig(raw)));
      pods = podsOf(resources);
      assert.ok(pods.length > 3, "the stack renders pods");
    });

    it("never requests more than the limit", () => {
      const problems = pods.flatMap((pod) =>
        containersOf(pod).flatMap((c) =>
          requestAboveLimit(c.resources).map((p) => `${pod.owner} ${c.name}: ${p}`),
        ),
      );
      assert.deepStrictEqual(problems, []);
    });

    it("runs every container without privilege escalation and with all capabilities dropped", () => {
      const problems = pods.flatMap((pod) =>
        ownContainersOf(pod)
          .filter((c) => c.securityContext?.allowPrivilegeEscalation !== false)
          .map((c) => `${pod.owner} ${c.name}`)
          .concat(
            ownContainersOf(pod)
              .filter((c) => !(c.securityContext?.capabilities?.drop ?? []).includes("ALL"))
              .map((c) => `${pod.owner} ${c.name}: capabilities`),
          ),
      );
      assert.deepStrictEqual(problems, []);
    });

    it("mounts Secret volumes read-only, readable by owner and group only", () => {
      const problems: string[] = [];
      for (const pod of pods) {
        const secretVolumes = (pod.spec.volumes ?? []).filter((v: any) => v.secret || v.projected);
        for (const volume of secretVolumes) {
          const mode = volume.secret?.defaultMode ?? volume.projected?.defaultMode;
          if (volume.secret && (mode === undefined || (mode & 0o037) !== 0)) {
            problems.push(
              `${pod.owner} volume ${volume.name}: defaultMode ${mode?.toString(8) ?? "unset (0644)"}`,
            );
          }
          for (const c of containersOf(pod)) {
            for (const mount of c.volumeMounts ?? []) {
              if (mount.name === volume.name && mount.readOnly !== true) {
                problems.push(`${pod.owner} ${c.name}: ${volume.name} mounted writable`);
              }
            }
          }
        }
      }
      assert.deepStrictEqual(problems, []);
    });

    it("names no environment variable, port, volume mount, volume or container twice", () => {
      const twice = (owner: string, list: any[] | undefined, key: string) => {
        const names = (list ?? []).map((entry) => entry[key]);
        return names.filter((n, i) => names.indexOf(n) !== i).map((n) => `${owner}: ${key} ${n} twice`);
      };
      const problems = pods.flatMap((pod) => [
        ...twice(pod.owner, pod.spec.volumes, "name"),
        ...twice(pod.owner, containersOf(pod), "name"),
        ...containersOf(pod).flatMap((c) => [
          ...twice(`${pod.owner} ${c.name} env`, c.env, "name"),
          ...twice(`${pod.owner} ${c.name} ports`, c.ports, "containerPort"),
          ...twice(`${pod.owner} ${c.name} volumeMounts`, c.volumeMounts, "mountPath"),
        ]),
      ]);
      assert.deepStrictEqual(problems, []);
    });

    it("puts no Secret value on a command line or in a plain environment value", () => {
      const values = secretValues(resources);
      assert.ok(values.length > 0, "the stack has generated Secrets to look for");
      const problems: string[] = [];
      for (const pod of pods) {
        for (const c of containersOf(pod)) {
          const exposed = JSON.stringify([c.command, c.args, (c.env ?? []).map((e: any) => e.value)]);
          for (const value of values) {
            if (exposed.includes(value)) {
              problems.push(`${pod.owner} ${c.name}`);
            }
          }
        }
      }
      assert.deepStrictEqual(problems, []);
    });
  });
}
