/**
 * StreamPark bootstrap: brings a running StreamPark 2.1.7 to the state the platform declares, through its REST API.
 *
 *  1. signs in as the admin; if only the upstream default password works, replaces it with the generated one;
 *  2. registers every Flink home (name → directory inside the StreamPark pod);
 *  3. registers every session cluster in remote mode (its JobManager REST URL), bound to the Flink home of its
 *     version, and removes clusters it registered earlier that the platform no longer runs.
 *
 * Every step compares before it writes, so a second run changes nothing. A Kubernetes Job runs this file as is with
 * Node 22.18+ (which strips the types): it imports only Node's own modules and uses no TypeScript-only runtime
 * syntax. The unit tests import it and drive it against a fake StreamPark.
 *
 * Endpoints (StreamPark 2.1.7 sources): POST /passport/signin (form username, password, loginType) answers
 * {data: {token, user}} or, for a wrong password, {code: 0}; other calls send the token in the Authorization header
 * and answer {status, code, message, data}. PUT /user/password (userId, oldPassword, password); POST /flink/env/list,
 * /flink/env/create (flinkName, flinkHome, description), /flink/env/update (+ id); POST /flink/cluster/list,
 * /flink/cluster/create (clusterName, executionMode, versionId, address, description), /flink/cluster/update (+ id),
 * /flink/cluster/delete (id). Ids are serialised as strings.
 */
import { readFileSync } from "node:fs";

/** The password of `admin` in StreamPark's seed data. */
export const DEFAULT_ADMIN_PASSWORD = "streampark";
/** Start of the description of everything the bootstrap registers; it only ever removes entries carrying it. */
export const MANAGED_MARKER = "Managed by flink-platform";
/** StreamPark's execution mode "remote": a standalone session cluster reached through its REST URL. */
export const REMOTE_MODE = 1;

export interface FlinkHomePlan {
  readonly name: string;
  /** Directory inside the StreamPark pod. */
  readonly home: string;
  readonly description: string;
}

export interface ClusterPlan {
  readonly name: string;
  /** JobManager REST URL. */
  readonly address: string;
  /** Name of the Flink home the cluster's jobs are built and submitted with. */
  readonly flinkHome: string;
  readonly description: string;
}

export interface BootstrapPlan {
  readonly adminUser: string;
  readonly flinkHomes: readonly FlinkHomePlan[];
  readonly clusters: readonly ClusterPlan[];
}

export interface BootstrapOptions {
  /** StreamPark's base URL, e.g. http://streampark.flink.svc:10000 */
  readonly baseUrl: string;
  /** The password the admin must end up with. */
  readonly adminPassword: string;
  /** How long to wait for StreamPark to answer at all (default 10 minutes). */
  readonly waitTimeoutMs?: number;
  readonly retryIntervalMs?: number;
  readonly log?: (line: string) => void;
}

interface ApiBody {
  readonly status?: string;
  readonly code?: number | string;
  readonly message?: string;
  readonly data?: unknown;
}

interface Session {
  readonly token: string;
  readonly userId: string;
}

interface FlinkEnvRecord {
  readonly id: string | number;
  readonly flinkName: string;
  readonly flinkHome: string;
}

interface FlinkClusterRecord {
  readonly id: string | number;
  readonly clusterName: string;
  readonly address?: string | null;
  readonly executionMode?: number | string | null;
  readonly versionId?: string | number | null;
  readonly description?: string | null;
}

type Form = Readonly<Record<string, string | number>>;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One HTTP call with a form body; the body is parsed as JSON when it is JSON. */
async function send(
  baseUrl: string,
  method: string,
  path: string,
  form: Form,
  token?: string,
): Promise<{ status: number; body: ApiBody }> {
  const body = new URLSearchParams(Object.entries(form).map(([k, v]): [string, string] => [k, String(v)]));
  const response = await fetch(new URL(path, baseUrl), {
    method,
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      ...(token ? { Authorization: token } : {}),
    },
    body: body.toString(),
  });
  const text = await response.text();
  let parsed: ApiBody = {};
  try {
    parsed = text ? (JSON.parse(text) as ApiBody) : {};
  } catch {
    parsed = { message: text.slice(0, 300) };
  }
  return { status: response.status, body: parsed };
}

/** An authenticated call; anything but HTTP 200 without an error status is a failure. */
async function call(baseUrl: string, session: Session, method: string, path: string, form: Form = {}) {
  const { status, body } = await send(baseUrl, method, path, form, session.token);
  if (status !== 200 || body.status === "error") {
    throw new Error(`${method} ${path} failed (HTTP ${status}): ${body.message ?? "no message"}`);
  }
  return body.data;
}

/** Sign in; undefined when StreamPark says the password is wrong. */
async function signIn(baseUrl: string, username: string, password: string): Promise<Session | undefined> {
  const { status, body } = await send(baseUrl, "POST", "/passport/signin", {
    username,
    password,
    loginType: "PASSWORD",
  });
  const data = body.data as { token?: unknown; user?: { userId?: unknown } } | undefined;
  if (status === 200 && typeof data?.token === "string") {
    return { token: data.token, userId: String(data.user?.userId) };
  }
  if (status === 200 && String(body.code) === "0") {
    return undefined;
  }
  throw new Error(
    `signing in as '${username}' failed (HTTP ${status}, code ${String(body.code)}): ${body.message ?? "no message"}`,
  );
}

/** Wait until StreamPark serves its UI; it takes a while to start. */
async function waitUntilUp(options: BootstrapOptions): Promise<void> {
  const deadline = Date.now() + (options.waitTimeoutMs ?? 600_000);
  const interval = options.retryIntervalMs ?? 5_000;
  let last = "";
  for (;;) {
    try {
      const response = await fetch(new URL("/", options.baseUrl));
      await response.arrayBuffer();
      if (response.status === 200) {
        return;
      }
      last = `HTTP ${response.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() >= deadline) {
      throw new Error(`StreamPark at ${options.baseUrl} did not come up: ${last}`);
    }
    await sleep(interval);
  }
}

/** A session as admin with the generated password, replacing the default password first if it is still set. */
async function adminSession(
  plan: BootstrapPlan,
  options: BootstrapOptions,
  changes: string[],
): Promise<Session> {
  const user = plan.adminUser;
  const current = await signIn(options.baseUrl, user, options.adminPassword);
  if (current) {
    return current;
  }
  const initial = await signIn(options.baseUrl, user, DEFAULT_ADMIN_PASSWORD);
  if (!initial) {
    throw new Error(
      `StreamPark accepts neither the generated password nor the default one for '${user}' (changed by hand?); ` +
        `set it back to the value in the admin Secret and run the bootstrap again`,
    );
  }
  await call(options.baseUrl, initial, "PUT", "/user/password", {
    userId: initial.userId,
    oldPassword: DEFAULT_ADMIN_PASSWORD,
    password: options.adminPassword,
  });
  changes.push(`replaced the default password of '${user}'`);
  const rotated = await signIn(options.baseUrl, user, options.adminPassword);
  if (!rotated) {
    throw new Error(`StreamPark did not accept the new password of '${user}'`);
  }
  return rotated;
}

async function listFlinkHomes(baseUrl: string, session: Session): Promise<FlinkEnvRecord[]> {
  return ((await call(baseUrl, session, "POST", "/flink/env/list")) ?? []) as FlinkEnvRecord[];
}

/** Register the Flink homes; returns the id of each by name. */
async function syncFlinkHomes(
  plan: BootstrapPlan,
  baseUrl: string,
  session: Session,
  changes: string[],
): Promise<Map<string, string>> {
  let existing = await listFlinkHomes(baseUrl, session);
  let changed = false;
  for (const home of plan.flinkHomes) {
    const found = existing.find((env) => env.flinkName === home.name);
    const form = { flinkName: home.name, flinkHome: home.home, description: home.description };
    if (!found) {
      await call(baseUrl, session, "POST", "/flink/env/create", form);
      changes.push(`registered Flink home ${home.name} at ${home.home}`);
      changed = true;
    } else if (found.flinkHome !== home.home) {
      await call(baseUrl, session, "POST", "/flink/env/update", { id: String(found.id), ...form });
      changes.push(`moved Flink home ${home.name} to ${home.home}`);
      changed = true;
    }
  }
  if (changed) {
    existing = await listFlinkHomes(baseUrl, session);
  }
  return new Map(existing.map((env) => [env.flinkName, String(env.id)]));
}

/** Register the session clusters in remote mode and remove the ones registered earlier that are gone. */
async function syncClusters(
  plan: BootstrapPlan,
  homes: ReadonlyMap<string, string>,
  baseUrl: string,
  session: Session,
  changes: string[],
  log: (line: string) => void,
): Promise<void> {
  const existing = ((await call(baseUrl, session, "POST", "/flink/cluster/list")) ??
    []) as FlinkClusterRecord[];
  for (const cluster of plan.clusters) {
    const versionId = homes.get(cluster.flinkHome);
    if (versionId === undefined) {
      throw new Error(`cluster ${cluster.name}: Flink home ${cluster.flinkHome} is not registered`);
    }
    const form = {
      clusterName: cluster.name,
      executionMode: REMOTE_MODE,
      versionId,
      address: cluster.address,
      description: cluster.description,
    };
    const found = existing.find((entry) => entry.clusterName === cluster.name);
    if (!found) {
      await call(baseUrl, session, "POST", "/flink/cluster/create", form);
      changes.push(`registered cluster ${cluster.name} at ${cluster.address}`);
    } else if (String(found.executionMode) !== String(REMOTE_MODE) || String(found.versionId) !== versionId) {
      // StreamPark's update keeps the mode and Flink home of a cluster; registering it again is the only way.
      await call(baseUrl, session, "POST", "/flink/cluster/delete", { id: String(found.id) });
      await call(baseUrl, session, "POST", "/flink/cluster/create", form);
      changes.push(`registered cluster ${cluster.name} again with Flink home ${cluster.flinkHome}`);
    } else if (found.address !== cluster.address || (found.description ?? "") !== cluster.description) {
      await call(baseUrl, session, "POST", "/flink/cluster/update", { id: String(found.id), ...form });
      changes.push(`updated cluster ${cluster.name} to ${cluster.address}`);
    }
  }
  const wanted = new Set(plan.clusters.map((cluster) => cluster.name));
  for (const entry of existing) {
    if (wanted.has(entry.clusterName) || !(entry.description ?? "").startsWith(MANAGED_MARKER)) {
      continue;
    }
    try {
      await call(baseUrl, session, "POST", "/flink/cluster/delete", { id: String(entry.id) });
      changes.push(`removed cluster ${entry.clusterName}, which the platform no longer runs`);
    } catch (err) {
      // StreamPark refuses while jobs still reference the cluster; they are the users' to move.
      log(`kept cluster ${entry.clusterName}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

/** Bring StreamPark to the plan. Returns what it changed; an empty list means everything was in place. */
export async function bootstrap(plan: BootstrapPlan, options: BootstrapOptions): Promise<string[]> {
  const log = options.log ?? (() => undefined);
  const changes: string[] = [];
  await waitUntilUp(options);
  const session = await adminSession(plan, options, changes);
  const homes = await syncFlinkHomes(plan, options.baseUrl, session, changes);
  await syncClusters(plan, homes, options.baseUrl, session, changes, log);
  return changes;
}

/** Entry point of the Job: the plan from a file, the password and URL from the environment. */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const planFile = env.BOOTSTRAP_PLAN ?? "/bootstrap/plan.json";
  const adminPassword = env.ADMIN_PASSWORD;
  const baseUrl = env.STREAMPARK_URL;
  if (!adminPassword || !baseUrl) {
    throw new Error("ADMIN_PASSWORD and STREAMPARK_URL must be set");
  }
  const plan = JSON.parse(readFileSync(planFile, "utf8")) as BootstrapPlan;
  const changes = await bootstrap(plan, { baseUrl, adminPassword, log: (line) => console.log(line) });
  console.log(
    changes.length > 0 ? changes.join("\n") : "StreamPark already matches the platform; nothing changed",
  );
}

if (process.env.STREAMPARK_BOOTSTRAP === "run") {
  main().catch((err: unknown) => {
    console.error(`bootstrap failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}
