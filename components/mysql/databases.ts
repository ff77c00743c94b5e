/** The databases the platform's parts ask MySQL for: one database and one user per consumer, never shared. */
import type { ConfigProblem } from "../config/problems";

/** A consumer's request for a database and a user that may do anything inside it. */
export interface MySqlDatabaseRequest {
  /** Short DNS-safe name of the consumer, e.g. "streampark"; names its Secret and Job. */
  readonly consumer: string;
  readonly database: string;
  readonly user: string;
}

/** The consumer name under which Hive asks MySQL for its database. */
export const HIVE_DATABASE_CONSUMER = "hive";

/** What decides the databases: which parts are on, and the names they ask for. */
export interface DatabaseConsumers {
  readonly streampark: {
    readonly enabled: boolean;
    readonly database: { readonly name: string; readonly user: string };
  };
  readonly hive: { readonly enabled: boolean; readonly database: string; readonly user: string };
}

/** The databases of the enabled parts; MySQL only exists when there is one. */
export function mysqlDatabaseRequests(config: DatabaseConsumers): MySqlDatabaseRequest[] {
  const requests: MySqlDatabaseRequest[] = [];
  if (config.streampark.enabled) {
    const { name, user } = config.streampark.database;
    requests.push({ consumer: "streampark", database: name, user });
  }
  if (config.hive.enabled) {
    requests.push({
      consumer: HIVE_DATABASE_CONSUMER,
      database: config.hive.database,
      user: config.hive.user,
    });
  }
  return requests;
}

/** Where each consumer's names are set, for messages. */
const KEYS: Readonly<Record<string, { database: string; user: string }>> = {
  streampark: { database: "streampark.database.name", user: "streampark.database.user" },
  [HIVE_DATABASE_CONSUMER]: { database: "hive.database", user: "hive.user" },
};

/** Two consumers sharing a database or a user would read each other's data and reset each other's password. */
export function sharedDatabaseProblems(config: DatabaseConsumers): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const requests = mysqlDatabaseRequests(config);
  for (const [i, request] of requests.entries()) {
    for (const earlier of requests.slice(0, i)) {
      for (const what of ["database", "user"] as const) {
        if (request[what] === earlier[what]) {
          problems.push({
            path: KEYS[request.consumer][what],
            message: `'${request[what]}' is already ${KEYS[earlier.consumer][what]}; every part needs a MySQL ${what} of its own`,
          });
        }
      }
    }
  }
  return problems;
}
