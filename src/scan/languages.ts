// File extension → language name (as reported in findings) and tree-sitter grammar, if any.

export type Grammar = "python" | "javascript" | "typescript" | "tsx" | "r";

interface LanguageInfo {
  language: string;
  grammar: Grammar | null;
}

const byExt: Record<string, LanguageInfo> = {
  py: { language: "python", grammar: "python" },
  pyi: { language: "python", grammar: "python" },
  pyw: { language: "python", grammar: "python" },
  js: { language: "javascript", grammar: "javascript" },
  mjs: { language: "javascript", grammar: "javascript" },
  cjs: { language: "javascript", grammar: "javascript" },
  jsx: { language: "javascript", grammar: "javascript" },
  ts: { language: "typescript", grammar: "typescript" },
  mts: { language: "typescript", grammar: "typescript" },
  cts: { language: "typescript", grammar: "typescript" },
  tsx: { language: "tsx", grammar: "tsx" },
  r: { language: "r", grammar: "r" },
  rmd: { language: "rmarkdown", grammar: null },
  qmd: { language: "quarto", grammar: null },
  ipynb: { language: "jupyter", grammar: null },
  json: { language: "json", grammar: null },
  yaml: { language: "yaml", grammar: null },
  yml: { language: "yaml", grammar: null },
  toml: { language: "toml", grammar: null },
  ini: { language: "ini", grammar: null },
  cfg: { language: "ini", grammar: null },
  env: { language: "dotenv", grammar: null },
  md: { language: "markdown", grammar: null },
  sh: { language: "shell", grammar: null },
  bash: { language: "shell", grammar: null },
  go: { language: "go", grammar: null },
  java: { language: "java", grammar: null },
  rb: { language: "ruby", grammar: null },
  rs: { language: "rust", grammar: null },
  sql: { language: "sql", grammar: null },
  xml: { language: "xml", grammar: null },
  html: { language: "html", grammar: null },
};

export function languageOf(path: string): LanguageInfo {
  const base = path.slice(path.lastIndexOf("/") + 1);
  if (base === ".env" || base.startsWith(".env.")) return { language: "dotenv", grammar: null };
  if (base === "Dockerfile") return { language: "dockerfile", grammar: null };
  const dot = base.lastIndexOf(".");
  if (dot <= 0) return { language: "text", grammar: null };
  return byExt[base.slice(dot + 1).toLowerCase()] ?? { language: "text", grammar: null };
}

/** Extensions never worth reading: known binary formats. */
export const binaryExtensions = new Set([
  "png", "jpg", "jpeg", "gif", "bmp", "ico", "webp", "tif", "tiff", "psd", "pdf", "zip", "gz", "tgz", "bz2",
  "xz", "zst", "7z", "rar", "jar", "war", "whl", "egg", "so", "dylib", "dll", "exe", "o", "a", "lib", "bin",
  "class", "pyc", "pyo", "wasm", "node", "woff", "woff2", "ttf", "otf", "eot", "mp3", "mp4", "mov", "avi",
  "mkv", "wav", "flac", "ogg", "webm", "sqlite", "db", "rds", "rdata", "rda", "parquet", "feather", "npy",
  "npz", "pkl", "pickle", "h5", "hdf5", "onnx", "pt", "pth", "safetensors", "xlsx", "xls", "docx", "pptx",
  "sas7bdat", "xpt", "dta", "sav",
]);
