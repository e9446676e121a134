// The agent is embedded as text in the binary (see inject.ts); this declares that import.
declare const agentSource: string;
export = agentSource;
