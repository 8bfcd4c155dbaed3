/** How much of a response body is kept: enough to read, small enough for a status record. */
export const MAX_RESPONSE_BODY_BYTES = 4096;

/** A response body, parsed when it is JSON, cut to a bounded size. */
export interface ResponseBody {
  /** Parsed JSON, or text; absent when the response had no body. */
  body?: unknown;
  /** True when the body was longer than the limit and was cut. */
  truncated?: true;
}

/**
 * Reads at most `maxBytes` of a response body and releases the rest, so a huge or endless
 * response cannot exhaust memory.
 */
async function readBytes(
  response: Response,
  maxBytes: number,
): Promise<{ bytes: Uint8Array; truncated: boolean }> {
  if (!response.body) return { bytes: new Uint8Array(0), truncated: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size > maxBytes) {
      truncated = true;
      // Cancelling is best effort; its failure must not hide the body already read.
      await reader.cancel().catch(() => undefined);
      break;
    }
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { bytes: all.subarray(0, Math.min(size, maxBytes)), truncated };
}

function isJsonContentType(contentType: string | null): boolean {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || mediaType.endsWith('+json');
}

/**
 * Reads a response body: JSON when the content type says so and the whole body parses,
 * otherwise text. Bodies over `maxBytes` are cut and flagged, and are never parsed.
 */
export async function readResponseBody(
  response: Response,
  maxBytes: number = MAX_RESPONSE_BODY_BYTES,
): Promise<ResponseBody> {
  const { bytes, truncated } = await readBytes(response, maxBytes);
  // A cut may split a multi-byte character; drop the replacement character it leaves.
  let text = new TextDecoder().decode(bytes);
  if (truncated) text = text.replace(/\uFFFD$/, '');
  if (truncated) return { body: text, truncated: true };
  if (text === '') return {};
  if (isJsonContentType(response.headers.get('content-type'))) {
    try {
      return { body: JSON.parse(text) };
    } catch {
      // A server that mislabels its body still gets its text reported.
    }
  }
  return { body: text };
}
