/**
 * Just enough of Thrift's binary protocol (strict, unframed: what Hive 3's metastore serves without SASL) to ask a
 * real metastore for its databases and to create one, so that tests see the metastore answer rather than its port
 * being open. Field ids and types are those of hive_metastore.thrift (Hive 3.1): ThriftHiveMetastore's
 * get_all_databases(), get_database(1: string name), create_database(1: Database database), and Database's
 * 1: name, 2: description, 3: locationUri, 4: parameters; get_all_tables(1: string db_name) and
 * get_table(1: string dbname, 2: string tbl_name), of whose Table it reads 1: tableName, 2: dbName, 3: owner,
 * 7: sd (StorageDescriptor, 2: location) and 12: tableType.
 */
import * as net from "net";

const T = {
  STOP: 0,
  BOOL: 2,
  BYTE: 3,
  DOUBLE: 4,
  I16: 6,
  I32: 8,
  I64: 10,
  STRING: 11,
  STRUCT: 12,
  MAP: 13,
  SET: 14,
  LIST: 15,
} as const;
const CALL = 1;
const REPLY = 2;
const EXCEPTION = 3;

/** A decoded struct: field id to value (structs, lists and maps decoded the same way). */
export type ThriftStruct = Map<number, unknown>;

class Writer {
  private readonly parts: Buffer[] = [];
  i8(v: number) {
    this.parts.push(Buffer.from([v & 0xff]));
  }
  i16(v: number) {
    const b = Buffer.alloc(2);
    b.writeInt16BE(v);
    this.parts.push(b);
  }
  i32(v: number) {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    this.parts.push(b);
  }
  string(v: string) {
    const b = Buffer.from(v, "utf8");
    this.i32(b.length);
    this.parts.push(b);
  }
  field(type: number, id: number) {
    this.i8(type);
    this.i16(id);
  }
  stop() {
    this.i8(T.STOP);
  }
  buffer() {
    return Buffer.concat(this.parts);
  }
}

/** Thrown while the response is not complete yet. */
class Incomplete extends Error {}

class Reader {
  private offset = 0;
  constructor(private readonly data: Buffer) {}
  private need(n: number) {
    if (this.offset + n > this.data.length) {
      throw new Incomplete();
    }
  }
  i8() {
    this.need(1);
    return this.data.readInt8(this.offset++);
  }
  i16() {
    this.need(2);
    const v = this.data.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }
  i32() {
    this.need(4);
    const v = this.data.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }
  string() {
    const n = this.i32();
    this.need(n);
    const v = this.data.toString("utf8", this.offset, this.offset + n);
    this.offset += n;
    return v;
  }
  value(type: number): unknown {
    switch (type) {
      case T.BOOL:
      case T.BYTE:
        return this.i8();
      case T.I16:
        return this.i16();
      case T.I32:
        return this.i32();
      case T.I64:
      case T.DOUBLE:
        this.need(8);
        this.offset += 8;
        return undefined;
      case T.STRING:
        return this.string();
      case T.STRUCT:
        return this.struct();
      case T.MAP: {
        const [keyType, valueType, size] = [this.i8(), this.i8(), this.i32()];
        const map = new Map<unknown, unknown>();
        for (let i = 0; i < size; i++) {
          map.set(this.value(keyType), this.value(valueType));
        }
        return map;
      }
      case T.SET:
      case T.LIST: {
        const [elementType, size] = [this.i8(), this.i32()];
        return Array.from({ length: size }, () => this.value(elementType));
      }
      default:
        throw new Error(`unknown thrift type ${type}`);
    }
  }
  struct(): ThriftStruct {
    const fields: ThriftStruct = new Map();
    for (;;) {
      const type = this.i8();
      if (type === T.STOP) {
        return fields;
      }
      fields.set(this.i16(), this.value(type));
    }
  }
}

/** One call: the method's argument struct (written by `args`), then the decoded result struct. */
async function call(
  host: string,
  port: number,
  method: string,
  args: (w: Writer) => void,
): Promise<ThriftStruct> {
  const w = new Writer();
  w.i32(0x80010000 | CALL);
  w.string(method);
  w.i32(1);
  args(w);
  w.stop();
  const request = w.buffer();
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let data = Buffer.alloc(0);
    socket.setTimeout(30_000, () => socket.destroy(new Error(`no answer to ${method} from ${host}:${port}`)));
    socket.once("connect", () => socket.write(request));
    socket.once("error", reject);
    socket.on("data", (chunk) => {
      data = Buffer.concat([data, chunk]);
      try {
        const r = new Reader(data);
        const version = r.i32();
        const type = version & 0xff;
        const name = r.string();
        r.i32();
        const body = r.struct();
        socket.end();
        if ((version & 0xffff0000) !== (0x80010000 | 0)) {
          reject(new Error(`not a strict binary thrift reply: version ${version.toString(16)}`));
        } else if (type === EXCEPTION) {
          reject(new Error(`${method}: TApplicationException ${String(body.get(1))}`));
        } else if (type !== REPLY || name !== method) {
          reject(new Error(`${method}: unexpected reply ${name} (type ${type})`));
        } else {
          resolve(body);
        }
      } catch (error) {
        if (!(error instanceof Incomplete)) {
          socket.destroy();
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      }
    });
    socket.once("close", () => reject(new Error(`${method}: connection closed before a complete reply`)));
  });
}

/** The exception a result struct carries (any field but 0), as `Name: message`, or undefined. */
function resultError(result: ThriftStruct, names: Readonly<Record<number, string>>): string | undefined {
  for (const [id, value] of result) {
    if (id !== 0) {
      const message = value instanceof Map ? String(value.get(1)) : String(value);
      return `${names[id] ?? `exception ${id}`}: ${message}`;
    }
  }
  return undefined;
}

export interface MetastoreDatabaseInfo {
  readonly name: string;
  readonly description?: string;
  readonly locationUri?: string;
}

/** A client of one metastore at host:port. */
export class MetastoreClient {
  constructor(
    readonly host: string,
    readonly port: number,
  ) {}

  async getAllDatabases(): Promise<string[]> {
    const result = await call(this.host, this.port, "get_all_databases", () => undefined);
    const error = resultError(result, { 1: "MetaException" });
    if (error) {
      throw new Error(error);
    }
    return result.get(0) as string[];
  }

  async getDatabase(name: string): Promise<MetastoreDatabaseInfo> {
    const result = await call(this.host, this.port, "get_database", (w) => {
      w.field(T.STRING, 1);
      w.string(name);
    });
    const error = resultError(result, { 1: "NoSuchObjectException", 2: "MetaException" });
    if (error) {
      throw new Error(error);
    }
    const db = result.get(0) as ThriftStruct;
    return { name: db.get(1) as string, description: db.get(2) as string, locationUri: db.get(3) as string };
  }

  /** Create a database; the metastore makes its folder below the warehouse when `locationUri` is not given. */
  async createDatabase(name: string, description: string): Promise<void> {
    const result = await call(this.host, this.port, "create_database", (w) => {
      w.field(T.STRUCT, 1);
      w.field(T.STRING, 1);
      w.string(name);
      w.field(T.STRING, 2);
      w.string(description);
      w.field(T.MAP, 4);
      w.i8(T.STRING);
      w.i8(T.STRING);
      w.i32(0);
      w.stop();
    });
    const error = resultError(result, {
      1: "AlreadyExistsException",
      2: "InvalidObjectException",
      3: "MetaException",
    });
    if (error) {
      throw new Error(error);
    }
  }

  /** Names of the tables of a database. */
  async getAllTables(database: string): Promise<string[]> {
    const result = await call(this.host, this.port, "get_all_tables", (w) => {
      w.field(T.STRING, 1);
      w.string(database);
    });
    const error = resultError(result, { 1: "MetaException" });
    if (error) {
      throw new Error(error);
    }
    return result.get(0) as string[];
  }

  /** One table: its owner, type and storage location. */
  async getTable(database: string, table: string): Promise<MetastoreTableInfo> {
    const result = await call(this.host, this.port, "get_table", (w) => {
      w.field(T.STRING, 1);
      w.string(database);
      w.field(T.STRING, 2);
      w.string(table);
    });
    const error = resultError(result, { 1: "MetaException", 2: "NoSuchObjectException" });
    if (error) {
      throw new Error(error);
    }
    const t = result.get(0) as ThriftStruct;
    const sd = t.get(7) as ThriftStruct | undefined;
    return {
      name: t.get(1) as string,
      database: t.get(2) as string,
      owner: t.get(3) as string,
      location: sd?.get(2) as string | undefined,
      tableType: t.get(12) as string,
    };
  }
}

export interface MetastoreTableInfo {
  readonly name: string;
  readonly database: string;
  readonly owner: string;
  readonly location?: string;
  readonly tableType: string;
}
