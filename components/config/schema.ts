/**
 * The stack configuration's schema, assembled from one schema per area, and the validated configuration's type.
 *
 * Every key has its default here (mocks and the Automation API do not apply Pulumi.yaml defaults); Pulumi.yaml
 * repeats them for `pulumi config` users and a unit test keeps the two equal.
 */
import { z } from "zod";
import type { ResolvedApplication, ResolvedSessionCluster } from "../flink/clusterSchema";
import { flinkSchema } from "../flink/config";
import { operatorSchema } from "../flink/operatorConfig";
import { hiveSchema } from "../hive/config";
import { monitoringSchema } from "../monitoring/config";
import { MYSQL_SECRET_CONFIG_KEYS, mysqlConfigSchema } from "../mysql/config";
import { NETWORK_SECRET_CONFIG_KEYS, networkSchema } from "../network/config";
import { haSchema, S3_SECRET_CONFIG_KEYS, storageSchema } from "../state/config";
import { streamParkConfigSchema } from "../streampark/config";
import { kubernetesSchema, platformSchema } from "./platformSchema";

export const configSchema = z.strictObject({
  platform: platformSchema,
  kubernetes: kubernetesSchema,
  operator: operatorSchema,
  flink: flinkSchema,
  storage: storageSchema,
  ha: haSchema,
  hive: hiveSchema,
  monitoring: monitoringSchema,
  mysql: mysqlConfigSchema,
  streampark: streamParkConfigSchema,
  network: networkSchema,
});

/** The config areas, i.e. the top-level keys `flink-platform:<area>`. */
export const AREAS: readonly string[] = Object.keys(configSchema.shape);

/** Top-level config keys that hold credentials; they must be set with `pulumi config set --secret`. */
export const SECRET_CONFIG_KEYS: readonly string[] = [
  ...Object.values(S3_SECRET_CONFIG_KEYS),
  ...Object.values(MYSQL_SECRET_CONFIG_KEYS),
  ...Object.values(NETWORK_SECRET_CONFIG_KEYS),
];

/** The raw configuration as users write it (area name to value). */
export type PlatformConfigInput = z.input<typeof configSchema>;
/** The parsed configuration with defaults applied, before cross-field checks. */
export type ParsedConfig = z.output<typeof configSchema>;

/** The validated configuration the program builds from. Deeply frozen. */
export type PlatformConfig = Readonly<Omit<ParsedConfig, "flink">> & {
  readonly flink: Readonly<Omit<ParsedConfig["flink"], "clusters" | "applications">> & {
    readonly clusters: readonly ResolvedSessionCluster[];
    readonly applications: readonly ResolvedApplication[];
  };
  /** Every namespace the platform places something in, platform namespace first. */
  readonly namespaces: readonly string[];
};

/** The defaults of every area, as `parseConfig({})` sees them (also written to Pulumi.yaml). */
export function defaultConfig(): ParsedConfig {
  return configSchema.parse({});
}
