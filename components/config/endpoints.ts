/**
 * Host-and-port endpoints written as text (`namenode:8020`, a ZooKeeper quorum member, a URL's authority). One
 * reading for every such key, so that a port Kubernetes would refuse in a NetworkPolicy or a client could never
 * connect to (0, above 65535, not a number) is refused by config validation, with the key, before anything is
 * registered. Pure.
 */

/** The largest TCP port. */
export const MAX_PORT = 65535;

/** A host name (DNS labels of letters, digits and '-') or an IPv4 address, as clients of HDFS and ZooKeeper take it. */
const HOST = /^[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*$/;

/** Why `text` is not a TCP port (digits, 1 to 65535), or undefined when it is one. */
export function portProblem(text: string): string | undefined {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  return port >= 1 && port <= MAX_PORT ? undefined : `port '${text}' is not a number from 1 to ${MAX_PORT}`;
}

/**
 * Why `endpoint` is not `host:port` (or `host` alone, unless `portRequired`), or undefined when it is one. IPv6
 * literals are not taken: the NetworkPolicies read the port after the first ':'.
 */
export function hostPortProblem(
  endpoint: string,
  { portRequired }: { portRequired: boolean },
): string | undefined {
  const colon = endpoint.indexOf(":");
  const host = colon < 0 ? endpoint : endpoint.slice(0, colon);
  if (!HOST.test(host)) {
    return `'${host}' is not a host name or IPv4 address`;
  }
  if (colon < 0) {
    return portRequired ? `'${endpoint}' has no port` : undefined;
  }
  const port = portProblem(endpoint.slice(colon + 1));
  return port ? `in '${endpoint}', ${port}` : undefined;
}

/**
 * Why the port written in a URL (`scheme://[user@]host:port/...`) is not a TCP port, or undefined when it names
 * none or a valid one. A URL parser refuses most bad ports with no reason given, and takes port 0.
 */
export function urlPortProblem(url: string): string | undefined {
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(url)?.[1];
  if (authority === undefined) {
    return undefined;
  }
  const hostPort = authority.slice(authority.lastIndexOf("@") + 1);
  const port = /^(\[[^\]]*\]|[^:]*):(.*)$/.exec(hostPort)?.[2];
  return port === undefined || port === "" ? undefined : portProblem(port);
}
