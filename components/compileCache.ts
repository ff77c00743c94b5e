/**
 * Node's on-disk compile cache (Node 22.1+), turned on before the program loads its dependencies: every preview
 * otherwise compiles @pulumi/kubernetes and the program's modules from scratch. The cache holds V8 bytecode of
 * public code only, in Node's default place (a `node-compile-cache` folder in the OS temp directory), and is
 * checked against each file's contents, so an edit never runs stale code.
 */
import * as nodeModule from "node:module";

// Absent on Node releases before 22.1, where the program simply runs without the cache.
nodeModule.enableCompileCache?.();
