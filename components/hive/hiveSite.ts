/**
 * hive-site.xml for the metastore (a template: its pod fills in the database password from the Secret at start) and
 * for Flink's Hive catalog (the metastore address, nothing secret), plus the catalog-store entry that registers the
 * catalog.
 */
import { hadoopConfigurationXml } from "../state/hadoopXml";

export interface MetastoreDatabase {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
}

/** JDBC URL of the metastore schema. TLS when the server offers it; RSA key exchange for servers without it. */
export function metastoreJdbcUrl(db: MetastoreDatabase): string {
  return `jdbc:mysql://${db.host}:${db.port}/${db.database}?sslMode=PREFERRED&allowPublicKeyRetrieval=true`;
}

export interface S3Warehouse {
  readonly endpoint: string;
  readonly pathStyleAccess: boolean;
}

/** The placeholder of the database password in the metastore's hive-site.xml template. */
export const PASSWORD_PLACEHOLDER = "@METASTORE_DB_PASSWORD@";

/**
 * The metastore's own hive-site.xml, as a template with PASSWORD_PLACEHOLDER where the password goes (the pod puts
 * it in, escaped, from the Secret). Everything else is escaped here.
 */
export function metastoreSiteXml(args: {
  readonly db: MetastoreDatabase;
  readonly warehouseUri: string;
  readonly s3?: S3Warehouse;
}): string {
  const properties: Record<string, string> = {
    "javax.jdo.option.ConnectionURL": metastoreJdbcUrl(args.db),
    "javax.jdo.option.ConnectionDriverName": "com.mysql.cj.jdbc.Driver",
    "javax.jdo.option.ConnectionUserName": args.db.user,
    "javax.jdo.option.ConnectionPassword": PASSWORD_PLACEHOLDER,
    "hive.metastore.warehouse.dir": args.warehouseUri,
    // The schema is created by `schematool` before the metastore starts; never let DataNucleus alter it.
    "datanucleus.schema.autoCreateAll": "false",
    "hive.metastore.schema.verification": "true",
    "hive.metastore.event.db.notification.api.auth": "false",
  };
  if (args.s3) {
    // Credentials come from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (S3A's environment provider).
    properties["fs.s3a.endpoint"] = args.s3.endpoint;
    properties["fs.s3a.path.style.access"] = String(args.s3.pathStyleAccess);
  }
  return hadoopConfigurationXml(properties);
}

/** hive-site.xml for Flink's Hive catalog: where the metastore is. */
export function clientSiteXml(metastoreUri: string): string {
  return hadoopConfigurationXml({ "hive.metastore.uris": metastoreUri });
}

/**
 * A catalog-store entry (`<name>.yaml`, a flat map of catalog options) for Flink's file catalog store: every
 * TableEnvironment in the cluster's pods (SQL client, SQL gateway, jobs) sees the catalog without CREATE CATALOG.
 */
export function catalogStoreEntry(args: {
  readonly hiveConfDir: string;
  readonly hadoopConfDir?: string;
  readonly defaultDatabase: string;
}): string {
  const options: Record<string, string> = {
    type: "hive",
    "hive-conf-dir": args.hiveConfDir,
    "hive-version": "3.1.3",
    "default-database": args.defaultDatabase,
    ...(args.hadoopConfDir ? { "hadoop-conf-dir": args.hadoopConfDir } : {}),
  };
  return Object.entries(options)
    .map(([key, value]) => `${key}: ${JSON.stringify(value)}`)
    .join("\n")
    .concat("\n");
}

/**
 * The script that renders the metastore's hive-site.xml from the template file to `target`, with the password from
 * DB_PASSWORD (the Secret's value) XML-escaped, then escaped again for sed's replacement. The file is owner-read-only
 * and lands on an in-memory volume.
 */
export function renderSiteScript(template: string, target: string): string {
  return [
    "set -eu",
    "umask 077",
    String.raw`xml=$(printf '%s' "$DB_PASSWORD" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/"/\&quot;/g' -e "s/'/\&apos;/g")`,
    String.raw`replacement=$(printf '%s' "$xml" | sed -e 's/[\\&|]/\\&/g')`,
    `sed "s|${PASSWORD_PLACEHOLDER}|$replacement|" '${template}' > '${target}'`,
    `chmod 0400 '${target}'`,
    "",
  ].join("\n");
}
