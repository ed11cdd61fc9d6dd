// Limits on the shape of JSON the server accepts. JSON.parse takes any depth, but
// JSON.stringify, zod and every other recursive walk run out of stack a few thousand levels down
// (measured: a 4,000-deep object parses, then fails to serialize on a request's stack): a value
// that deep would be stored and then never read back. No real payload nests beyond a dozen.

/** The deepest nesting of objects and arrays accepted in a body, an event or an imported row. */
export const maxJsonDepth = 64;

/**
 * The nesting depth of the JSON text `text` (0 for a scalar), counting only brackets outside
 * strings; stops counting once past `limit`. Linear and allocation-free, so it can run before
 * JSON.parse on every body.
 */
export function jsonDepth(text: string, limit = maxJsonDepth): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
  return deepest;
}

/** The message of every "too deep" refusal, so each one names the limit the same way. */
export const tooDeepMessage = `JSON is nested deeper than ${maxJsonDepth} levels (the limit)`;
