import * as assert from "assert";
import { execFile } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { jarFetchScript, MavenJar, mavenPath } from "../../../components/kube/artifacts";

/** Run the fetch script the way the init container does (sh -c), against a repository served on loopback. */
function runScript(
  jars: readonly MavenJar[],
  repository: string,
  target: string,
  retries = "5",
): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      "sh",
      ["-c", jarFetchScript(jars, target)],
      { env: { ...process.env, MAVEN_REPOSITORY: repository, FETCH_RETRIES: retries } },
      (error, _stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stderr }),
    );
  });
}

describe("artifacts", () => {
  const content = Buffer.from("pretend this is a jar\n");
  const jar: MavenJar = {
    groupId: "org.example.tools",
    artifactId: "thing",
    version: "1.2.3",
    sha256: crypto.createHash("sha256").update(content).digest("hex"),
  };
  let server: http.Server;
  let repository: string;
  let target: string;

  before(async () => {
    server = http.createServer((req, res) => {
      if (req.url === `/maven2/${mavenPath(jar)}`) {
        res.end(content);
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    repository = `http://127.0.0.1:${(server.address() as AddressInfo).port}/maven2/`;
  });
  after(() => server.close());
  beforeEach(() => {
    target = fs.mkdtempSync(path.join(os.tmpdir(), "fetch-"));
  });
  afterEach(() => fs.rmSync(target, { recursive: true, force: true }));

  it("lays out Maven paths", () => {
    assert.strictEqual(mavenPath(jar), "org/example/tools/thing/1.2.3/thing-1.2.3.jar");
  });

  it("downloads a jar whose checksum matches", async () => {
    const result = await runScript([jar], repository, target);
    assert.strictEqual(result.code, 0, result.stderr);
    assert.deepStrictEqual(fs.readFileSync(path.join(target, "thing-1.2.3.jar")), content);
  });

  it("refuses a jar whose checksum differs, leaving nothing usable behind", async () => {
    const tampered = { ...jar, sha256: "0".repeat(64) };
    const result = await runScript([tampered], repository, target);
    assert.notStrictEqual(result.code, 0);
    assert.match(result.stderr, /checksum mismatch/);
    assert.ok(!fs.existsSync(path.join(target, "thing-1.2.3.jar")));
  });

  it("fails when the repository does not have the jar", async () => {
    const missing = { ...jar, version: "9.9.9" };
    const result = await runScript([missing], repository, target, "0");
    assert.notStrictEqual(result.code, 0);
  });
});
