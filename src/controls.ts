/**
 * Control characters (C0, DEL and C1, Unicode category Cc). A name, id or setting holding one could
 * carry an escape sequence that rewrites the terminal of whoever reads it, so they are refused in
 * input and removed from output.
 */
const CONTROL = /\p{Cc}/u;
// Newline and tab are kept in output: commander's help and koppel's tables use them.
const CONTROL_BUT_LAYOUT = /(?![\n\t])\p{Cc}/gu;

export function hasControlCharacters(text: string): boolean {
  return CONTROL.test(text);
}

export function stripControls(text: string): string {
  return text.replace(CONTROL_BUT_LAYOUT, '');
}
