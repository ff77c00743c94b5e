/**
 * The Maven mirror of an air-gapped cluster, for the real-node suite: an http server on the node's bridge that
 * serves, by their Maven paths, the jars scripts/build-flink.sh downloaded and checked (.toolchain/flink/
 * platform-jars). The stack points `platform.artifacts.mavenRepository` at it, as a cluster without outside network
 * would at its own mirror; the init containers check every jar against the SHA-256 the platform pins, so a wrong
 * file fails the pod as it would with any mirror.
 */
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as path from "path";

export interface MavenMirror {
  /** What `platform.artifacts.mavenRepository` is set to. */
  readonly url: string;
  /** Maven paths served so far, in order (what the pods fetched). */
  readonly served: readonly string[];
  close(): Promise<void>;
}

/** Serve the jars in `dir` under `http://<host>:<ephemeral port>/maven2/<group path>/<artifact>/<version>/<file>`. */
export async function startMavenMirror(dir: string, host: string): Promise<MavenMirror> {
  const jars = new Set(fs.readdirSync(dir).filter((name) => name.endsWith(".jar")));
  const served: string[] = [];
  const server = http.createServer((request, response) => {
    const match = /^\/maven2\/((?:[\w.-]+\/)+([\w.-]+\.jar))$/.exec(request.url ?? "");
    if (request.method !== "GET" || !match || !jars.has(match[2])) {
      response.writeHead(404).end();
      return;
    }
    served.push(match[1]);
    const file = path.join(dir, match[2]);
    response.writeHead(200, {
      "content-type": "application/java-archive",
      "content-length": fs.statSync(file).size,
    });
    fs.createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/maven2`,
    served,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
