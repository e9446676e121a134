"""A stand-in for a clinical-AI job: it summarises a note through the team's Azure OpenAI
resource, while a careless dependency also sends it to the public OpenAI API."""
import json
import os
import ssl
import sys
import urllib.request

ctx = ssl.create_default_context(cafile=os.environ.get("DEMO_CA_FILE"))
NOTE = {"messages": [{"role": "user", "content": "Summarise: 54M, chest pain, troponin negative."}]}


def post(url):
    req = urllib.request.Request(url, data=json.dumps(NOTE).encode(), headers={"content-type": "application/json", "api-key": "demo-key-not-real"})
    try:
        with urllib.request.urlopen(req, context=ctx, timeout=5) as resp:
            return f"{resp.status} {json.load(resp)['served_by']}"
    except Exception as exc:  # the blocked call fails here, inside the program
        return f"failed: {exc}"


print("azure  :", post("https://contoso-east.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21"))
print("openai :", post("https://api.openai.com/v1/chat/completions"))
print("another:", post("https://fabrikam.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21"))
sys.exit(0)
