/**
 * Ports on the loopback the suite's pods share (localConfig.ts rule 4): a process gets the port the platform
 * rendered while no other process holds it, and the next free one from a private range otherwise.
 */
export class PortAllocator {
  private readonly used = new Set<number>();
  private next: number;

  constructor(first = 31000) {
    this.next = first;
  }

  /** The rendered port if free, else a fresh one; either way it is held until `release`. */
  take(rendered: number): number {
    if (!this.used.has(rendered)) {
      this.used.add(rendered);
      return rendered;
    }
    while (this.used.has(this.next)) {
      this.next++;
    }
    this.used.add(this.next);
    return this.next++;
  }

  /** Hold a port a service listens on (MinIO, ZooKeeper, ...), so that no pod is given it. */
  hold(port: number): void {
    this.used.add(port);
  }

  release(ports: Iterable<number>): void {
    for (const port of ports) {
      this.used.delete(port);
    }
  }
}

/** The Flink port keys a JobManager and a TaskManager bind, by role. */
export const BOUND_PORT_KEYS = {
  jobmanager: [
    "rest.port",
    "jobmanager.rpc.port",
    "blob.server.port",
    "metrics.internal.query-service.port",
    "metrics.reporter.prom.port",
  ],
  taskmanager: [
    "taskmanager.rpc.port",
    "taskmanager.data.port",
    "metrics.internal.query-service.port",
    "metrics.reporter.prom.port",
  ],
} as const;

/**
 * Ports for one process: each bound key with its rendered value gets `take`n; returns only the keys whose port
 * had to change (what rule 4 overrides) and every port taken (to release when the process is gone).
 */
export function processPorts(
  allocator: PortAllocator,
  conf: Readonly<Record<string, string>>,
  keys: readonly string[],
): { overrides: Record<string, number>; taken: number[] } {
  const overrides: Record<string, number> = {};
  const taken: number[] = [];
  for (const key of keys) {
    const rendered = Number(conf[key]);
    if (!Number.isInteger(rendered) || rendered <= 0) {
      throw new Error(
        `the configuration has no fixed port for ${key} (${conf[key]}): the platform fixes every one`,
      );
    }
    const port = allocator.take(rendered);
    taken.push(port);
    if (port !== rendered) {
      overrides[key] = port;
    }
  }
  return { overrides, taken };
}
