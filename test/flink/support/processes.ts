/**
 * A small process manager for the real-Flink suite: processes are spawned without a shell, their stdout and stderr
 * go straight to one log file each (the child writes it, so nothing is lost when the test process is busy), and
 * each is stopped by its own PID: SIGTERM, then SIGKILL after a grace period. A ProcessGroup tracks everything it
 * started, stops it all at the end and says which processes had to be killed; should the test process itself exit
 * early, every child still running is sent SIGKILL. The waits fail with the tail of the process's log.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";

export interface StartOptions {
  /** The complete environment of the process (nothing is inherited when given). Default: this process's. */
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Folder of `<name>.log` (created). Default: the group's log folder. */
  readonly logDir?: string;
  /** Written to the process's standard input, which is then closed (how secrets reach a client). Default: none. */
  readonly stdin?: string;
}

export interface RunningProcess {
  readonly name: string;
  readonly pid: number;
  /** stdout and stderr, interleaved as written (appended to, when a process of the same name ran before). */
  readonly logFile: string;
  /** Byte offset in logFile where this process's output begins. */
  readonly logOffset: number;
  /** The command line, for messages (arguments are never secrets: those go in the environment). */
  readonly commandLine: string;
  /** Date.now() when spawned. */
  readonly startedAt: number;
  /** Resolves when the process has exited: its exit code, or null when a signal ended it. */
  readonly exited: Promise<number | null>;
  /** Whether it has exited. */
  readonly hasExited: () => boolean;
  /** The signal that ended it, once exited by one. */
  readonly exitSignal: () => NodeJS.Signals | null;
  /** SIGTERM, then SIGKILL when it has not exited after `graceMs` (default 10 s); resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL at once (a crash, as `kill -9`); resolves once it has exited. */
  kill9(): Promise<void>;
  /** Whether the last stop() had to send SIGKILL. */
  readonly wasKilled: () => boolean;
  /** Record that the process is ready now; returns (and keeps) the time since it was spawned. */
  markReady(): number;
  /** Milliseconds from spawn to markReady(), once marked. */
  readonly readyMs: () => number | undefined;
}

/** Every child still running; SIGKILLed should this process exit before they were stopped. */
const live = new Set<RunningProcess>();
process.on("exit", () => {
  for (const p of live) {
    try {
      process.kill(p.pid, "SIGKILL");
    } catch {
      // Gone already.
    }
  }
});

/** Spawn `command` with `args` (no shell), its output in `<logDir>/<name>.log`. */
export function startProcess(
  name: string,
  command: string,
  args: readonly string[],
  options: StartOptions & { readonly logDir: string },
): RunningProcess {
  fs.mkdirSync(options.logDir, { recursive: true });
  const logFile = path.join(options.logDir, `${name.replace(/[^\w.-]/g, "_")}.log`);
  const commandLine = [command, ...args].join(" ");
  const fd = fs.openSync(logFile, "a");
  const logOffset = fs.fstatSync(fd).size;
  fs.writeSync(fd, `# ${new Date().toISOString()} ${commandLine}\n`);
  let child: ChildProcess;
  try {
    child = spawn(command, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: [options.stdin === undefined ? "ignore" : "pipe", fd, fd],
    });
    if (options.stdin !== undefined && child.stdin) {
      // A process that exits without reading its input must not fail the test process with EPIPE.
      child.stdin.on("error", () => undefined);
      child.stdin.end(options.stdin);
    }
  } finally {
    fs.closeSync(fd);
  }
  let spawnError: Error | undefined;
  let exitCode: number | null | undefined;
  let signal: NodeJS.Signals | null = null;
  const exited = new Promise<number | null>((resolve) => {
    child.once("error", (error) => {
      spawnError = error;
      if (child.pid === undefined) {
        exitCode = null;
        resolve(null);
      }
    });
    child.once("exit", (code, sig) => {
      exitCode = code;
      signal = sig;
      live.delete(handle);
      resolve(code);
    });
  });
  if (child.pid === undefined) {
    // spawn failed (no such file, not executable); the error event follows on the next tick.
    throw new Error(
      `${name}: could not start ${command} (${spawnError ? spawnError.message : "not found, or not executable"})`,
    );
  }
  const pid = child.pid;
  const startedAt = Date.now();
  let killed = false;
  let ready: number | undefined;
  const hasExited = () => exitCode !== undefined;
  // Only signal the PID while its process has not been reaped: after that the number may be someone else's.
  const signalPid = (sig: NodeJS.Signals) => {
    if (!hasExited()) {
      try {
        process.kill(pid, sig);
      } catch {
        // It exited between the check and the signal.
      }
    }
  };
  const handle: RunningProcess = {
    name,
    pid,
    logFile,
    logOffset,
    commandLine,
    startedAt,
    exited,
    hasExited,
    exitSignal: () => signal,
    wasKilled: () => killed,
    async stop(graceMs = 10_000) {
      if (hasExited()) {
        return;
      }
      signalPid("SIGTERM");
      const inTime = await Promise.race([exited.then(() => true), delay(graceMs, true).then(() => false)]);
      if (!inTime) {
        killed = true;
        signalPid("SIGKILL");
        await exited;
      }
    },
    async kill9() {
      signalPid("SIGKILL");
      await exited;
    },
    markReady() {
      ready = Date.now() - startedAt;
      return ready;
    },
    readyMs: () => ready,
  };
  live.add(handle);
  return handle;
}

/** How long one process took to be ready. */
export interface StartTiming {
  readonly name: string;
  readonly readyMs: number;
}

/** What stopAll() did. */
export interface StopReport {
  /** Every process that was still running and stopped on SIGTERM. */
  readonly stopped: string[];
  /** The ones that did not exit within the grace period and were sent SIGKILL. */
  readonly killed: string[];
}

/** Every process started through it, stopped by PID at the end. */
export class ProcessGroup {
  readonly logDir: string;
  private readonly processes: RunningProcess[] = [];

  constructor(options: { readonly logDir?: string } = {}) {
    this.logDir = options.logDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "flink-suite-logs-"));
  }

  start(name: string, command: string, args: readonly string[], options: StartOptions = {}): RunningProcess {
    if (this.processes.some((p) => p.name === name && !p.hasExited())) {
      throw new Error(`a process named ${name} is already running (PID ${this.get(name)?.pid})`);
    }
    const started = startProcess(name, command, args, { ...options, logDir: options.logDir ?? this.logDir });
    this.processes.push(started);
    return started;
  }

  /** The last process started under `name`. */
  get(name: string): RunningProcess | undefined {
    return this.processes.filter((p) => p.name === name).pop();
  }

  /** Every process started, in start order. */
  all(): readonly RunningProcess[] {
    return [...this.processes];
  }

  /** Ready times of every process marked ready, in start order (the suite's benchmark prints them). */
  timings(): StartTiming[] {
    return this.processes.flatMap((p) => {
      const readyMs = p.readyMs();
      return readyMs === undefined ? [] : [{ name: p.name, readyMs }];
    });
  }

  /**
   * Stop every process still running, the last started first (clients before the servers they use), each by PID:
   * SIGTERM, then SIGKILL after `graceMs`. Reports, and prints, the ones that had to be killed.
   */
  async stopAll(graceMs = 10_000): Promise<StopReport> {
    const report: StopReport = { stopped: [], killed: [] };
    for (const p of [...this.processes].reverse()) {
      if (p.hasExited()) {
        continue;
      }
      await p.stop(graceMs);
      (p.wasKilled() ? report.killed : report.stopped).push(p.name);
    }
    for (const name of report.killed) {
      process.stderr.write(`process ${name} did not stop within ${graceMs} ms of SIGTERM and was killed\n`);
    }
    return report;
  }
}

/** The last `lines` lines of a log file. */
export function logTail(file: string, lines = 40): string {
  try {
    const text = fs.readFileSync(file, "utf8").replace(/\n$/, "");
    return text.split("\n").slice(-lines).join("\n");
  } catch {
    return `(no log at ${file})`;
  }
}

function describe(p: RunningProcess): string {
  return `${p.name} (PID ${p.pid}, log ${p.logFile})`;
}

function exitDescription(p: RunningProcess): string {
  const signal = p.exitSignal();
  return signal ? `was ended by ${signal}` : "exited";
}

/** The error of a failed wait: what was awaited, what was last seen, and the tail of the process's log. */
function waitError(what: string, seen: string, p?: RunningProcess): Error {
  const tail = p ? `\n--- last lines of ${p.logFile} ---\n${logTail(p.logFile)}` : "";
  return new Error(`${what}${seen ? ` (last seen: ${seen})` : ""}${tail}`);
}

/**
 * Poll `check` every `intervalMs` until it returns true, the deadline passes or `process` exits; `check` returns
 * true, or a string saying what it saw.
 */
async function poll(
  what: string,
  timeoutMs: number,
  check: () => Promise<true | string>,
  p?: RunningProcess,
  intervalMs = 250,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = "";
  for (;;) {
    const result = await check();
    if (result === true) {
      return;
    }
    seen = result;
    if (p?.hasExited()) {
      throw waitError(`${what}: ${describe(p)} ${exitDescription(p)} with code ${await p.exited}`, seen, p);
    }
    if (Date.now() >= deadline) {
      throw waitError(`${what}: not within ${Math.round(timeoutMs / 1000)} s`, seen, p);
    }
    await delay(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
}

export interface HttpWaitOptions {
  readonly timeoutMs: number;
  /** Whether a response means ready. Default: a 2xx or 3xx status. */
  readonly ok?: (status: number, body: string) => boolean;
  /** The process that should answer: its exit fails the wait at once, and its log tail is in the error. */
  readonly process?: RunningProcess;
}

/** Wait until `url` answers in a way `ok` accepts; returns the accepted response's status and body. */
export async function waitForHttp(
  url: string,
  options: HttpWaitOptions,
): Promise<{ status: number; body: string }> {
  const ok = options.ok ?? ((status) => status >= 200 && status < 400);
  let answer: { status: number; body: string } | undefined;
  await poll(
    `waiting for ${url}`,
    options.timeoutMs,
    async () => {
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(5000), redirect: "manual" });
        const body = await response.text();
        if (ok(response.status, body)) {
          answer = { status: response.status, body };
          return true;
        }
        return `HTTP ${response.status} ${body.slice(0, 200)}`;
      } catch (error) {
        return errorText(error);
      }
    },
    options.process,
  );
  return answer!;
}

/** Wait until a TCP connection to host:port is accepted. */
export async function waitForPort(
  host: string,
  port: number,
  timeoutMs: number,
  p?: RunningProcess,
): Promise<void> {
  await poll(`waiting for ${host}:${port} to accept connections`, timeoutMs, () => tryConnect(host, port), p);
}

/** What this process wrote to its log (not what an earlier process of the same name did). */
export function logOf(p: RunningProcess): string {
  try {
    return fs.readFileSync(p.logFile).subarray(p.logOffset).toString("utf8");
  } catch {
    return "";
  }
}

/** Wait until the output of this process matches `pattern`; returns the match. */
export async function waitForLog(
  p: RunningProcess,
  pattern: RegExp,
  timeoutMs: number,
): Promise<RegExpMatchArray> {
  let match: RegExpMatchArray | null = null;
  await poll(
    `waiting for /${pattern.source}/ in the log of ${p.name}`,
    timeoutMs,
    () => {
      match = logOf(p).match(pattern);
      return Promise.resolve(match ? true : "");
    },
    p,
  );
  return match!;
}

/** Wait until the process exits; fails (with its log) when it does not within `timeoutMs`. Returns the code. */
export async function waitForExit(p: RunningProcess, timeoutMs: number): Promise<number | null> {
  const result = await Promise.race([
    p.exited.then((code) => ({ code })),
    delay(timeoutMs, true).then(() => undefined),
  ]);
  if (!result) {
    throw waitError(
      `waiting for ${describe(p)} to exit: still running after ${Math.round(timeoutMs / 1000)} s`,
      "",
      p,
    );
  }
  return result.code;
}

/** Run a command to completion: its exit code and log. Fails only when it does not exit within `timeoutMs`. */
export async function runToCompletion(
  group: ProcessGroup,
  name: string,
  command: string,
  args: readonly string[],
  options: StartOptions & { readonly timeoutMs: number },
): Promise<{ code: number | null; log: string; process: RunningProcess }> {
  const p = group.start(name, command, args, options);
  const code = await waitForExit(p, options.timeoutMs);
  return { code, log: logOf(p), process: p };
}

/** A TCP port on 127.0.0.1 that nothing listens on now (the kernel's pick). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}

function tryConnect(host: string, port: number): Promise<true | string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (result: true | string) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(2000, () => done("connect timed out"));
    socket.once("connect", () => done(true));
    socket.once("error", (error) => done(errorText(error)));
  });
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
  }
  return String(error);
}

/** A promise that resolves after `ms`; an `unref` timer does not keep the test process alive on its own. */
export function delay(ms: number, unref = false): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    if (unref) {
      timer.unref();
    }
  });
}

/** A listening TCP socket of this network namespace. */
export interface TcpListener {
  /** Dotted IPv4 or IPv6 (`::` for any, `::1` for loopback). */
  readonly address: string;
  readonly port: number;
}

/** Decode a /proc/net/tcp{,6} address: 32-bit words in host (little-endian) order. */
function procAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((w) => (w.match(/../g) ?? []).reverse().map((b) => parseInt(b, 16)));
  if (bytes.length === 4) {
    return bytes.join(".");
  }
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
    return `::ffff:${bytes.slice(12).join(".")}`;
  }
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i] << 8) | bytes[2 * i + 1]).toString(16));
  const text = groups.join(":");
  return text === "0:0:0:0:0:0:0:0" ? "::" : text === "0:0:0:0:0:0:0:1" ? "::1" : text;
}

/** Every listening TCP socket in this process's network namespace (from /proc/net/tcp and tcp6). */
export function tcpListeners(): TcpListener[] {
  const result: TcpListener[] = [];
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    const lines = fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").slice(1) : [];
    for (const line of lines) {
      const fields = line.trim().split(/\s+/);
      // st 0A is LISTEN.
      if (fields.length > 3 && fields[3] === "0A") {
        const [address, port] = fields[1].split(":");
        result.push({ address: procAddress(address), port: parseInt(port, 16) });
      }
    }
  }
  return result;
}

/** Whether an address is a loopback one. */
export function isLoopback(address: string): boolean {
  return /^127\./.test(address) || address === "::1" || /^::ffff:127\./.test(address);
}

/** The network interfaces of this process's network namespace (from /proc/net/dev, which follows it). */
export function networkInterfaces(): string[] {
  return fs
    .readFileSync("/proc/net/dev", "utf8")
    .split("\n")
    .slice(2)
    .map((line) => line.split(":")[0].trim())
    .filter(Boolean);
}
