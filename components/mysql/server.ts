/**
 * The managed MySQL server: a single-instance StatefulSet of the official image, whose root password always follows
 * its Secret, with probes that only pass once the real server listens.
 */
import { platformLabels } from "../kube/labels";
import { secretEnv } from "../kube/secrets";
import { nonRootPodSecurityContext, restrictedContainerSecurityContext } from "../kube/securityContext";
import { claimRetentionPolicy, dataVolumeClaimTemplate } from "../kube/volumes";
import type { MySqlConfig } from "./config";
import { ADMIN_SECRET } from "./connection";

export const MYSQL_PORT = 3306;
/** uid/gid of the `mysql` user in the official image. */
export const MYSQL_UID = 999;
/** Name of the managed server's Service and StatefulSet. */
export const MYSQL_NAME = "mysql";
/** Where the data volume is mounted; the data directory is a subdirectory (a fresh volume may hold `lost+found`). */
const DATA_MOUNT = "/var/lib/mysql";
const DATA_DIR = `${DATA_MOUNT}/data`;

/** Host name of the managed server: the headless Service, which resolves to the pod once it is ready. */
export function managedHost(namespace: string): string {
  return `${MYSQL_NAME}.${namespace}.svc`;
}

/**
 * SQL that sets root's password to the Secret's value. The image sets it only when it initialises an empty data
 * directory; a data volume that outlived the stack's state (StreamPark turned off and on again, destroy without data
 * loss and a new stack) would otherwise keep a password the platform no longer knows.
 */
export function rootPasswordSql(password: string): string {
  return [
    `ALTER USER IF EXISTS 'root'@'localhost' IDENTIFIED BY '${password}';`,
    `ALTER USER IF EXISTS 'root'@'%' IDENTIFIED BY '${password}';`,
    "",
  ].join("\n");
}

/**
 * The server's command: the image's entrypoint with a data directory below the mount point (a fresh volume may hold
 * `lost+found`, which the initialisation refuses), and, once the data directory exists, an init file that re-asserts
 * root's password from the Secret at every start. On first boot the entrypoint sets it itself (and would fail if the
 * init file had already changed it).
 */
export function mysqlStartScript(dataDir = DATA_DIR, initFile = "/etc/mysql-admin/init.sql"): string {
  return [
    `if [ -d '${dataDir}/mysql' ]; then set -- --init-file='${initFile}'; else set --; fi`,
    `exec docker-entrypoint.sh mysqld --datadir='${dataDir}' "$@"`,
  ].join("\n");
}

/** Labels that select the managed server's pod; never change them (a StatefulSet's selector is immutable). */
export const SELECTOR = {
  "app.kubernetes.io/part-of": "flink-platform",
  "app.kubernetes.io/component": "mysql",
};

/**
 * Probes of the managed server. On first boot the image initialises the data directory with a temporary server
 * started with `--skip-networking` (socket only); every probe here goes over TCP to 127.0.0.1, so none passes
 * until the real server listens. `mysqladmin ping` exits 0 whenever the server answers (even "access denied"), so
 * liveness needs no credentials; readiness runs a query as root, reading the password from a mounted option file.
 */
export function mysqlProbes() {
  const ping = {
    exec: {
      command: [
        "mysqladmin",
        "--protocol=TCP",
        "--host=127.0.0.1",
        `--port=${MYSQL_PORT}`,
        "--connect-timeout=3",
        "ping",
      ],
    },
    timeoutSeconds: 5,
    periodSeconds: 10,
  };
  return {
    // First boot (initialise, time zones, restart) takes well under a minute; allow 10 minutes before giving up.
    startupProbe: { ...ping, failureThreshold: 60 },
    livenessProbe: { ...ping, failureThreshold: 6 },
    readinessProbe: {
      exec: {
        command: [
          "mysql",
          "--defaults-extra-file=/etc/mysql-admin/client.cnf",
          "--protocol=TCP",
          "--host=127.0.0.1",
          `--port=${MYSQL_PORT}`,
          "--connect-timeout=3",
          "--execute=SELECT 1",
        ],
      },
      timeoutSeconds: 5,
      periodSeconds: 10,
      failureThreshold: 3,
    },
  };
}

/** The managed server's StatefulSet spec. Pure; the selector, serviceName and claim template never vary with settings. */
export function mysqlStatefulSetSpec(config: MySqlConfig, allowDataLoss: boolean) {
  return {
    serviceName: MYSQL_NAME,
    replicas: 1,
    selector: { matchLabels: SELECTOR },
    persistentVolumeClaimRetentionPolicy: claimRetentionPolicy(allowDataLoss),
    template: {
      metadata: { labels: { ...platformLabels("mysql"), ...SELECTOR } },
      spec: {
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        securityContext: nonRootPodSecurityContext(MYSQL_UID),
        // Time for a clean InnoDB shutdown.
        terminationGracePeriodSeconds: 60,
        containers: [
          {
            name: "mysql",
            image: config.image,
            command: ["bash", "-c", mysqlStartScript()],
            ports: [{ name: "mysql", containerPort: MYSQL_PORT, protocol: "TCP" }],
            env: [secretEnv("MYSQL_ROOT_PASSWORD", { name: ADMIN_SECRET, key: "password" })],
            resources: config.resources,
            securityContext: restrictedContainerSecurityContext(),
            ...mysqlProbes(),
            volumeMounts: [
              { name: "data", mountPath: DATA_MOUNT },
              { name: "admin-client", mountPath: "/etc/mysql-admin", readOnly: true },
            ],
          },
        ],
        volumes: [
          {
            name: "admin-client",
            // Group-readable: the files belong to the pod's fsGroup, which is mysql's group.
            secret: {
              secretName: ADMIN_SECRET,
              items: [
                { key: "client.cnf", path: "client.cnf" },
                { key: "init.sql", path: "init.sql" },
              ],
              defaultMode: 0o440,
            },
          },
        ],
      },
    },
    volumeClaimTemplates: [dataVolumeClaimTemplate(platformLabels("mysql"), config.storage)],
  };
}
