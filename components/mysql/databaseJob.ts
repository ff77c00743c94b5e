/**
 * The Job that creates one consumer's database and user with the administrative account. A Job rather than an init
 * script of the server: init scripts only run on an empty data directory, so they would miss consumers turned on
 * later, and would never run against an external server. The Job's name is derived from its inputs, so an unchanged
 * stack leaves it alone.
 */
import { inputsHash } from "../kube/hash";
import { platformLabels } from "../kube/labels";
import { secretEnv } from "../kube/secrets";
import { nonRootPodSecurityContext, restrictedContainerSecurityContext } from "../kube/securityContext";
import { CLIENT_CONFIG_DIR, ensureDatabaseScript } from "./clientScripts";
import { AdminAccount, userSecretName } from "./connection";
import { MySqlDatabaseRequest } from "./databases";
import { MYSQL_UID } from "./server";

/** The Job that creates one consumer's database and user. Pure: names and spec follow from the arguments. */
export function databaseJob(args: {
  namespace: string;
  image: string;
  host: string;
  port: number;
  admin: AdminAccount;
  request: MySqlDatabaseRequest;
}) {
  const { request } = args;
  const script = ensureDatabaseScript();
  const hash = inputsHash({ ...args, script });
  const labels = platformLabels("mysql-database", request.consumer);
  return {
    metadata: { name: `mysql-database-${request.consumer}-${hash}`, namespace: args.namespace, labels },
    spec: {
      backoffLimit: 4,
      activeDeadlineSeconds: 900,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: "Never",
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: nonRootPodSecurityContext(MYSQL_UID),
          containers: [
            {
              name: "ensure-database",
              image: args.image,
              command: ["sh", "-c", script],
              env: [
                { name: "MYSQL_HOST", value: args.host },
                { name: "MYSQL_PORT", value: String(args.port) },
                secretEnv("ADMIN_USER", args.admin.username),
                secretEnv("ADMIN_PASSWORD", args.admin.password),
                { name: "DATABASE", value: request.database },
                { name: "DATABASE_USER", value: request.user },
                secretEnv("DATABASE_PASSWORD", { name: userSecretName(request.consumer), key: "password" }),
              ],
              resources: {
                requests: { cpu: "50m", memory: "64Mi" },
                limits: { cpu: "500m", memory: "256Mi" },
              },
              securityContext: restrictedContainerSecurityContext(),
              volumeMounts: [{ name: "client-config", mountPath: CLIENT_CONFIG_DIR }],
            },
          ],
          volumes: [{ name: "client-config", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } }],
        },
      },
    },
  };
}
