/**
 * The backing services a stack renders, started for real for its local pods: each on loopback at the port its
 * in-cluster address names (so `hdfs://hdfs-namenode.flink.svc:8020`, `zookeeper.flink.svc:2181`,
 * `minio:9000` and `thrift://hive-metastore.flink.svc:9083` reach it unchanged through the pods' /etc/hosts), with
 * the credentials the platform rendered into its Secrets. Managed MinIO is set up by the platform's own setup Job,
 * run as a local pod. An external S3 (prod) is a MinIO of the suite's own with the bucket and the credentials
 * Secret a user would have made beforehand; Kubernetes HA gets a ZooKeeper to stand in for it (localConfig.ts).
 */
import { NAMENODE_RPC_PORT } from "../../../components/state/hdfs";
import { METASTORE_PORT } from "../../../components/hive/metastore";
import type { LocalSettings } from "./localConfig";
import type { PlatformRun } from "./platformRun";
import type { RenderedObject } from "./renderStack";
import { startHdfs, HdfsService } from "./services/hdfs";
import { HiveMetastoreService, startHiveMetastore } from "./services/hiveMetastore";
import { MariaDbService, startMariaDb } from "./services/mariadb";
import { MinioService, startMinio } from "./services/minio";
import { startZooKeeper, ZooKeeperService } from "./services/zookeeper";

/** Ports of the rendered Services. */
const ZOOKEEPER_CLIENT_PORT = 2181;
const MINIO_PORT = 9000;

export interface StackServices {
  zookeeper?: ZooKeeperService;
  hdfs?: HdfsService;
  minio?: MinioService;
  mariadb?: MariaDbService;
  metastore?: HiveMetastoreService;
  /** What localConfig.ts needs besides role and ports: a ZooKeeper for Kubernetes HA, an external S3's stand-in. */
  readonly local: Omit<LocalSettings, "role" | "ports">;
  /** Start times of each service, for the benchmark. */
  readonly startMs: Record<string, number>;
}

function containerEnv(object: RenderedObject, container: string): Record<string, string> {
  const spec = object.inputs.spec.template.spec;
  const found = [...(spec.containers ?? [])].find((c: { name: string }) => c.name === container);
  if (!found) {
    throw new Error(`${object.kind} ${object.name} has no container ${container}`);
  }
  return Object.fromEntries(
    (found.env ?? [])
      .filter((e: { value?: string }) => e.value !== undefined)
      .map((e: { name: string; value: string }) => [e.name, e.value]),
  );
}

function find(run: PlatformRun, kind: string, name: string): RenderedObject | undefined {
  return run.objects.all(kind).find((o) => o.name === name);
}

/** Every Flink configuration value of the stack's FlinkDeployments (to see what they need). */
function flinkValues(run: PlatformRun, key: string): string[] {
  return run.objects
    .all("FlinkDeployment")
    .map((d) => d.inputs.spec.flinkConfiguration?.[key] as string | undefined)
    .filter((v): v is string => v !== undefined);
}

/** Start what the stack's pods need. */
export async function startStackServices(run: PlatformRun): Promise<StackServices> {
  const group = run.processes;
  const workDir = `${run.workDir}/services`;
  const services: StackServices = { local: {}, startMs: {} };
  const local: { zookeeperQuorum?: string; s3Endpoint?: string } = {};

  const zookeeper = find(run, "StatefulSet", "zookeeper");
  const kubernetesHa = flinkValues(run, "high-availability.type").includes("kubernetes");
  if (zookeeper || kubernetesHa) {
    run.ports.hold(ZOOKEEPER_CLIENT_PORT);
    services.zookeeper = await startZooKeeper({
      group,
      workDir,
      // A Kubernetes HA stand-in is one standalone server with the image's defaults.
      imageEnv: zookeeper ? containerEnv(zookeeper, "zookeeper") : {},
      clientPorts: [ZOOKEEPER_CLIENT_PORT],
    });
    services.startMs.zookeeper = services.zookeeper.startMs;
    if (kubernetesHa) {
      local.zookeeperQuorum = `127.0.0.1:${ZOOKEEPER_CLIENT_PORT}`;
    }
  }

  const nameNode = find(run, "StatefulSet", "hdfs-namenode");
  if (nameNode) {
    const dataNodes = find(run, "StatefulSet", "hdfs-datanode");
    const hdfsSite = run.objects.all("ConfigMap").find((c) => c.inputs.data?.["hdfs-site.xml"]);
    const replication = Number(
      /dfs\.replication<\/name>\s*<value>(\d+)</.exec(hdfsSite?.inputs.data["hdfs-site.xml"] ?? "")?.[1] ?? 1,
    );
    run.ports.hold(NAMENODE_RPC_PORT);
    services.hdfs = await startHdfs({
      group,
      workDir,
      dataNodes: dataNodes?.inputs.spec.replicas ?? 1,
      replication,
      baseDirectory: baseDirectory(run),
      rpcPort: NAMENODE_RPC_PORT,
    });
    services.startMs.hdfs = services.hdfs.startMs;
  }

  const minio = find(run, "StatefulSet", "minio");
  const s3Endpoints = flinkValues(run, "s3.endpoint");
  if (minio) {
    const root = run.objects.namespaceData(minio.namespace).secrets.get("minio-root");
    if (!root) {
      throw new Error("the managed MinIO's root Secret minio-root was not rendered");
    }
    run.ports.hold(MINIO_PORT);
    services.minio = await startMinio({
      group,
      workDir,
      bucket: "unused",
      grants: [],
      port: MINIO_PORT,
      root: { accessKey: root.rootUser, secretKey: root.rootPassword },
      setup: false,
    });
    // The platform's own setup Job: bucket, one user and policy per namespace, from the rendered Secrets.
    // Named after its inputs (minio-setup-<hash>), so that a changed grant runs it again.
    const setupJob = run.objects
      .all("Job")
      .find((j) => j.namespace === minio.namespace && j.name.startsWith("minio-setup-"));
    if (!setupJob) {
      throw new Error(`the stack renders no MinIO setup Job in ${minio.namespace}`);
    }
    const setup = await run.pod("Job", minio.namespace, setupJob.name);
    const code = await setup.main.exited;
    if (code !== 0) {
      throw new Error(
        `the platform's MinIO setup Job exited with ${String(code)}: see ${setup.main.logFile}`,
      );
    }
    services.startMs.minio = services.minio.startMs;
  } else if (s3Endpoints.length > 0) {
    // An external S3: the suite's MinIO stands in, with the bucket and Secret the user makes beforehand.
    const bucket = /^s3p?:\/\/([^/]+)\//.exec(flinkValues(run, "execution.checkpointing.dir")[0] ?? "")?.[1];
    if (!bucket) {
      throw new Error("an external S3 store without a checkpoint directory to take the bucket from");
    }
    services.minio = await startMinio({
      group,
      workDir,
      bucket,
      grants: [],
      port: run.ports.take(MINIO_PORT),
    });
    const made = await services.minio.mc(services.minio.root, ["mb", "--ignore-existing", `s3/${bucket}`]);
    if (made.code !== 0) {
      throw new Error(`mc mb ${bucket}: ${made.output}`);
    }
    local.s3Endpoint = services.minio.endpoint;
    addExternalS3Secrets(run, services.minio.root);
    services.startMs.minio = services.minio.startMs;
  }

  const metastore = find(run, "Deployment", "hive-metastore");
  if (metastore) {
    const account = run.objects.namespaceData(metastore.namespace).secrets.get("mysql-hive");
    if (!account) {
      throw new Error("the metastore's database Secret mysql-hive was not rendered");
    }
    services.mariadb = await startMariaDb({ group, workDir, databases: [account.database] });
    const db = { database: account.database, user: account.username, password: account.password };
    const job = await services.mariadb.ensureDatabase(db);
    if (job.code !== 0) {
      throw new Error(`the platform's database Job for the metastore failed: ${job.log}`);
    }
    run.ports.hold(METASTORE_PORT);
    services.metastore = await startHiveMetastore({
      group,
      workDir,
      db: { host: services.mariadb.host, port: services.mariadb.port, ...db },
      // The metastore runs outside the pods' /etc/hosts: its warehouse is the same path at the NameNode's loopback
      // address (table locations it hands out then resolve in every pod too).
      warehouseUri: (services.hdfs ? services.hdfs.defaultFS : "file://") + warehousePath(run),
      hadoopConfDir: services.hdfs?.clientConfDir,
      port: METASTORE_PORT,
    });
    services.startMs.mariadb = services.mariadb.startMs;
    services.startMs.metastore = services.metastore.startMs;
  }
  return { ...services, local };
}

/** `/<storage.pathPrefix>` of the stack (the managed HDFS's base directory). */
function baseDirectory(run: PlatformRun): string {
  const dir =
    flinkValues(run, "execution.checkpointing.dir")[0] ?? flinkValues(run, "state.checkpoints.dir")[0] ?? "";
  const match = /^hdfs:\/\/[^/]+(\/[^/]+)\//.exec(dir);
  return match ? match[1] : "/flink";
}

/** The warehouse path of the rendered metastore's hive-site.xml template. */
function warehousePath(run: PlatformRun): string {
  const site = run.objects.all("ConfigMap").find((c) => c.name === "hive-metastore-site");
  const uri = /hive\.metastore\.warehouse\.dir<\/name>\s*<value>([^<]+)</.exec(
    site?.inputs.data?.["hive-site.xml"] ?? "",
  )?.[1];
  if (!uri) {
    throw new Error("the rendered hive-site.xml names no warehouse");
  }
  return new URL(uri).pathname;
}

/**
 * The credentials Secret an external S3 store names (prod: `flink-s3-prod` in every cluster namespace, keys from
 * `storage.s3.external.credentialsSecret`), as the user creates it beforehand: here with the suite's MinIO user.
 */
function addExternalS3Secrets(run: PlatformRun, identity: { accessKey: string; secretKey: string }): void {
  for (const deployment of run.objects.all("FlinkDeployment")) {
    const containers = [...(deployment.inputs.spec.podTemplate?.spec?.containers ?? [])] as {
      env?: { valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
    }[];
    for (const ref of containers.flatMap((c) => c.env ?? []).map((e) => e.valueFrom?.secretKeyRef)) {
      if (!ref || run.objects.namespaceData(deployment.namespace).secrets.get(ref.name)?.[ref.key]) {
        continue;
      }
      const value = /secret/i.test(ref.key) ? identity.secretKey : identity.accessKey;
      run.objects.addSecret(deployment.namespace, ref.name, { [ref.key]: value });
    }
  }
}
