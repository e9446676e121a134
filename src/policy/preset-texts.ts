// Presets embedded in the binary as text, parsed and validated on first use.
import awsBedrock from "../../presets/aws-bedrock.yaml" with { type: "text" };
import awsComprehendMedical from "../../presets/aws-comprehend-medical.yaml" with { type: "text" };
import awsHealthlake from "../../presets/aws-healthlake.yaml" with { type: "text" };
import awsSts from "../../presets/aws-sts.yaml" with { type: "text" };
import awsTranscribeMedical from "../../presets/aws-transcribe-medical.yaml" with { type: "text" };
import azureAiServices from "../../presets/azure-ai-services.yaml" with { type: "text" };
import azureHealthDataServices from "../../presets/azure-health-data-services.yaml" with { type: "text" };
import azureOpenai from "../../presets/azure-openai.yaml" with { type: "text" };
import gcpHealthcareApi from "../../presets/gcp-healthcare-api.yaml" with { type: "text" };
import gcpVertexAi from "../../presets/gcp-vertex-ai.yaml" with { type: "text" };
import publicAiApis from "../../presets/public-ai-apis.yaml" with { type: "text" };
import telemetry from "../../presets/telemetry.yaml" with { type: "text" };

export const presetTexts: Record<string, string> = {
  "aws-bedrock": awsBedrock,
  "aws-comprehend-medical": awsComprehendMedical,
  "aws-healthlake": awsHealthlake,
  "aws-sts": awsSts,
  "aws-transcribe-medical": awsTranscribeMedical,
  "azure-ai-services": azureAiServices,
  "azure-health-data-services": azureHealthDataServices,
  "azure-openai": azureOpenai,
  "gcp-healthcare-api": gcpHealthcareApi,
  "gcp-vertex-ai": gcpVertexAi,
  "public-ai-apis": publicAiApis,
  "telemetry": telemetry,
};
