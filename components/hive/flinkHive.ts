/**
 * What Flink on Hive adds to a session cluster's pods: the connector and Hadoop client on the classpath, the Hive
 * client configuration at the same path on JobManagers and TaskManagers, and a file catalog store seeded with the
 * Hive catalog, so SQL sees it without CREATE CATALOG. Pure.
 */
import { emptyAdditions, PodAdditions } from "../kube/podAdditions";
import { restrictedContainerSecurityContext } from "../kube/securityContext";
import { HADOOP_CLIENT_JARS } from "../state/hadoopJars";
import { HIVE_CONNECTOR_JARS } from "./jars";

/** Where JobManagers and TaskManagers find hive-site.xml. */
export const HIVE_CONF_DIR = "/opt/hive-conf";
/** The file catalog store; writable (an emptyDir), so users can still CREATE CATALOG in a session. */
export const CATALOG_STORE_DIR = "/opt/flink/catalog-store";
/** Where Flink mounts the Hadoop configuration ConfigMap (kubernetes.hadoop.conf.config-map.name). */
export const FLINK_HADOOP_CONF_DIR = "/opt/hadoop/conf";
/** Per-namespace ConfigMap with hive-site.xml and the catalog-store entry. */
export const HIVE_CLIENT_CONFIGMAP = "flink-hive-conf";

export function hiveAdditions(args: {
  readonly catalogName: string;
  readonly fetcherImage: string;
}): PodAdditions {
  const additions = emptyAdditions();
  additions.classpathJars.push(...HADOOP_CLIENT_JARS, ...HIVE_CONNECTOR_JARS);
  additions.flinkConfiguration["table.catalog-store.kind"] = "file";
  additions.flinkConfiguration["table.catalog-store.file.path"] = CATALOG_STORE_DIR;
  additions.env.push({ name: "HADOOP_USER_NAME", value: "flink" });
  additions.volumes.push(
    {
      name: "hive-conf",
      configMap: { name: HIVE_CLIENT_CONFIGMAP, items: [{ key: "hive-site.xml", path: "hive-site.xml" }] },
    },
    {
      name: "hive-catalog-seed",
      configMap: {
        name: HIVE_CLIENT_CONFIGMAP,
        items: [{ key: "catalog.yaml", path: `${args.catalogName}.yaml` }],
      },
    },
    { name: "catalog-store", emptyDir: {} },
  );
  additions.volumeMounts.push(
    { name: "hive-conf", mountPath: HIVE_CONF_DIR, readOnly: true },
    { name: "catalog-store", mountPath: CATALOG_STORE_DIR },
  );
  additions.initContainers.push({
    name: "seed-catalog-store",
    image: args.fetcherImage,
    imagePullPolicy: "IfNotPresent",
    command: ["sh", "-c", "cp /seed/*.yaml /catalog-store/"],
    volumeMounts: [
      { name: "hive-catalog-seed", mountPath: "/seed", readOnly: true },
      { name: "catalog-store", mountPath: "/catalog-store" },
    ],
    resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
    securityContext: restrictedContainerSecurityContext({ readOnlyRootFilesystem: true, runAsNonRoot: true }),
  });
  return additions;
}
