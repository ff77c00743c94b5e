/** Compute resources of the containers the platform runs. */

/** Requests and limits of a container, as Kubernetes quantities. */
export interface ContainerResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}
