/**
 * A pod the platform renders, run as local processes: the init containers one after the other, then the main
 * container, each in a private mount namespace that puts the pod's volumes at the paths the pod spec names and the
 * image's files where the image has them. So a container's command, environment and mounted files stay exactly as
 * rendered: `/opt/flink/extra-lib`, `/opt/hive-conf/hive-site.xml` and `FLINK_CONF_DIR=/opt/flink-process-conf`
 * are real paths to the process, the platform's own jar-fetch script fills `extra-lib`, and in-cluster names
 * (`zookeeper.flink.svc`) resolve through the pod's own /etc/hosts.
 *
 * How a container is set up (as root, before the command runs as the pod's user):
 * - a tmpfs on /opt hides the machine's /opt; the image's folders are overlays there (lower: the image's files,
 *   upper: this container's own writable layer), like a container's root file system;
 * - each volumeMount is a bind mount of the volume's folder (configMap and secret volumes are written out from the
 *   objects the platform rendered; an emptyDir is a folder the pod's containers share), read-only where it says so;
 * - its hostname is the pod's name (a UTS namespace of its own), and /etc/hosts is the pod's own file; /tmp stays
 *   the machine's unless a volume is mounted there;
 * - the command runs with `setpriv` as the pod's runAsUser/runAsGroup, with every capability dropped.
 * Network: the processes share the suite's network namespace (loopback only), so ports that would clash between
 * pods are the caller's business (components of test/flink/support/localConfig.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { ProcessGroup, RunningProcess } from "./processes";

/** A container as the platform renders it (the fields this runner understands). */
export interface ContainerSpec {
  readonly name: string;
  readonly image: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly env?: readonly EnvVar[];
  readonly volumeMounts?: readonly VolumeMount[];
  readonly securityContext?: { readonly runAsUser?: number; readonly runAsGroup?: number };
}

export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: {
    readonly secretKeyRef?: { readonly name: string; readonly key: string };
    readonly configMapKeyRef?: { readonly name: string; readonly key: string };
    readonly fieldRef?: { readonly fieldPath: string };
  };
}

export interface VolumeMount {
  readonly name: string;
  readonly mountPath: string;
  readonly subPath?: string;
  readonly readOnly?: boolean;
}

export interface Volume {
  readonly name: string;
  readonly emptyDir?: Record<string, unknown>;
  readonly configMap?: { readonly name: string; readonly items?: readonly { key: string; path: string }[] };
  readonly secret?: {
    readonly secretName: string;
    readonly items?: readonly { key: string; path: string }[];
  };
}

export interface PodSpec {
  readonly containers: readonly ContainerSpec[];
  readonly initContainers?: readonly ContainerSpec[];
  readonly volumes?: readonly Volume[];
  readonly securityContext?: {
    readonly runAsUser?: number;
    readonly runAsGroup?: number;
    readonly fsGroup?: number;
  };
}

/** What an image provides: folders at their image paths, and its entrypoint. */
export interface LocalImage {
  /** Image path (e.g. /opt/flink) to the local folder that holds its files. */
  readonly folders: Readonly<Record<string, string>>;
  /** The image's ENTRYPOINT as a local command; undefined runs `command`/`args` as given. */
  readonly entrypoint?: readonly string[];
  /** The image's own environment (PATH, JAVA_HOME, FLINK_HOME...). */
  readonly env?: Readonly<Record<string, string>>;
  /** Users the image's /etc/passwd has besides the machine's (the Flink image's `flink`, uid 9999). */
  readonly users?: readonly { readonly name: string; readonly uid: number; readonly home: string }[];
}

/** The objects of the namespace a pod reads: ConfigMaps and Secrets by name, their data as plain strings. */
export interface NamespaceObjects {
  readonly configMaps: ReadonlyMap<string, Readonly<Record<string, string>>>;
  readonly secrets: ReadonlyMap<string, Readonly<Record<string, string>>>;
}

export interface LocalPodOptions {
  /** Name of the pod (folder and log names). */
  readonly name: string;
  readonly spec: PodSpec;
  readonly objects: NamespaceObjects;
  /** Local image for each image reference the pod uses. */
  readonly images: (image: string) => LocalImage;
  /** Lines of the pod's /etc/hosts: in-cluster name to address. */
  readonly hosts: Readonly<Record<string, string>>;
  /** Where the pod's volumes, layers and logs go. */
  readonly workDir: string;
  readonly processes: ProcessGroup;
  /** Environment overrides per container name (documented in localConfig.ts: the only changes made). */
  readonly envOverrides?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Value of `status.podIP` and the like for fieldRef variables. */
  readonly podIp?: string;
}

/** A running local pod: its main container's process, and its volume folders (to look at what it wrote). */
export interface LocalPod {
  readonly name: string;
  readonly main: RunningProcess;
  readonly volumeDir: (volume: string) => string;
}

/** Run the init containers to completion, then start the first container. */
export async function startLocalPod(options: LocalPodOptions): Promise<LocalPod> {
  const podDir = path.join(options.workDir, options.name);
  fs.mkdirSync(podDir, { recursive: true });
  const uid = options.spec.securityContext?.runAsUser ?? 9999;
  const gid = options.spec.securityContext?.runAsGroup ?? options.spec.securityContext?.fsGroup ?? uid;
  const volumes = prepareVolumes(options, podDir, uid, gid);
  const hostsFile = path.join(podDir, "hosts");
  // As the kubelet writes it: the in-cluster names, and the pod's own name (its hostname) at its address.
  fs.writeFileSync(
    hostsFile,
    hostsFileText({ ...options.hosts, [hostnameOf(options.name)]: options.podIp ?? "127.0.0.1" }),
  );

  for (const container of options.spec.initContainers ?? []) {
    const process = startContainer(options, container, {
      podDir,
      volumes,
      hostsFile,
      uid,
      gid,
      hostname: hostnameOf(options.name),
    });
    const code = await process.exited;
    if (code !== 0) {
      throw new Error(
        `init container ${container.name} of ${options.name} exited with ${code}:\n${tail(process.logFile)}`,
      );
    }
  }
  const [first] = options.spec.containers;
  const main = startContainer(options, first, {
    podDir,
    volumes,
    hostsFile,
    uid,
    gid,
    hostname: hostnameOf(options.name),
  });
  return {
    name: options.name,
    main,
    volumeDir: (volume) => {
      const dir = volumes.get(volume);
      if (!dir) {
        throw new Error(`pod ${options.name} has no volume ${volume}`);
      }
      return dir;
    },
  };
}

/** /etc/hosts of a pod: localhost, then each in-cluster name. */
export function hostsFileText(hosts: Readonly<Record<string, string>>): string {
  const lines = ["127.0.0.1 localhost", "::1 localhost"];
  for (const [name, address] of Object.entries(hosts).sort()) {
    lines.push(`${address} ${name}`);
  }
  return lines.join("\n") + "\n";
}

/** A folder per volume: configMap and secret data written out (with items as given), emptyDirs empty. */
function prepareVolumes(
  options: LocalPodOptions,
  podDir: string,
  uid: number,
  gid: number,
): Map<string, string> {
  const result = new Map<string, string>();
  for (const volume of options.spec.volumes ?? []) {
    const dir = path.join(podDir, "volumes", volume.name);
    fs.mkdirSync(dir, { recursive: true });
    if (volume.configMap || volume.secret) {
      const source = volume.configMap
        ? {
            kind: "ConfigMap",
            name: volume.configMap.name,
            items: volume.configMap.items,
            data: options.objects.configMaps.get(volume.configMap.name),
          }
        : {
            kind: "Secret",
            name: volume.secret!.secretName,
            items: volume.secret!.items,
            data: options.objects.secrets.get(volume.secret!.secretName),
          };
      if (!source.data) {
        throw new Error(
          `pod ${options.name}: volume ${volume.name} needs ${source.kind} ${source.name}, which the platform did not render`,
        );
      }
      const items = source.items ?? Object.keys(source.data).map((key) => ({ key, path: key }));
      for (const item of items) {
        const value = source.data[item.key];
        if (value === undefined) {
          throw new Error(`pod ${options.name}: ${source.kind} ${source.name} has no key ${item.key}`);
        }
        const file = path.join(dir, item.path);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, value, { mode: 0o644 });
      }
    } else if (!volume.emptyDir) {
      throw new Error(`pod ${options.name}: volume ${volume.name} is of a kind this runner does not know`);
    }
    chownTree(dir, uid, gid);
    result.set(volume.name, dir);
  }
  return result;
}

function chownTree(dir: string, uid: number, gid: number): void {
  fs.chownSync(dir, uid, gid);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      chownTree(file, uid, gid);
    } else {
      fs.chownSync(file, uid, gid);
    }
  }
}

interface PodContext {
  readonly hostname: string;
  readonly podDir: string;
  readonly volumes: ReadonlyMap<string, string>;
  readonly hostsFile: string;
  readonly uid: number;
  readonly gid: number;
}

/** Start one container: its mounts in a private mount namespace, then its command as the pod's user. */
function startContainer(options: LocalPodOptions, container: ContainerSpec, pod: PodContext): RunningProcess {
  const image = options.images(container.image);
  const layerDir = path.join(pod.podDir, "layers", container.name);
  const uid = container.securityContext?.runAsUser ?? pod.uid;
  const gid = container.securityContext?.runAsGroup ?? pod.gid;
  const setup = mountScript(image, container, pod, layerDir);
  const command = [...(container.command ?? image.entrypoint ?? []), ...(container.args ?? [])];
  if (command.length === 0) {
    throw new Error(`container ${container.name} of ${options.name} has no command`);
  }
  const env = {
    ...image.env,
    ...resolveEnv(container.env ?? [], options),
    ...options.envOverrides?.[container.name],
  };
  const script = [
    "set -eu",
    ...setup,
    `exec setpriv --reuid ${uid} --regid ${gid} --clear-groups --inh-caps=-all --bounding-set=-all -- "$@"`,
  ].join("\n");
  return options.processes.start(
    `${options.name}-${container.name}`,
    "unshare",
    ["--mount", "--uts", "--propagation", "private", "--", "/bin/sh", "-c", script, "container", ...command],
    { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env } },
  );
}

/** Shell lines that lay out a container's file system (run as root inside its mount namespace). */
export function mountScript(
  image: LocalImage,
  container: ContainerSpec,
  pod: Pick<PodContext, "volumes" | "hostsFile" | "uid" | "gid" | "hostname">,
  layerDir: string,
): string[] {
  const q = shellQuote;
  const lines = [`hostname ${q(pod.hostname)}`, "mount -t tmpfs -o mode=755 tmpfs /opt"];
  for (const [imagePath, folder] of Object.entries(image.folders).sort()) {
    if (!imagePath.startsWith("/opt/")) {
      throw new Error(`image folders live under /opt here, not ${imagePath}`);
    }
    const layer = path.join(layerDir, imagePath.replace(/\//g, "_"));
    lines.push(
      `mkdir -p ${q(`${layer}/upper`)} ${q(`${layer}/work`)} ${q(imagePath)}`,
      `chown ${pod.uid}:${pod.gid} ${q(`${layer}/upper`)}`,
      `mount -t overlay overlay -o ${q(`lowerdir=${folder},upperdir=${layer}/upper,workdir=${layer}/work`)} ${q(imagePath)}`,
    );
  }
  // Shallow mounts first, so a deeper one (a file inside a mounted folder) lands on top; a mount over a folder
  // that holds the pod's own files (the gateway's emptyDir on /tmp, where the suite's work folder is) comes last,
  // once every source has been bound.
  const hides = (mount: VolumeMount) =>
    (pod.hostsFile + "/").startsWith(mount.mountPath.replace(/\/?$/, "/"));
  const depth = (mount: VolumeMount) => mount.mountPath.split("/").length;
  const mounts = [...(container.volumeMounts ?? [])].sort((a, b) => depth(a) - depth(b));
  const volumeLines = (mount: VolumeMount): string[] => {
    const dir = pod.volumes.get(mount.name);
    if (!dir) {
      throw new Error(`container ${container.name} mounts volume ${mount.name}, which the pod does not have`);
    }
    const source = mount.subPath ? path.join(dir, mount.subPath) : dir;
    const result =
      mount.subPath && fs.existsSync(source) && fs.statSync(source).isFile()
        ? [`mkdir -p ${q(path.dirname(mount.mountPath))}`, `touch ${q(mount.mountPath)}`]
        : [`mkdir -p ${q(mount.mountPath)}`];
    result.push(`mount --bind ${q(source)} ${q(mount.mountPath)}`);
    if (mount.readOnly) {
      result.push(`mount -o remount,bind,ro ${q(mount.mountPath)}`);
    }
    return result;
  };
  lines.push(...mounts.filter((m) => !hides(m)).flatMap(volumeLines));
  lines.push(`mount --bind ${q(pod.hostsFile)} /etc/hosts`);
  if (image.users && image.users.length > 0) {
    fs.mkdirSync(layerDir, { recursive: true });
    const passwd = path.join(layerDir, "passwd");
    const group = path.join(layerDir, "group");
    const users = image.users;
    fs.writeFileSync(
      passwd,
      fs.readFileSync("/etc/passwd", "utf8") +
        users.map((u) => `${u.name}:x:${u.uid}:${u.uid}::${u.home}:/bin/sh\n`).join(""),
    );
    fs.writeFileSync(
      group,
      fs.readFileSync("/etc/group", "utf8") + users.map((u) => `${u.name}:x:${u.uid}:\n`).join(""),
    );
    lines.push(`mount --bind ${q(passwd)} /etc/passwd`, `mount --bind ${q(group)} /etc/group`);
  }
  lines.push(...mounts.filter(hides).flatMap(volumeLines));
  return lines;
}

/** Environment values: literal, or from the rendered Secrets and ConfigMaps, or the pod's own fields. */
function resolveEnv(env: readonly EnvVar[], options: LocalPodOptions): Record<string, string> {
  const result: Record<string, string> = {};
  for (const variable of env) {
    if (variable.value !== undefined) {
      result[variable.name] = expandReferences(variable.value, result);
      continue;
    }
    const from = variable.valueFrom;
    const ref = from?.secretKeyRef ?? from?.configMapKeyRef;
    if (ref) {
      const objects = from?.secretKeyRef ? options.objects.secrets : options.objects.configMaps;
      const value = objects.get(ref.name)?.[ref.key];
      if (value === undefined) {
        throw new Error(
          `pod ${options.name}: ${variable.name} needs key ${ref.key} of ${ref.name}, which is not there`,
        );
      }
      result[variable.name] = value;
    } else if (from?.fieldRef) {
      result[variable.name] = podField(from.fieldRef.fieldPath, options);
    } else {
      result[variable.name] = "";
    }
  }
  return result;
}

/** `$(NAME)` references to earlier variables, as the kubelet expands them. */
function expandReferences(value: string, earlier: Readonly<Record<string, string>>): string {
  return value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => earlier[name] ?? whole);
}

function podField(fieldPath: string, options: LocalPodOptions): string {
  switch (fieldPath) {
    case "status.podIP":
      return options.podIp ?? "127.0.0.1";
    case "metadata.name":
      return options.name;
    default:
      throw new Error(`pod ${options.name}: fieldRef ${fieldPath} is not known to this runner`);
  }
}

/** A pod's hostname: its name, cut to the 63 characters of a DNS label (as Kubernetes does). */
export function hostnameOf(podName: string): string {
  return podName.slice(0, 63).replace(/-+$/, "");
}

export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, "'\\''")}'`;
}

function tail(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}
