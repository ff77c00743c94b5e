/**
 * The bootstrap Job: once the Deployment is ready, it runs bootstrap.ts against StreamPark's REST API, which replaces
 * the default admin password with the generated one and registers the Flink homes and session clusters.
 */
import * as fs from "fs";
import * as path from "path";
import type { FlinkCluster } from "../flink/clusterSchema";
import { restUrl } from "../flink/sessionCluster";
import { inputsHash } from "../kube/hash";
import { platformLabels } from "../kube/labels";
import { secretEnv } from "../kube/secrets";
import { nonRootPodSecurityContext, restrictedContainerSecurityContext } from "../kube/securityContext";
import type { BootstrapPlan } from "./bootstrap";
import { MANAGED_MARKER } from "./bootstrap";
import {
  ADMIN_SECRET,
  ADMIN_USER,
  NODE_UID,
  STREAMPARK_NAME,
  streamParkClusterName,
  streamParkUrl,
} from "./names";
import { flinkHomes } from "./pod";

/** What the bootstrap Job makes StreamPark hold. Pure, and free of secrets (it goes into a ConfigMap). */
export function bootstrapPlan(clusters: readonly FlinkCluster[]): BootstrapPlan {
  const homes = flinkHomes(clusters);
  return {
    adminUser: ADMIN_USER,
    flinkHomes: homes.map((home) => ({
      name: home.name,
      home: home.path,
      description: `${MANAGED_MARKER}: Flink ${home.version} from ${home.image}`,
    })),
    clusters: clusters.map((cluster) => ({
      name: streamParkClusterName(cluster),
      address: restUrl(cluster),
      flinkHome: `flink-${cluster.version}`,
      description: `${MANAGED_MARKER}: session cluster ${cluster.name} in namespace ${cluster.namespace}`,
    })),
  };
}

/** The bootstrap script, as the Job runs it. */
export function bootstrapScriptSource(): string {
  return fs.readFileSync(path.join(__dirname, "bootstrap.ts"), "utf8");
}

/**
 * The bootstrap Job and its ConfigMap (script and plan). Both are named after a hash of everything the run depends
 * on, so an unchanged stack keeps the finished Job (nothing runs), and any change replaces it with a new run.
 */
export function bootstrapObjects(args: {
  namespace: string;
  image: string;
  plan: BootstrapPlan;
  script: string;
}) {
  const url = streamParkUrl(args.namespace);
  const hash = inputsHash({ image: args.image, plan: args.plan, script: args.script, url });
  const name = `${STREAMPARK_NAME}-bootstrap-${hash}`;
  const labels = platformLabels("streampark-bootstrap");
  const configMap = {
    metadata: { name, namespace: args.namespace, labels },
    data: { "bootstrap.mts": args.script, "plan.json": `${JSON.stringify(args.plan, undefined, 2)}\n` },
  };
  const job = {
    metadata: { name, namespace: args.namespace, labels },
    spec: {
      backoffLimit: 3,
      activeDeadlineSeconds: 1800,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: "Never",
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: nonRootPodSecurityContext(NODE_UID),
          containers: [
            {
              name: "bootstrap",
              image: args.image,
              // Node 22.18+ runs TypeScript that only needs its types stripped; .mts makes it an ES module.
              command: ["node", "/bootstrap/bootstrap.mts"],
              env: [
                { name: "STREAMPARK_BOOTSTRAP", value: "run" },
                { name: "STREAMPARK_URL", value: url },
                { name: "BOOTSTRAP_PLAN", value: "/bootstrap/plan.json" },
                secretEnv("ADMIN_PASSWORD", { name: ADMIN_SECRET, key: "password" }),
              ],
              resources: {
                requests: { cpu: "50m", memory: "64Mi" },
                limits: { cpu: "500m", memory: "256Mi" },
              },
              securityContext: restrictedContainerSecurityContext({ readOnlyRootFilesystem: true }),
              volumeMounts: [{ name: "bootstrap", mountPath: "/bootstrap", readOnly: true }],
            },
          ],
          volumes: [{ name: "bootstrap", configMap: { name } }],
        },
      },
    },
  };
  return { configMap, job };
}
