// `import p from "x.wasm" with { type: "file" }` yields the file's path (embedded when compiled).
declare module "*.wasm" {
  const path: string;
  export default path;
}
