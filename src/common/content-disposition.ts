/**
 * A Content-Disposition value whose `filename*` is encoded per RFC 8187: only attr-chars stay as
 * they are. encodeURIComponent alone leaves ' ( ) * ! unencoded, and a `'` ends the charset and
 * language parts of the value for a strict parser. An ASCII `filename` comes first for clients
 * that do not read `filename*`.
 */
export function contentDisposition(kind: 'attachment' | 'inline', filename: string): string {
  const encoded = encodeURIComponent(filename).replace(/['()*!]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
