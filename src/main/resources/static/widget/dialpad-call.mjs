// The widget as an ES module with named exports: the script itself defines window.DialpadCall.
import "./dialpad-call.js";

export const DialpadCall = globalThis.DialpadCall;
export default DialpadCall;
