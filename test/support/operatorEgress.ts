/**
 * The API server's way to the operator's webhook. The API server calls an admission webhook that is configured by
 * Service (the chart's `flink-operator-webhook-service`) at that Service's cluster IP (kube-apiserver's default
 * ClusterIP service resolver, without --enable-aggregator-routing) and dials it through its egress selector's
 * "cluster" network. scripts/with-cluster.sh points that network at an HTTP CONNECT proxy on a Unix socket
 * (CLUSTER_EGRESS_SOCKET) that nothing serves by default, so every such call fails at once. This class serves it,
 * playing kube-proxy for the pods whose containers run as processes on this machine: `CONNECT <clusterIP>:<port>` is
 * resolved as kube-proxy would resolve it (the Service with that cluster IP, its port's targetPort, a registered pod
 * that the Service's selector selects) to the host port that stands for that container port. Anything else is
 * refused (502), as before.
 *
 * Why not the alternatives: with --enable-aggregator-routing the API server dials an EndpointSlice address, and
 * endpoint addresses may not be loopback; a `url:` client config would mean changing the chart's webhook
 * configurations, which are what is under test. Here the chart's objects stay as they are, TLS is verified against
 * the Service's DNS name (`<service>.<namespace>.svc`) with the CA bundle injected into the webhook configuration,
 * and only 127.0.0.1 is dialed.
 *
 * While a registered container is starting (it does not accept connections yet), a connection is held for up to
 * `holdMs` (9 s), as a pod is not Ready before its process serves; within the webhook's own timeout (10 s).
 */
import * as fs from "fs";
import * as net from "net";
import { KubeApi, KubeObject } from "./kubeApi";

/** A pod whose containers run on this machine: its labels, and the host port of each container port. */
export interface HostPod {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly portMap: Readonly<Record<number, number>>;
}

/** One connection the API server asked for, and where it went. */
export interface EgressRecord {
  readonly target: string;
  readonly service?: string;
  readonly hostPort?: number;
  readonly outcome: "connected" | "refused" | "unreachable";
  /** When the API server asked, and when the connection was made (or given up), as Date.now(). */
  readonly requestedAt: number;
  readonly at: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class OperatorEgress {
  /** Every CONNECT, in order. */
  readonly records: EgressRecord[] = [];
  private readonly pods = new Map<string, HostPod>();
  private readonly sockets = new Set<net.Socket>();
  private server: net.Server | undefined;

  constructor(
    private readonly api: KubeApi,
    private readonly socketPath: string,
    private readonly holdMs = 9000,
  ) {}

  async start(): Promise<void> {
    fs.rmSync(this.socketPath, { force: true });
    this.server = net.createServer((client) => this.handle(client));
    // The API server keeps its webhook connections alive: close() must cut them, or it would wait for them forever.
    this.server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.once("close", () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(this.socketPath, () => resolve());
    });
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of this.sockets) {
        socket.destroy();
      }
      await closed;
    }
    fs.rmSync(this.socketPath, { force: true });
  }

  /** Registers (or replaces, by `key`) a pod whose containers listen on this machine. */
  register(key: string, pod: HostPod): void {
    this.pods.set(key, pod);
  }

  unregister(key: string): void {
    this.pods.delete(key);
  }

  private handle(client: net.Socket): void {
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) {
        return;
      }
      client.off("data", onData);
      client.pause();
      const rest = head.subarray(end + 4);
      const match = /^CONNECT (\S+):(\d+) HTTP\/1\.[01]\r\n/.exec(
        head.subarray(0, end + 2).toString("latin1"),
      );
      if (!match) {
        client.end("HTTP/1.1 405 Method Not Allowed\r\n\r\n");
        return;
      }
      void this.connect(client, match[1], Number(match[2]), rest);
    };
    client.on("data", onData);
    client.on("error", () => client.destroy());
  }

  private async connect(client: net.Socket, host: string, port: number, rest: Buffer): Promise<void> {
    const target = `${host}:${port}`;
    const requestedAt = Date.now();
    const route = await this.resolve(host, port).catch(() => undefined);
    if (!route) {
      this.records.push({ target, outcome: "refused", requestedAt, at: Date.now() });
      client.end("HTTP/1.1 502 Bad Gateway\r\n\r\n");
      return;
    }
    const started = Date.now();
    for (;;) {
      const upstream = await new Promise<net.Socket | undefined>((resolve) => {
        const socket = net.connect({ host: "127.0.0.1", port: route.hostPort });
        socket.once("connect", () => resolve(socket));
        socket.once("error", () => resolve(undefined));
      });
      if (upstream) {
        this.records.push({ target, ...route, outcome: "connected", requestedAt, at: Date.now() });
        client.write("HTTP/1.1 200 Connection established\r\n\r\n");
        if (rest.length > 0) {
          upstream.write(rest);
        }
        upstream.on("error", () => client.destroy());
        client.on("error", () => upstream.destroy());
        client.once("close", () => upstream.destroy());
        upstream.once("close", () => client.destroy());
        client.pipe(upstream).pipe(client);
        client.resume();
        return;
      }
      if (Date.now() - started >= this.holdMs || client.destroyed) {
        this.records.push({ target, ...route, outcome: "unreachable", requestedAt, at: Date.now() });
        client.end("HTTP/1.1 503 Service Unavailable\r\n\r\n");
        return;
      }
      await sleep(200);
    }
  }

  /** kube-proxy's answer for a cluster IP and port: the Service, and the host port of a pod it selects. */
  private async resolve(
    host: string,
    port: number,
  ): Promise<{ service: string; hostPort: number } | undefined> {
    const services = await this.api.list("v1", "Service");
    const service = services.find((s: KubeObject) => (s.spec as any)?.clusterIP === host);
    if (!service) {
      return undefined;
    }
    const spec = service.spec as any;
    const servicePort = (spec.ports as any[]).find((p) => p.port === port);
    const selector = (spec.selector ?? {}) as Record<string, string>;
    if (!servicePort || typeof servicePort.targetPort !== "number" || Object.keys(selector).length === 0) {
      return undefined;
    }
    for (const pod of this.pods.values()) {
      const selected =
        pod.namespace === service.metadata.namespace &&
        Object.entries(selector).every(([k, v]) => pod.labels[k] === v);
      const hostPort = pod.portMap[servicePort.targetPort];
      if (selected && hostPort) {
        return { service: `${service.metadata.namespace}/${service.metadata.name}`, hostPort };
      }
    }
    return undefined;
  }
}
