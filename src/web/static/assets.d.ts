// Static client files are embedded as text (`with { type: "text" }`) so they ship inside the binary.
declare module "htmx.org/dist/htmx.min.js" {
  const text: string;
  export default text;
}
declare module "*.css" {
  const text: string;
  export default text;
}
