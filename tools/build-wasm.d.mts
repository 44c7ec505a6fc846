// Types of build-wasm.mjs for the TypeScript that imports it (the kernels' test compiles the sources the same way).

/** The kernels and the name each module exports its binary (base64) under. */
export declare const KERNELS: readonly { readonly wat: string; readonly name: string }[];

/** The binary of a .wat file (a path from the repository's root), base64. */
export declare function compileWat(path: string): Promise<string>;
