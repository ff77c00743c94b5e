/**
 * flink-platform: reads and validates the stack configuration, builds the platform, exports its outputs.
 */
// First: the compile cache must be on before the other modules load.
import "./components/compileCache";
import * as k8s from "@pulumi/kubernetes";
import { loadConfig, loadSecrets } from "./components/config/load";
import { FlinkPlatform } from "./components/platform";
import { kubernetesProviderArgs } from "./components/provider";

const config = loadConfig();
const provider = new k8s.Provider("kubernetes", kubernetesProviderArgs(config.kubernetes));
const platform = new FlinkPlatform("flink", { config, secrets: loadSecrets() }, { provider });

export const namespace = platform.namespace;
export const operatorVersion = platform.operatorVersion;
export const clusters = platform.clusters;
/** Application deployments by name: namespace, REST URL and ingress URL. */
export const applications = platform.applications;
/** The history server's URLs, when `flink.historyServer.enabled`. */
export const historyServer = platform.historyServer;
export const streampark = platform.streampark;
/** StreamPark's admin password; `pulumi stack output --show-secrets streamparkAdminPassword` reveals it. */
export const streamparkAdminPassword = platform.streamparkAdminPassword;
/** In render mode: the Secrets the user provides (namespace, name, keys); the rendered workloads reference them. */
export const secretsToProvide = platform.secretsToProvide;
