// Ink reaches this only when DEV=true; TrustRun never enables devtools.
export default { initialize() {}, connectToDevTools() {} };
export function initialize() {}
export function connectToDevTools() {}
