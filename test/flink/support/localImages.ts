/**
 * The images the platform's pods name, as local file trees for local pods: the Flink image is the distribution
 * that scripts/build-flink.sh assembles from PyPI and Maven Central, with the project's own entrypoint
 * (tools/flink-image/docker-entrypoint.sh); the small helper images (curl for the jar fetcher, MinIO's image for its
 * setup Job) are this machine's sh and curl, and the mc that scripts/build-services.sh builds.
 *
 * One deviation, in the Flink image's opt/: the platform enables the S3 plugin by its exact jar name
 * (`flink-s3-fs-presto-1.20.4.jar`), while Maven Central serves that plugin only for some patch releases of each
 * line. The image then carries the served one under the name of its Flink release, as a link, and says so here.
 */
import * as fs from "fs";
import * as path from "path";
import { FLINK_RELEASES, FlinkRelease } from "../../../components/flink/versions";
import type { LocalImage } from "./localPod";
import { PROJECT_ROOT } from "../../../stacks/shared/stackFiles";

export const TOOLCHAIN = process.env.FLINK_TOOLCHAIN ?? path.join(PROJECT_ROOT, ".toolchain");
export const FLINK_BUILD = path.join(TOOLCHAIN, "flink");
export const SERVICES_BIN = path.join(TOOLCHAIN, "services", "bin");
const ENTRYPOINT = path.join(PROJECT_ROOT, "tools", "flink-image", "docker-entrypoint.sh");

/** FLINK_HOME of an assembled distribution. */
export function flinkHome(release: FlinkRelease): string {
  return path.join(FLINK_BUILD, `flink-${release.patch}`);
}

/** The release of an official Flink image reference (`flink:1.20.4-scala_2.12-java17`), or undefined. */
export function imageRelease(image: string): FlinkRelease | undefined {
  const match = /^flink:(\d+\.\d+\.\d+)-scala_2\.12-java17$/.exec(image);
  return match ? Object.values(FLINK_RELEASES).find((r) => r.patch === match[1]) : undefined;
}

/**
 * A layer over the distribution's opt/ that names each served S3 plugin after the release (see above). Made once
 * per run in `workDir`; returns the layer's folder (to put above the distribution).
 */
export function pluginAliasLayer(release: FlinkRelease, workDir: string): string {
  const home = flinkHome(release);
  const layer = path.join(workDir, "image-layers", `flink-${release.patch}`);
  const opt = path.join(layer, "opt");
  fs.mkdirSync(opt, { recursive: true });
  for (const plugin of ["flink-s3-fs-presto", "flink-s3-fs-hadoop"]) {
    const wanted = `${plugin}-${release.patch}.jar`;
    if (fs.existsSync(path.join(home, "opt", wanted))) {
      continue;
    }
    const served = fs
      .readdirSync(path.join(home, "opt"))
      .find((f) => f.startsWith(`${plugin}-`) && f.endsWith(".jar"));
    // The link resolves inside the image (next to the served jar), not here: test for the link itself.
    if (served && !isLink(path.join(opt, wanted))) {
      fs.symlinkSync(served, path.join(opt, wanted));
    }
  }
  return layer;
}

/** The local image for each image reference of a rendered pod; an unknown image is an error. */
export function localImages(workDir: string): (image: string) => LocalImage {
  const baseEnv = { HOME: "/tmp", LANG: "C.UTF-8" };
  return (image: string): LocalImage => {
    const release = imageRelease(image);
    if (release) {
      const home = flinkHome(release);
      if (!fs.existsSync(path.join(home, "bin", "config.sh"))) {
        throw new Error(`no Flink ${release.patch} distribution at ${home}: run scripts/build-flink.sh`);
      }
      return {
        folders: { "/opt/flink": `${pluginAliasLayer(release, workDir)}:${home}` },
        entrypoint: [ENTRYPOINT],
        users: [{ name: "flink", uid: 9999, home: "/opt/flink" }],
        env: { ...baseEnv, FLINK_HOME: "/opt/flink", PATH: `/opt/flink/bin:${process.env.PATH}` },
      };
    }
    if (image.startsWith("curlimages/curl:")) {
      return { folders: {}, env: baseEnv };
    }
    if (image.startsWith("quay.io/minio/minio:")) {
      return { folders: {}, env: { ...baseEnv, PATH: `${SERVICES_BIN}:${process.env.PATH}` } };
    }
    throw new Error(`no local image for ${image}`);
  };
}

function isLink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}
