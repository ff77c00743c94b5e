/**
 * An in-process stand-in for StreamPark 2.1.7's REST API, as far as the bootstrap uses it: the same paths, methods,
 * form bodies, Authorization header and answers (ids as strings, `{code: 0}` for a wrong password, HTTP 500 with
 * `status: "error"` for refused operations, HTTP 401 with an empty body without a valid token). It records every
 * call that changes something, so tests can assert that a second run changes nothing.
 */
import * as http from "http";
import type { AddressInfo } from "net";

export const ADMIN_ID = "100000";

export interface FakeFlinkEnv {
  id: string;
  flinkName: string;
  flinkHome: string;
  description: string;
  version: string;
  isDefault: boolean;
}

export interface FakeFlinkCluster {
  id: string;
  clusterName: string;
  address: string;
  executionMode: number;
  versionId: string;
  description: string;
  /** Jobs bound to the cluster: StreamPark refuses to delete it then. */
  jobs: number;
}

export class FakeStreamPark {
  public adminPassword = "streampark";
  public envs: FakeFlinkEnv[] = [];
  public clusters: FakeFlinkCluster[] = [];
  /** "METHOD /path" of every call that changed state, in order. */
  public readonly mutations: string[] = [];
  /** Answer this many requests with 503 before serving (StreamPark still starting). */
  public unavailableRequests = 0;
  /** Flink homes whose creation fails (StreamPark could not read the directory). */
  public readonly unreadableHomes = new Set<string>();
  private readonly tokens = new Set<string>();
  private nextId = 100000;
  private server?: http.Server;

  /** Start listening on a free local port; resolves to the base URL. */
  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const { status, body } = this.handle(req, Buffer.concat(chunks).toString("utf8"));
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(body === undefined ? "" : JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve, reject) =>
      this.server?.close((err) => (err ? reject(err) : resolve())),
    );
  }

  addEnv(env: Omit<FakeFlinkEnv, "id" | "version" | "isDefault">): FakeFlinkEnv {
    const created = {
      ...env,
      id: String(this.nextId++),
      version: "1.20.4",
      isDefault: this.envs.length === 0,
    };
    this.envs.push(created);
    return created;
  }

  addCluster(cluster: Omit<FakeFlinkCluster, "id" | "jobs"> & { jobs?: number }): FakeFlinkCluster {
    const created = { jobs: 0, ...cluster, id: String(this.nextId++) };
    this.clusters.push(created);
    return created;
  }

  private handle(req: http.IncomingMessage, raw: string): { status: number; body?: unknown } {
    if (this.unavailableRequests > 0) {
      this.unavailableRequests--;
      return { status: 503, body: { message: "starting" } };
    }
    const form = Object.fromEntries(new URLSearchParams(raw));
    const route = `${req.method} ${new URL(req.url ?? "/", "http://x").pathname}`;
    if (route === "GET /") {
      return { status: 200, body: "<html>StreamPark</html>" };
    }
    if (route === "POST /passport/signin") {
      return this.signIn(form);
    }
    const token = req.headers.authorization;
    if (!token || !this.tokens.has(token)) {
      return { status: 401 };
    }
    const ok = (data?: unknown) => ({ status: 200, body: { status: "success", code: 200, data } });
    const refuse = (message: string) => ({
      status: 500,
      body: { status: "error", code: 501, message, data: null },
    });
    switch (route) {
      case "PUT /user/password": {
        if (form.userId !== ADMIN_ID) {
          return refuse("User is null. Update password failed.");
        }
        if (form.oldPassword !== this.adminPassword) {
          return refuse("Old password error. Update password failed.");
        }
        this.adminPassword = form.password;
        this.mutations.push(route);
        return ok();
      }
      case "POST /flink/env/list":
        return ok(this.envs.map((env) => ({ ...env, flinkConf: "eJwrSS0u0c3JT89VyMsvSgUAKkUFzg==" })));
      case "POST /flink/env/create": {
        if (this.unreadableHomes.has(form.flinkHome)) {
          return {
            status: 500,
            body: { status: "error", code: 502, message: `${form.flinkHome}/lib not found` },
          };
        }
        this.addEnv({
          flinkName: form.flinkName,
          flinkHome: form.flinkHome,
          description: form.description ?? "",
        });
        this.mutations.push(route);
        return ok(true);
      }
      case "POST /flink/env/update": {
        const env = this.envs.find((e) => e.id === form.id);
        if (!env) {
          return refuse("The flink home does not exist, please check.");
        }
        if (this.clusters.some((c) => c.versionId === env.id)) {
          return refuse("The flink home is still in use by some flink cluster, please check.");
        }
        Object.assign(env, {
          flinkName: form.flinkName,
          flinkHome: form.flinkHome,
          description: form.description,
        });
        this.mutations.push(route);
        return ok(true);
      }
      case "POST /flink/cluster/list":
        return ok(this.clusters.map(({ jobs: _jobs, ...cluster }) => ({ ...cluster, clusterState: 1 })));
      case "POST /flink/cluster/create": {
        this.addCluster({
          clusterName: form.clusterName,
          address: form.address,
          executionMode: Number(form.executionMode),
          versionId: form.versionId,
          description: form.description ?? "",
        });
        this.mutations.push(route);
        return ok(true);
      }
      case "POST /flink/cluster/update": {
        // Like StreamPark: for a remote cluster only the name, description and address change.
        const cluster = this.clusters.find((c) => c.id === form.id);
        if (!cluster) {
          return { status: 500, body: { status: "error", code: 500, message: "internal server error: NPE" } };
        }
        Object.assign(cluster, {
          clusterName: form.clusterName,
          description: form.description,
          address: form.address,
        });
        this.mutations.push(route);
        return ok();
      }
      case "POST /flink/cluster/delete": {
        const cluster = this.clusters.find((c) => c.id === form.id);
        if (!cluster) {
          return refuse("flink cluster not exist, please check.");
        }
        if (cluster.jobs > 0) {
          return refuse("some app on this cluster, the cluster cannot be delete, please check.");
        }
        this.clusters = this.clusters.filter((c) => c !== cluster);
        this.mutations.push(route);
        return ok();
      }
      default:
        return { status: 404, body: { status: 404, error: "Not Found", path: route } };
    }
  }

  private signIn(form: Record<string, string>): { status: number; body: unknown } {
    if (!form.username) {
      return { status: 200, body: { status: "success", code: 0 } };
    }
    if (form.loginType !== "PASSWORD") {
      return { status: 500, body: { status: "error", code: 501, message: "the login type is null." } };
    }
    if (form.username !== "admin") {
      return {
        status: 500,
        body: {
          status: "error",
          code: 501,
          message: `user [${form.username}] does not exist or can not login with PASSWORD`,
        },
      };
    }
    if (form.password !== this.adminPassword) {
      return { status: 200, body: { status: "success", code: 0 } };
    }
    const token = `token-${this.tokens.size + 1}`;
    this.tokens.add(token);
    return {
      status: 200,
      body: {
        data: {
          token,
          expire: "2026-01-01 00:00:00",
          user: {
            userId: ADMIN_ID,
            username: "admin",
            password: "******",
            salt: "******",
            lastTeamId: "100000",
          },
          permissions: ["cluster:create", "cluster:update"],
        },
      },
    };
  }
}
