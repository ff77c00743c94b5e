/** Names derived from content, so an object is replaced exactly when what it runs changes. */
import * as crypto from "crypto";

/** Short stable hash of a Job's inputs, so the Job is replaced (and runs again) exactly when they change. */
export function inputsHash(inputs: unknown): string {
  return crypto.createHash("sha256").update(JSON.stringify(inputs)).digest("hex").slice(0, 10);
}
