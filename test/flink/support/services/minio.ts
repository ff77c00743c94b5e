/**
 * A real MinIO (built from Go modules by scripts/build-services.sh) on 127.0.0.1, set up by the platform's own setup
 * script: the bucket, then one user and policy per consumer namespace (`minioSetupScript` of
 * components/state/minioAccess.ts), run with `sh` as the platform's setup Job runs it (components/state/minio.ts):
 * mc on PATH, the root credentials only in `MC_HOST_platform`, each grant's secret key in `GRANT_SECRET_KEY_<i>`, and
 * a private in-memory /tmp (the Job's emptyDir). The server's root credentials are in its environment only, as the
 * StatefulSet gives them (`MINIO_ROOT_USER`/`MINIO_ROOT_PASSWORD`); the console is off, as by default.
 */
import * as fs from "fs";
import * as path from "path";
import {
  grantSecretEnv,
  MC_ALIAS,
  minioSetupScript,
  S3Grant,
} from "../../../../components/state/minioAccess";
import { ProcessGroup, RunningProcess, freePort, runToCompletion, waitForHttp } from "../processes";
import { baseEnv, built, freshDir, generatedSecret } from "./toolchain";

export interface S3Identity {
  readonly accessKey: string;
  readonly secretKey: string;
}

export interface MinioGrantIdentity extends S3Identity {
  readonly namespace: string;
  /** Object key prefixes its policy allows (no leading or trailing `/`). */
  readonly prefixes: readonly string[];
}

export interface MinioOptions {
  readonly group: ProcessGroup;
  /** Parent of the server's data folder and the setup's working files. */
  readonly workDir: string;
  readonly bucket: string;
  /** The platform's grants (`s3Grants(...)`). */
  readonly grants: readonly S3Grant[];
  /** S3 port on 127.0.0.1. Default: a free one. */
  readonly port?: number;
  /** Name of the server process (default `minio`). */
  readonly name?: string;
  /** Root credentials (default: generated). The suite passes the ones the platform rendered in its Secret. */
  readonly root?: S3Identity;
  /**
   * Run the platform's setup script with `grants` here (default true). False when the caller runs the rendered
   * setup Job itself, as a local pod.
   */
  readonly setup?: boolean;
}

export interface MinioService {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly port: number;
  readonly bucket: string;
  readonly root: S3Identity;
  /** Each grant's identity, by namespace. */
  readonly grants: Readonly<Record<string, MinioGrantIdentity>>;
  readonly process: RunningProcess;
  /** Milliseconds until /minio/health/ready answered. */
  readonly startMs: number;
  /** Milliseconds the platform's setup script took. */
  readonly setupMs: number;
  /** The log of the setup script's run. */
  readonly setupLog: string;
  /** Run mc as `identity` against this server (alias `s3`); never throws on a non-zero exit. */
  mc(identity: S3Identity, args: readonly string[]): Promise<{ code: number | null; output: string }>;
  /** Run the platform's setup script again (it must be idempotent); returns its exit code and log. */
  runSetup(): Promise<{ code: number | null; log: string; ms: number }>;
  stop(): Promise<void>;
}

/**
 * Folder of the mc and minio binaries, links resolved: the setup script runs with its own /tmp, which hides a
 * toolchain reached through a link under /tmp (the binaries themselves must not live under /tmp).
 */
export function minioBinDir(): string {
  return path.dirname(fs.realpathSync(built("bin", "mc")));
}

export async function startMinio(options: MinioOptions): Promise<MinioService> {
  const name = options.name ?? "minio";
  const dir = freshDir(options.workDir, name);
  const dataDir = freshDir(dir, "data");
  const port = options.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  // Like the platform's generated root credentials (random, 16 and 32 characters, no special characters).
  const root = options.root ?? { accessKey: generatedSecret(16), secretKey: generatedSecret(32) };
  const bin = minioBinDir();
  const server = options.group.start(
    name,
    path.join(bin, "minio"),
    ["server", dataDir, "--address", `127.0.0.1:${port}`],
    {
      env: baseEnv({
        MINIO_ROOT_USER: root.accessKey,
        MINIO_ROOT_PASSWORD: root.secretKey,
        MINIO_PROMETHEUS_AUTH_TYPE: "public",
        MINIO_BROWSER: "off",
        // No update checks or telemetry from a test server with no network.
        MINIO_UPDATE: "off",
      }),
    },
  );
  // The StatefulSet's readiness probe.
  await waitForHttp(`${endpoint}/minio/health/ready`, { timeoutMs: 60_000, process: server });
  const startMs = server.markReady();

  const grants: Record<string, MinioGrantIdentity> = {};
  for (const grant of options.grants) {
    grants[grant.namespace] = {
      namespace: grant.namespace,
      accessKey: grant.user,
      secretKey: generatedSecret(32),
      prefixes: grant.prefixes,
    };
  }
  const script = minioSetupScript(options.bucket, options.grants, { attempts: 30, intervalSeconds: 1 });
  let setupRuns = 0;
  const runSetup = async () => {
    const t0 = Date.now();
    setupRuns++;
    // A private mount namespace with an in-memory /tmp, as the Job's emptyDir: the script writes its policy files
    // and mc's configuration there. The script is an argument; every credential is in the environment.
    const result = await runToCompletion(
      options.group,
      `${name}-setup-${setupRuns}`,
      "unshare",
      [
        "--mount",
        "--propagation",
        "private",
        "--",
        "sh",
        "-c",
        'mount -t tmpfs -o size=16m,mode=1777 tmpfs /tmp && exec sh -c "$1"',
        "setup",
        script,
      ],
      {
        timeoutMs: 120_000,
        env: baseEnv({
          PATH: `${bin}:${process.env.PATH ?? "/usr/bin:/bin"}`,
          [`MC_HOST_${MC_ALIAS}`]: `http://${root.accessKey}:${root.secretKey}@127.0.0.1:${port}`,
          ...Object.fromEntries(
            options.grants.map((grant, index) => [grantSecretEnv(index), grants[grant.namespace].secretKey]),
          ),
        }),
      },
    );
    return { code: result.code, log: result.log, ms: Date.now() - t0 };
  };
  const first = options.setup === false ? { code: 0, log: "(run by the caller)", ms: 0 } : await runSetup();
  if (first.code !== 0) {
    await server.stop();
    throw new Error(`the platform's MinIO setup script exited with ${first.code}:\n${first.log}`);
  }

  let mcRuns = 0;
  const mcConfig = freshDir(dir, "mc");
  return {
    endpoint,
    port,
    bucket: options.bucket,
    root,
    grants,
    process: server,
    startMs,
    setupMs: first.ms,
    setupLog: first.log,
    async mc(identity, args) {
      mcRuns++;
      const result = await runToCompletion(
        options.group,
        `${name}-mc-${mcRuns}`,
        path.join(bin, "mc"),
        args,
        {
          timeoutMs: 60_000,
          env: baseEnv({
            MC_CONFIG_DIR: mcConfig,
            MC_HOST_s3: `http://${identity.accessKey}:${identity.secretKey}@127.0.0.1:${port}`,
          }),
        },
      );
      // The first line of the log is the command line the process manager writes.
      return { code: result.code, output: result.log.split("\n").slice(1).join("\n") };
    },
    runSetup,
    stop: () => server.stop(),
  };
}
