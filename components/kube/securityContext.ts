/**
 * Security contexts for the pods and containers the platform runs itself, so every component gets the same
 * restrictions: non-root where the image allows, no privilege escalation, every capability dropped.
 */

/** Container security context: no privilege escalation, every capability dropped, RuntimeDefault seccomp. */
export function restrictedContainerSecurityContext(
  options: { readOnlyRootFilesystem?: boolean; runAsNonRoot?: boolean } = {},
) {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
    ...(options.readOnlyRootFilesystem ? { readOnlyRootFilesystem: true } : {}),
    ...(options.runAsNonRoot ? { runAsNonRoot: true } : {}),
  };
}

/** Pod security context running as a fixed non-root uid/gid, with volumes group-owned by `fsGroup`. */
export function nonRootPodSecurityContext(uid: number, gid = uid, fsGroup = gid) {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: gid,
    fsGroup,
    seccompProfile: { type: "RuntimeDefault" },
  };
}
