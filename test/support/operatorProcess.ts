/**
 * A container of the operator's pod running as a process on this machine (operatorPod.ts says how it is made): its
 * output goes to a log file (the container's log), it is stopped by its PID (TERM, then KILL after a grace period,
 * as the kubelet stops a container), and the suite can wait until it answers, as the chart's probes would. Should the
 * suite itself end first (an interrupted run: SIGTERM, SIGINT, or an exit without its after hooks), every process
 * still running is killed by its PID on the way out, so none outlives it.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import type { HostProcessSpec } from "./operatorPod";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Processes still running, for the exit and signal handlers (installed while there are any). */
const live = new Set<ChildProcess>();
function killLive(): void {
  for (const child of live) {
    if (child.pid !== undefined) {
      try {
        process.kill(child.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  }
}
const onTerm = () => {
  killLive();
  process.exit(143);
};
const onInt = () => {
  killLive();
  process.exit(130);
};
function track(child: ChildProcess): void {
  if (live.size === 0) {
    process.on("exit", killLive);
    process.on("SIGTERM", onTerm);
    process.on("SIGINT", onInt);
  }
  live.add(child);
  child.once("exit", () => {
    live.delete(child);
    if (live.size === 0) {
      process.off("exit", killLive);
      process.off("SIGTERM", onTerm);
      process.off("SIGINT", onInt);
    }
  });
}

/** A port nothing listens on (on 127.0.0.1), below the ephemeral range as scripts/with-cluster.sh picks them. */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once("error", () => resolve(false));
      server.listen(port, () => server.close(() => resolve(true)));
    });
    if (free) {
      return port;
    }
  }
  throw new Error("no free port");
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

export class OperatorProcess {
  readonly logFile: string;
  readonly startedAt = Date.now();
  /** When it first passed a `waitUntil` (its probe), as Date.now(). */
  readyAt: number | undefined;
  private readonly child: ChildProcess;
  private exit: { code: number | null; signal: string | null } | undefined;
  private readonly exited: Promise<void>;

  constructor(
    readonly spec: HostProcessSpec,
    logDir: string,
  ) {
    fs.mkdirSync(logDir, { recursive: true });
    this.logFile = path.join(logDir, `${spec.container}.log`);
    const log = fs.openSync(this.logFile, "a");
    this.child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: { ...spec.env },
      stdio: ["ignore", log, log],
    });
    fs.closeSync(log);
    track(this.child);
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => {
        this.exit = { code, signal };
        resolve();
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** The log's last `lines` lines (for failure messages). */
  tail(lines = 40): string {
    const text = fs.existsSync(this.logFile) ? fs.readFileSync(this.logFile, "utf8") : "";
    return text.split("\n").slice(-lines).join("\n");
  }

  /** The whole log. */
  log(): string {
    return fs.existsSync(this.logFile) ? fs.readFileSync(this.logFile, "utf8") : "";
  }

  /** Waits until `ready()` holds; fails at once when the process exits, or after `timeoutMs`. */
  async waitUntil(what: string, ready: () => Promise<boolean>, timeoutMs = 180_000): Promise<number> {
    while (Date.now() - this.startedAt < timeoutMs) {
      if (!this.running) {
        throw new Error(
          `${this.spec.container} exited (${JSON.stringify(this.exit)}) before ${what}:\n${this.tail()}`,
        );
      }
      if (await ready()) {
        this.readyAt ??= Date.now();
        return Date.now() - this.startedAt;
      }
      await sleep(250);
    }
    throw new Error(`${this.spec.container}: no ${what} after ${timeoutMs / 1000} s:\n${this.tail()}`);
  }

  /** TERM, then KILL after `graceMs`; resolves when the process is gone. */
  async stop(graceMs = 15_000): Promise<void> {
    if (!this.running || this.pid === undefined) {
      return;
    }
    process.kill(this.pid, "SIGTERM");
    const timer = setTimeout(() => {
      if (this.running && this.pid !== undefined) {
        process.kill(this.pid, "SIGKILL");
      }
    }, graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
