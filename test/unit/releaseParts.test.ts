import * as assert from "assert";
import { EngineEvent } from "@pulumi/pulumi/automation";
import { parseConfig } from "../../components/config";
import {
  candidateValues,
  cliPathValue,
  cliType,
  parsePropertyPath,
  parseSetting,
  resolveSetting,
  SettingError,
  settingProblems,
  withOpaqueSecrets,
  withValue,
} from "../../stacks/configSettings";
import { EngineEventCollector, plainText } from "../../stacks/engineEvents";
import { isStatefulType, patternMatches, statefulFindings } from "../../stacks/gates";
import { smokeChecks } from "../../stacks/smokeChecks";
import { outputsFor, urn } from "../support/fakeStackDriver";

let sequence = 0;
function pre(op: string, type: string, name: string, extra: Record<string, unknown> = {}): EngineEvent {
  return {
    sequence: sequence++,
    timestamp: 0,
    resourcePreEvent: { metadata: { op, urn: urn("dev", type, name), type, provider: "", ...extra } },
  } as EngineEvent;
}

function diagnostic(severity: string, message: string, extra: Record<string, unknown> = {}): EngineEvent {
  return {
    sequence: sequence++,
    timestamp: 0,
    diagnosticEvent: { severity, message, color: "never", ...extra },
  } as EngineEvent;
}

describe("engine events", () => {
  const STS = "kubernetes:apps/v1:StatefulSet";
  const CM = "kubernetes:core/v1:ConfigMap";

  it("folds the steps of a replacement into one replace per URN, with the properties that force it", () => {
    const events = new EngineEventCollector();
    [
      pre("same", "kubernetes:core/v1:Service", "mysql"),
      pre("create-replacement", STS, "zookeeper", { keys: ["spec.volumeClaimTemplates"], diffs: ["spec"] }),
      pre("replace", STS, "zookeeper", { keys: ["spec.volumeClaimTemplates"] }),
      pre("delete-replaced", STS, "zookeeper", { old: { retainOnDelete: false } }),
      pre("update", CM, "flink-config", { diffs: ["data"] }),
      pre("delete", "kubernetes:core/v1:PersistentVolumeClaim", "old", { old: { retainOnDelete: true } }),
      pre("create", CM, "dashboards"),
    ].forEach(events.add);
    const result = events.result();
    assert.deepStrictEqual(result.changes, [
      {
        urn: urn("dev", STS, "zookeeper"),
        type: STS,
        op: "replace",
        replaceKeys: ["spec.volumeClaimTemplates"],
        diffs: ["spec"],
      },
      { urn: urn("dev", CM, "flink-config"), type: CM, op: "update", diffs: ["data"] },
      {
        urn: urn("dev", "kubernetes:core/v1:PersistentVolumeClaim", "old"),
        type: "kubernetes:core/v1:PersistentVolumeClaim",
        op: "delete",
        retainOnDelete: true,
      },
      { urn: urn("dev", CM, "dashboards"), type: CM, op: "create" },
    ]);
    assert.deepStrictEqual(result.counts, { create: 1, update: 1, replace: 1, delete: 1, same: 1 });
  });

  it("prefers the command's change summary for the counts", () => {
    const events = new EngineEventCollector();
    events.add(pre("create", CM, "a"));
    assert.deepStrictEqual(events.result({ create: 3, same: 40, replace: 1 }).counts, {
      create: 3,
      update: 0,
      replace: 1,
      delete: 0,
      same: 40,
    });
    events.add({
      sequence: 99,
      timestamp: 0,
      summaryEvent: { resourceChanges: { update: 2 } },
    } as EngineEvent);
    assert.strictEqual(events.result().counts.update, 2);
  });

  it("keeps warnings and errors once each, without colour codes, and drops info and ephemeral messages", () => {
    const events = new EngineEventCollector();
    [
      diagnostic("info", "Downloading plugin"),
      diagnostic("warning", "\u001b[33mhelm chart\u001b[0m is <{%bold%}>deprecated<{%reset%}>\n"),
      diagnostic("warning", "helm chart is deprecated"),
      diagnostic("error", "update failed", { urn: urn("dev", STS, "zookeeper") }),
      diagnostic("error", "retrying", { ephemeral: true }),
      diagnostic("info#err", "stderr chatter"),
    ].forEach(events.add);
    events.add({
      sequence: 1,
      timestamp: 0,
      policyEvent: {
        message: "no privileged pods",
        color: "never",
        policyName: "no-privileged",
        policyPackName: "platform",
        policyPackVersion: "1",
        policyPackVersionTag: "1",
        enforcementLevel: "mandatory",
        resourceUrn: urn("dev", STS, "zookeeper"),
      },
    });
    events.add({
      sequence: 2,
      timestamp: 0,
      resOpFailedEvent: {
        metadata: { op: "update", urn: urn("dev", CM, "x"), type: CM, provider: "" },
        status: 1,
        steps: 1,
      },
    });
    assert.deepStrictEqual(events.result().diagnostics, [
      { severity: "warning", message: "helm chart is deprecated" },
      { severity: "error", message: "update failed", urn: urn("dev", STS, "zookeeper") },
      {
        severity: "error",
        message: "policy platform/no-privileged: no privileged pods",
        urn: urn("dev", STS, "zookeeper"),
      },
      { severity: "error", message: "update failed", urn: urn("dev", CM, "x") },
    ]);
    assert.strictEqual(plainText("\u001b[1;31mred\u001b[0m  "), "red");
  });
});

describe("gates", () => {
  it("knows the stateful kinds on any API version", () => {
    assert.ok(isStatefulType("kubernetes:core/v1:PersistentVolumeClaim"));
    assert.ok(isStatefulType("kubernetes:apps/v1:StatefulSet"));
    assert.ok(isStatefulType("kubernetes:apiextensions.k8s.io/v1beta1:CustomResourceDefinition"));
    assert.ok(isStatefulType("kubernetes:core/v1:Namespace"));
    assert.ok(!isStatefulType("kubernetes:core/v1:PersistentVolumeClaimPatch"));
    assert.ok(!isStatefulType("kubernetes:apps/v1:Deployment"));
    assert.ok(!isStatefulType("flink-platform:index:StatefulSet"));
  });

  it("matches patterns against the type or the URN, * as wildcard, everything else literal", () => {
    const pvc = {
      type: "kubernetes:core/v1:PersistentVolumeClaim",
      urn: "urn:pulumi:prod::flink-platform::kubernetes:core/v1:PersistentVolumeClaim::flink-mysql-data",
    };
    assert.ok(patternMatches("kubernetes:core/v1:PersistentVolumeClaim", pvc));
    assert.ok(patternMatches("*PersistentVolumeClaim", pvc));
    assert.ok(patternMatches("urn:pulumi:prod::*::flink-mysql-*", pvc));
    assert.ok(!patternMatches("urn:pulumi:staging::*", pvc));
    assert.ok(!patternMatches("kubernetes:core/v1:PersistentVolumeClaim.", pvc));
    assert.ok(!patternMatches("PersistentVolumeClaim", pvc));
    // Regex characters are literal.
    assert.ok(!patternMatches("kubernetes:core.v1:PersistentVolumeClaim", pvc));
  });

  it("lists stateful replaces and deletes with what allowed them", () => {
    const changes = [
      { urn: "u1", type: "kubernetes:core/v1:Namespace", op: "delete", retainOnDelete: true },
      { urn: "u2", type: "kubernetes:apps/v1:StatefulSet", op: "replace", replaceKeys: ["spec.serviceName"] },
      { urn: "u3", type: "kubernetes:apps/v1:StatefulSet", op: "update" },
    ];
    assert.deepStrictEqual(statefulFindings(changes, ["kubernetes:core/v1:Namespace"]), [
      {
        urn: "u1",
        type: "kubernetes:core/v1:Namespace",
        op: "delete",
        retainOnDelete: true,
        allowedBy: "kubernetes:core/v1:Namespace",
      },
      { urn: "u2", type: "kubernetes:apps/v1:StatefulSet", op: "replace", replaceKeys: ["spec.serviceName"] },
    ]);
  });
});

describe("--set values", () => {
  it("parses Pulumi property paths", () => {
    assert.deepStrictEqual(parsePropertyPath("flink.clusters.session.taskManager.slots"), [
      "flink",
      "clusters",
      "session",
      "taskManager",
      "slots",
    ]);
    assert.deepStrictEqual(
      parsePropertyPath('flink.clusters.session.flinkConfiguration["state.backend.type"]'),
      ["flink", "clusters", "session", "flinkConfiguration", "state.backend.type"],
    );
    assert.deepStrictEqual(parsePropertyPath('a[0].b["c"][2]'), ["a", 0, "b", "c", 2]);
    for (const bad of ["a..b", "a.", ".a", 'a["b', "a[x]", "a[0]b", ""]) {
      assert.throws(() => parsePropertyPath(bad), SettingError, bad);
    }
  });

  it("parses path=value and refuses what is not a key of this project's areas", () => {
    assert.deepStrictEqual(parseSetting("flink.version=1.20"), {
      path: "flink.version",
      segments: ["flink", "version"],
      raw: "1.20",
    });
    assert.deepStrictEqual(parseSetting("flink-platform:ha.type=off=on").raw, "off=on");
    assert.strictEqual(parseSetting("flink.clusters.session.flinkConfiguration.x=").raw, "");
    assert.throws(() => parseSetting("flink.version"), /expected path=value/);
    assert.throws(() => parseSetting("kubernetes:context=prod"), /only flink-platform keys can be set/);
    assert.throws(
      () => parseSetting("flnk.version=1.20"),
      /'flnk' is not a config area; the areas are platform, kubernetes/,
    );
    assert.throws(() => parseSetting("flink=1.20"), /name a key inside the area/);
  });

  it("reads values the way `pulumi config set --path` stores them", () => {
    assert.strictEqual(cliPathValue("true"), true);
    assert.strictEqual(cliPathValue("false"), false);
    assert.strictEqual(cliPathValue("True"), "True");
    assert.strictEqual(cliPathValue("4"), 4);
    assert.strictEqual(cliPathValue("-3"), -3);
    assert.strictEqual(cliPathValue("0"), 0);
    assert.strictEqual(cliPathValue("0123"), "0123");
    assert.strictEqual(cliPathValue("1.20"), "1.20");
    assert.strictEqual(cliPathValue("0.5"), "0.5");
    assert.strictEqual(cliPathValue("2048m"), "2048m");
    assert.deepStrictEqual(candidateValues("0.5"), ["0.5", 0.5]);
    assert.deepStrictEqual(candidateValues("4"), [4, "4"]);
    assert.deepStrictEqual(candidateValues("x"), ["x"]);
    assert.deepStrictEqual(
      [cliType("a"), cliType(true), cliType(4), cliType(0.5)],
      ["string", "bool", "int", "float"],
    );
  });

  it("gives each value the first reading the schema accepts", () => {
    const value = (arg: string) => resolveSetting(parseSetting(arg)).value;
    assert.strictEqual(value("flink.clusters.session.taskManager.slots=4"), 4);
    assert.strictEqual(value("flink.clusters.session.jobManager.cpu=0.5"), 0.5);
    assert.strictEqual(value("flink.clusters.session.jobManager.cpu=2"), 2);
    assert.strictEqual(value("operator.resources.limits.cpu=2"), "2");
    assert.strictEqual(value("flink.version=1.20"), "1.20");
    assert.strictEqual(value("platform.createNamespaces=false"), false);
    // Refused in every reading: the CLI's reading, so the check reports the schema's complaint about it.
    assert.strictEqual(value("flink.clusters.session.taskManager.slots=many"), "many");
  });

  it("reports only the problems the values introduce", () => {
    const resolve = (arg: string) => resolveSetting(parseSetting(arg));
    // An existing problem of the stack (an unknown key) is not blamed on the values.
    const stack = { flink: { clusters: { session: { typo: 1 } } } };
    assert.deepStrictEqual(settingProblems(stack, [resolve("flink.version=2.2")]), []);
    assert.deepStrictEqual(
      settingProblems({}, [resolve("flink.version=3.0")]).map((p) => p.path),
      ["flink.version"],
    );
    assert.deepStrictEqual(
      settingProblems({ platform: { namespace: "flink" } }, [resolve("platform.namespace.name=x")]),
      [
        {
          path: "platform.namespace.name",
          message: 'cannot set platform.namespace.name: platform.namespace holds "flink", not an object',
        },
      ],
    );
    assert.deepStrictEqual(settingProblems({}, []), []);
  });

  it("reads secure values as the strings the program would see", () => {
    assert.deepStrictEqual(
      withOpaqueSecrets({ kubernetes: { kubeconfig: { secure: "v1:abc" } }, list: [{ secure: "x" }], n: 1 }),
      { kubernetes: { kubeconfig: "[secret]" }, list: ["[secret]"], n: 1 },
    );
    assert.deepStrictEqual(withOpaqueSecrets({ a: { secure: "x", other: 1 } }), {
      a: { secure: "x", other: 1 },
    });
  });

  it("sets values in a copy, creating maps on the way", () => {
    const original = { flink: { version: "1.20" } };
    const changed = withValue(original, ["flink", "clusters", "etl", "taskManager", "slots"], 4);
    assert.deepStrictEqual(changed, {
      flink: { version: "1.20", clusters: { etl: { taskManager: { slots: 4 } } } },
    });
    assert.deepStrictEqual(original, { flink: { version: "1.20" } });
  });
});

describe("smoke checks", () => {
  const config = parseConfig({
    flink: {
      clusters: {
        session: {},
        etl: {
          namespace: "etl",
          ingress: { enabled: true, host: "etl.example.com", tlsSecretName: "etl-tls" },
        },
      },
    },
  });
  const good = outputsFor({
    flink: {
      clusters: {
        session: {},
        etl: {
          namespace: "etl",
          ingress: { enabled: true, host: "etl.example.com", tlsSecretName: "etl-tls" },
        },
      },
    },
  });

  it("pass on the outputs the program exports", () => {
    assert.deepStrictEqual(smokeChecks(good, config, "1.15.0"), [
      { name: "operatorVersion", ok: true, detail: "1.15.0" },
      { name: "namespace", ok: true, detail: "flink" },
      { name: "clusters", ok: true, detail: "etl, session" },
      { name: "cluster session", ok: true, detail: "http://session-rest.flink.svc:8081" },
      { name: "cluster etl", ok: true, detail: "http://etl-rest.etl.svc:8081 https://etl.example.com/" },
    ]);
  });

  it("catch missing, malformed and unexpected outputs", () => {
    const clusters = {
      session: { namespace: "flink", restUrl: "https://session-rest.flink.svc:8081" },
      etl: {
        namespace: "etl",
        restUrl: "http://etl-rest.etl.svc:8081",
        ingressUrl: "http://etl.example.com/",
      },
      extra: { namespace: "flink", restUrl: "http://extra-rest.flink.svc:8081" },
    };
    const checks = smokeChecks(
      { namespace: { value: "flink", secret: true }, clusters: { value: clusters, secret: false } },
      config,
      "1.15.0",
    );
    assert.deepStrictEqual(checks, [
      { name: "operatorVersion", ok: false, detail: "expected 1.15.0, got missing" },
      { name: "namespace", ok: true, detail: "flink" },
      { name: "clusters", ok: false, detail: "exported [etl, extra, session], configured [etl, session]" },
      {
        name: "cluster session",
        ok: false,
        detail: 'restUrl "https://session-rest.flink.svc:8081" is not http://session-rest.flink.svc:8081',
      },
      {
        name: "cluster etl",
        ok: false,
        detail: 'ingressUrl is "http://etl.example.com/", expected https://etl.example.com/',
      },
    ]);
    const none = smokeChecks({ namespace: { value: "other", secret: true } }, config, "1.15.0");
    assert.deepStrictEqual(none.slice(1, 4), [
      { name: "namespace", ok: false, detail: "expected flink, got [secret]" },
      { name: "clusters", ok: false, detail: "clusters output is missing" },
      { name: "cluster session", ok: false, detail: "not exported" },
    ]);
  });
});
