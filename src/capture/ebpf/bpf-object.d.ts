// `import p from "./x.bpf.o" with { type: "file" }` gives the path of the embedded file.
declare module "*.bpf.o" {
  const path: string;
  export default path;
}
