/**
 * Where scripts/build-services.sh puts the backing services (.toolchain/services), the Java that runs the JVM
 * ones, and the few things every service needs: a fresh folder, a generated password.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../../../../stacks/shared/stackFiles";

export const SERVICES_DIR = path.join(
  process.env.FLINK_TOOLCHAIN ?? path.join(PROJECT_ROOT, ".toolchain"),
  "services",
);

/** A file or folder scripts/build-services.sh makes; fails with what to run when it is missing. */
export function built(...parts: string[]): string {
  const file = path.join(SERVICES_DIR, ...parts);
  if (!fs.existsSync(file)) {
    throw new Error(`${file} is missing: run scripts/build-services.sh`);
  }
  return file;
}

/** Classpath entry of every jar of a built lib folder. */
export function libClasspath(...parts: string[]): string {
  return `${built(...parts)}/*`;
}

/** The java launcher: $JAVA_HOME/bin/java when set, else java on PATH (Java 17 on the CI machine). */
export function javaCommand(): string {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, "bin", "java") : "java";
}

/** A binary of this machine that may live in an sbin directory not on a non-root PATH (mariadbd). */
export function systemBinary(name: string): string {
  for (const dir of [...(process.env.PATH ?? "").split(":"), "/usr/sbin", "/usr/bin", "/sbin"]) {
    const file = path.join(dir, name);
    if (dir && fs.existsSync(file)) {
      return file;
    }
  }
  throw new Error(`${name} is not installed: run scripts/build-services.sh (it installs it with apt-get)`);
}

/** A new empty folder `<parent>/<name>` (a stale one from an earlier run is removed first). */
export function freshDir(parent: string, name: string): string {
  const dir = path.join(parent, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** A random password of URL- and shell-safe characters, as the platform's generated passwords are. */
export function generatedSecret(length = 32): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = crypto.randomBytes(length);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}

/** A plain environment for a service: PATH, HOME and the locale of this process, and nothing else of it. */
export function baseEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const keep = ["PATH", "HOME", "LANG", "TZ", "JAVA_HOME"];
  const env: NodeJS.ProcessEnv = {};
  for (const key of keep) {
    if (process.env[key] !== undefined) {
      env[key] = process.env[key];
    }
  }
  return { ...env, ...extra };
}
