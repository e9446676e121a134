// app.js is the browser script; the server embeds its text.
declare const text: string;
export default text;
