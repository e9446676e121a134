/** @jsxImportSource hono/jsx */
import type { Finding } from "../../core/types.ts";
import type { ScanRow, StoredFinding } from "../../store/scans.ts";
import type { SourceLine } from "../source-context.ts";
import { duration, when } from "./format.ts";
import { Layout } from "./layout.tsx";

export function ScanList(props: { csrf: string; scans: ScanRow[]; offset: number; limit: number }) {
  return (
    <Layout title="Scans" csrf={props.csrf} active="/scans">
      {props.scans.length ? (
        <table class="grid" id="scans">
          <thead><tr><th>scan</th><th>directory</th><th>when</th><th>files</th><th>took</th><th>findings</th><th>violations</th><th>policy</th></tr></thead>
          <tbody>
            {props.scans.map((s) => (
              <tr>
                <td><a href={`/scans/${s.id}`}>{`#${s.id}`}</a></td>
                <td class="mono">{s.root}</td>
                <td>{when(s.startedAt)}</td>
                <td class="num">{s.files}</td>
                <td>{duration(s.ms)}</td>
                <td class="num">{s.findings}</td>
                <td class="num">{s.violations ? <span class="bad">{s.violations}</span> : "0"}</td>
                <td>{s.policy ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : <p class="muted">No scans stored yet. Run <code>trustrun scan DIR</code>.</p>}
      <p class="pager">
        {props.offset > 0 ? <a href={`/scans?offset=${Math.max(0, props.offset - props.limit)}`}>← newer</a> : null}
        {props.scans.length >= props.limit ? <a href={`/scans?offset=${props.offset + props.limit}`}>older →</a> : null}
      </p>
    </Layout>
  );
}

export interface FileGroup {
  file: string;
  findings: StoredFinding[];
  context: Map<number, SourceLine[]> | null;
  unreadable?: string;
}

function verdictClass(v: Finding["verdict"]): string {
  return v === "violation" ? "v-block" : v === "allowed" ? "v-allow" : "v-unknown";
}

export function ScanPage(props: {
  csrf: string; scan: ScanRow; byHost: Array<{ host: string; count: number; violations: number; files: number }>;
  files: FileGroup[]; verdict?: string; truncated: boolean;
}) {
  const s = props.scan;
  return (
    <Layout title={`Scan #${s.id}`} csrf={props.csrf} active="/scans">
      <dl class="facts">
        <dt>directory</dt><dd class="mono">{s.root}</dd>
        <dt>when</dt><dd>{`${when(s.startedAt)}, took ${duration(s.ms)}`}</dd>
        <dt>files</dt><dd>{`${s.files} files, ${(s.bytes / 1e6).toFixed(1)} MB`}</dd>
        <dt>findings</dt><dd>{`${s.findings} findings, ${s.violations} violations`}{s.policy ? `, policy ${s.policy}` : ""}</dd>
      </dl>
      <p>
        <a class="button" href={`/scans/${s.id}/report.json`} download>Download JSON</a>{" "}
        <a class="button" href={`/scans/${s.id}/report.sarif`} download>Download SARIF</a>{" "}
        {props.verdict ? <a href={`/scans/${s.id}`}>all findings</a> : <a href={`/scans/${s.id}?verdict=violation`}>only violations</a>}
      </p>
      <h2>By host</h2>
      <table class="grid" id="hosts">
        <thead><tr><th>host</th><th>findings</th><th>violations</th><th>files</th></tr></thead>
        <tbody>
          {props.byHost.map((h) => (
            <tr><td class="mono">{h.host}</td><td class="num">{h.count}</td><td class="num">{h.violations ? <span class="bad">{h.violations}</span> : "0"}</td><td class="num">{h.files}</td></tr>
          ))}
        </tbody>
      </table>
      <h2>By file</h2>
      {props.truncated ? <p class="muted">Showing the first files only; download the report for all findings.</p> : null}
      {props.files.map((g) => (
        <section class="file" data-file={g.file}>
          <h3 class="mono">{g.file}</h3>
          {g.unreadable ? <p class="muted">{`Source not shown: ${g.unreadable}.`}</p> : null}
          {g.findings.map((f) => {
            const ctx = g.context?.get(f.line);
            return (
              <div class="finding" data-line={String(f.line)}>
                <p>
                  <span class={`verdict ${verdictClass(f.verdict)}`}>{f.verdict}</span>{" "}
                  {f.context && f.context !== "code" ? <><span class="muted where" title="not in code: --fail-on violation counts it only with --fail-on-context all">{`(${f.context})`}</span>{" "}</> : null}
                  <b>{f.kind}</b> <span class="mono">{f.value}</span>
                  {f.host && f.host !== f.value ? <span class="muted mono">{` host ${f.host}`}</span> : null}
                  <span class="muted">{` line ${f.line}:${f.column} · ${f.language} · ${f.analyzer} · ${f.rule}`}</span>
                </p>
                {ctx ? (
                  <ol class="src">
                    {ctx.map((l) => <li value={String(l.n)} class={l.hit ? "hit" : ""}><code>{l.text || " "}</code></li>)}
                  </ol>
                ) : null}
              </div>
            );
          })}
        </section>
      ))}
    </Layout>
  );
}
