import { b64, body, fake, hex } from "../fake.ts";
import type { SecretRule } from "../types.ts";

// Azure OpenAI / Cognitive Services keys are 32 hex chars (or 84 alnum): only with context.
export const azureCognitiveKey: SecretRule = {
  id: "azure-openai-key",
  description: "Azure OpenAI / Cognitive Services key",
  regex: /(?:azure|AZURE|Azure|cognitive|COGNITIVE|aoai|AOAI|api-key|Ocp-Apim-Subscription-Key)[\w.-]{0,30}["']?\s*(?:[:=]|=>|,)\s*["']?([a-f0-9]{32}|[A-Za-z0-9]{84})(?![A-Za-z0-9])/g,
  group: 1,
  keywords: ["azure", "cognitive", "aoai", "api-key", "Ocp-Apim"],
  keywordLines: 2, // the value can follow on the next lines
  entropy: 3.2,
  truePositives: [`AZURE_OPENAI_API_KEY=${body(32, hex, 31)}`, `{"api-key": "${body(32, hex, 32)}"}`],
  falsePositives: [`AZURE_OPENAI_API_KEY=${"0".repeat(32)}`, "azure_endpoint = 'https://x.openai.azure.com'"],
};

// Storage (and Cosmos DB) account keys in a connection string; a key assigned to a name on its own
// (AZURE_STORAGE_KEY=...) is the generic rule's.
export const azureStorageKey: SecretRule = {
  id: "azure-storage-account-key",
  description: "Azure storage or Cosmos DB account key in a connection string",
  regex: /AccountKey=([A-Za-z0-9+/]{86,88}={0,2})/g,
  group: 1,
  keywords: ["AccountKey="],
  keywordLines: 0,
  entropy: 4.5,
  truePositives: [`DefaultEndpointsProtocol=https;AccountName=acct;${fake("AccountKey=", body(86, b64, 33), "==")};EndpointSuffix=core.windows.net`],
  falsePositives: ["AccountKey=<your-key>", `AccountKey=${"A".repeat(86)}==`],
};

// Service Bus, Event Hubs, IoT Hub, SignalR, Relay: SharedAccessKey=<32 bytes, base64>.
export const azureSharedAccessKey: SecretRule = {
  id: "azure-shared-access-key",
  description: "Azure Service Bus / Event Hubs / IoT Hub shared access key",
  regex: /SharedAccessKey=([A-Za-z0-9+/]{42,43}=)(?![A-Za-z0-9+/=])/g,
  group: 1,
  keywords: ["SharedAccessKey="],
  keywordLines: 0,
  entropy: 4,
  truePositives: [`Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;${fake("SharedAccess", "Key=", body(43, b64, 38), "=")}`],
  falsePositives: ["Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=<key>", `SharedAccessKey=${"A".repeat(43)}=`],
};

export const azureAdClientSecret: SecretRule = {
  id: "azure-ad-client-secret",
  description: "Microsoft Entra ID (Azure AD) client secret",
  regex: /(?<![\w~.-])([A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34})(?![\w~.-])/g,
  group: 1,
  keywords: ["Q~"],
  keywordLines: 0,
  entropy: 3.5,
  truePositives: [`client_secret = "${fake("abc", "8Q~", body(34, undefined, 34))}"`],
  falsePositives: ["path/8Q~short", "xyz8Q~" + "a".repeat(34)],
};

export const azureSasToken: SecretRule = {
  id: "azure-sas-token",
  description: "Azure shared access signature",
  regex: /[?&]sv=\d{4}-\d{2}-\d{2}[^\s"']{0,2000}?&sig=([A-Za-z0-9%+/=]{40,})/g,
  group: 1,
  keywords: ["sig="],
  keywordLines: 0,
  entropy: 4,
  truePositives: [`https://acct.blob.core.windows.net/c/f?sv=2022-11-02&ss=b&srt=o&sp=r&se=2030-01-01&${fake("sig=", body(44, b64, 35))}`],
  falsePositives: ["?sv=2022-11-02&sig=REDACTED"],
};

export const rules = [azureCognitiveKey, azureStorageKey, azureSharedAccessKey, azureAdClientSecret, azureSasToken];
