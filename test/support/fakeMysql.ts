/**
 * Stand-ins for the `mysql` and `mysqladmin` clients, so the platform's shell scripts run for real in tests. They
 * keep one database's state in a JSON file: its tables, the schema marker, and every SQL script piped into
 * `mysql`. They check the client option file the scripts write (MySQL's quoting rules) against the expected
 * account, understand the handful of statements the scripts issue, and can fail half-way through a piped script.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface FakeDatabase {
  tables: string[];
  marker?: string;
  /** Every script piped into `mysql`, in order. */
  scripts: string[];
  /** Statements run with --execute, in order. */
  statements: string[];
  /** SHA-256 of the admin password Secret recorded in the marker. */
  adminSecret?: string;
  /** Seed admin rows written with REPLACE (restores of the admin account). */
  adminRestores?: number;
}

/** Shared by both tools: the option file must name the expected account. */
const COMMON = String.raw`
const fs = require("fs");
const args = process.argv.slice(2);
const state = JSON.parse(fs.readFileSync(process.env.FAKE_MYSQL_STATE, "utf8"));
const save = () => fs.writeFileSync(process.env.FAKE_MYSQL_STATE, JSON.stringify(state));
const optionFile = (args.find((a) => a.startsWith("--defaults-extra-file=")) || "").split("=")[1];
if (args[0] !== "--defaults-extra-file=" + optionFile) { console.error("--defaults-extra-file must come first"); process.exit(7); }
const options = {};
for (const line of fs.readFileSync(optionFile, "utf8").split("\n")) {
  const m = /^(\w+)="((?:[^"\\]|\\.)*)"$/.exec(line);
  if (m) options[m[1]] = m[2].replace(/\\(.)/g, "$1");
}
if (options.user !== process.env.FAKE_MYSQL_USER || options.password !== process.env.FAKE_MYSQL_PASSWORD) {
  console.error("ERROR 1045 (28000): Access denied for user '" + options.user + "'");
  process.exit(1);
}
`;

const MYSQLADMIN = `${COMMON}
process.exit(0);
`;

const MYSQL = `${COMMON}
const execute = (args.find((a) => a.startsWith("--execute=")) || "").slice("--execute=".length);
if (execute) {
  state.statements.push(execute);
  let m;
  if ((m = /^SELECT COUNT\\(\\*\\) FROM information_schema.tables WHERE table_schema = DATABASE\\(\\)(?: AND table_name = '(\\w+)')?$/.exec(execute))) {
    console.log(m[1] ? (state.tables.includes(m[1]) ? 1 : 0) : state.tables.length);
  } else if (/^SELECT state FROM flink_platform_schema WHERE id = 1$/.test(execute)) {
    console.log(state.marker || "");
  } else if (/^CREATE TABLE IF NOT EXISTS flink_platform_schema /.test(execute)) {
    if (!state.tables.includes("flink_platform_schema")) state.tables.push("flink_platform_schema");
  } else if (/^REPLACE INTO flink_platform_schema \\(id, state, streampark\\) VALUES \\(1, 'loading', '2\\.1\\.7'\\)$/.test(execute)) {
    state.marker = "loading";
  } else if (/^UPDATE flink_platform_schema SET state = 'loaded' WHERE id = 1$/.test(execute)) {
    state.marker = "loaded";
  } else if (/^SELECT COALESCE\\(admin_password_sha256, ''\\) FROM flink_platform_schema WHERE id = 1$/.test(execute)) {
    console.log(state.adminSecret || "");
  } else if ((m = /^UPDATE flink_platform_schema SET admin_password_sha256 = '([0-9a-f]{64})' WHERE id = 1$/.exec(execute))) {
    state.adminSecret = m[1];
  } else {
    console.error("fake mysql does not know: " + execute);
    process.exit(2);
  }
  save();
} else {
  const sql = fs.readFileSync(0, "utf8");
  state.scripts.push(sql);
  for (const statement of sql.split(";")) {
    let m;
    if (process.env.FAKE_MYSQL_NO_DATABASE_SWITCH && /create\\s+database|^\\s*use\\s/i.test(statement)) {
      console.error("scripts must not pick their own database");
      process.exit(3);
    }
    if (/^\\s*replace into \`t_user\`/i.test(statement)) {
      state.adminRestores = (state.adminRestores || 0) + 1;
    }
    if ((m = /drop table if exists \`(\\w+)\`/i.exec(statement))) {
      state.tables = state.tables.filter((t) => t !== m[1]);
    }
    if ((m = /create table \`(\\w+)\`/i.exec(statement))) {
      if (process.env.FAKE_MYSQL_FAIL_ON === m[1]) { save(); console.error("ERROR 2013: Lost connection"); process.exit(1); }
      if (state.tables.includes(m[1])) { save(); console.error("ERROR 1050: Table '" + m[1] + "' already exists"); process.exit(1); }
      state.tables.push(m[1]);
    }
  }
  save();
}
`;

/** A temporary directory with the fake clients and a state file. */
export class FakeMysql {
  public readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-mysql-"));
  private readonly stateFile = path.join(this.dir, "state.json");

  constructor(initial: Partial<FakeDatabase> = {}) {
    const bin = path.join(this.dir, "bin");
    fs.mkdirSync(bin);
    for (const [name, source] of [
      ["mysql", MYSQL],
      ["mysqladmin", MYSQLADMIN],
    ]) {
      fs.writeFileSync(path.join(bin, name), `#!${process.execPath}\n${source}`, { mode: 0o755 });
    }
    this.state = { tables: [], scripts: [], statements: [], ...initial };
  }

  get state(): FakeDatabase {
    return JSON.parse(fs.readFileSync(this.stateFile, "utf8")) as FakeDatabase;
  }

  set state(value: FakeDatabase) {
    fs.writeFileSync(this.stateFile, JSON.stringify(value));
  }

  /** Run a shell script with the fakes first on PATH; resolves to its exit code and output. */
  run(script: string, env: Record<string, string>): Promise<{ code: number; output: string }> {
    return new Promise((resolve) => {
      execFile(
        "sh",
        ["-c", script],
        {
          env: {
            PATH: `${path.join(this.dir, "bin")}:${process.env.PATH ?? ""}`,
            FAKE_MYSQL_STATE: this.stateFile,
            ...env,
          },
        },
        (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, output: stdout + stderr }),
      );
    });
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
