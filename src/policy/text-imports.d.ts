// Preset YAML files are embedded as text (`with { type: "text" }`) so they work in the compiled binary.
declare module "*.yaml" {
  const text: string;
  export default text;
}
