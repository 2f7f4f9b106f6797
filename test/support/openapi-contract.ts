// Checks every API response an e2e test receives against the OpenAPI document the app serves:
// the status must be documented for the operation, the content type declared, a JSON body valid
// against its schema (with no undocumented properties), and the headers clients rely on
// (Location, Retry-After, X-Content-SHA256, Content-Disposition) declared. A mismatch fails the
// request's test, so the document cannot drift from the code.
import { appendFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Response } from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';

type Json = Record<string, unknown>;
interface Operation {
  responses: Record<string, Json>;
}
interface OpenApiDoc {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json>; responses?: Record<string, Json> };
}

const CHECKED_HEADERS = ['location', 'retry-after', 'x-content-sha256', 'content-disposition'];
const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'] as const;

// ajv-formats is CommonJS with a default export; under ESM interop it may arrive wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

/**
 * The document's schemas, made strict for checking: an object schema that lists its properties
 * allows no others, so a field the server sends but the document does not name fails.
 */
function strict(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strict);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Json = {};
  for (const [k, v] of Object.entries(schema))
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as Json).map(([p, s]) => [p, strict(s)])) : strict(v);
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

export interface ContractStats {
  checked: number;
  /** "METHOD path status" seen, to tell which documented responses the suite exercises. */
  seen: Set<string>;
}

export class OpenApiContract {
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly routes: { method: string; template: string; pattern: RegExp; op: Operation }[] = [];
  readonly stats: ContractStats = { checked: 0, seen: new Set() };

  constructor(private readonly doc: OpenApiDoc) {
    this.ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: 'openapi', components: { schemas: strict(doc.components.schemas) } });
    for (const [template, item] of Object.entries(doc.paths)) {
      const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
      for (const method of METHODS) if (item[method]) this.routes.push({ method, template, pattern, op: item[method] });
    }
    // A literal path wins over a template one (e.g. /versions/x/publish vs /versions/{versionId}).
    this.routes.sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0));
  }

  private resolve(response: Json): Json {
    const ref = response.$ref;
    if (typeof ref !== 'string') return response;
    const name = ref.split('/').pop() ?? '';
    const found = this.doc.components.responses?.[name];
    if (!found) throw new Error(`OpenAPI: unresolved response ${ref}`);
    return found;
  }

  private validator(key: string, schema: Json): ValidateFunction {
    let v = this.validators.get(key);
    if (!v) {
      // Schemas refer to '#/components/schemas/X': point them at the document added above.
      const rebased = JSON.parse(JSON.stringify(strict(schema)).replaceAll('"#/components/', '"openapi#/components/')) as Json;
      v = this.ajv.compile(rebased);
      this.validators.set(key, v);
    }
    return v;
  }

  /** The problems with one response, or [] when it is as documented. Non-API paths are not checked. */
  check(method: string, url: string, res: Response): string[] {
    const path = new URL(url, 'http://x').pathname;
    if (!path.startsWith('/api/') || path.startsWith('/api/docs')) return [];
    const m = method.toLowerCase();
    const route = this.routes.find((r) => r.method === m && r.pattern.test(path));
    const where = `${method.toUpperCase()} ${path} → ${res.status}`;
    // Unknown routes answer 404 in the error shape; that needs no operation.
    if (!route) return res.status === 404 || res.status === 405 ? this.checkError(where, res) : [`${where}: no such operation in the document`];
    this.stats.checked += 1;
    this.stats.seen.add(`${m.toUpperCase()} ${route.template} ${res.status}`);
    const documented = route.op.responses[String(res.status)] ?? route.op.responses.default;
    if (!documented) return [`${where}: status ${res.status} is not documented (documented: ${Object.keys(route.op.responses).join(', ')})`];
    const response = this.resolve(documented);
    const problems: string[] = [];
    const declared = new Set(Object.keys((response.headers as Json | undefined) ?? {}).map((h) => h.toLowerCase()));
    for (const h of CHECKED_HEADERS) if (res.headers[h] !== undefined && !declared.has(h)) problems.push(`${where}: header ${h} is sent but not declared`);
    const content = response.content as Record<string, { schema?: Json }> | undefined;
    const type = String(res.headers['content-type'] ?? '')
      .split(';')[0]
      .trim();
    const hasBody = res.status !== 204 && res.status !== 304 && Number(res.headers['content-length'] ?? 1) !== 0 && type !== '';
    if (!content) {
      if (hasBody) problems.push(`${where}: a ${type} body is sent but no content is documented`);
      return problems;
    }
    if (!hasBody) return [...problems, `${where}: content is documented (${Object.keys(content).join(', ')}) but none was sent`];
    const media = content[type];
    if (!media) return [...problems, `${where}: content type ${type} is not documented (documented: ${Object.keys(content).join(', ')})`];
    if (type === 'application/json' && media.schema) {
      const v = this.validator(`${m} ${route.template} ${res.status}`, media.schema);
      // A test that reads the body raw (a download that failed) holds a Buffer: read it as the client would.
      const body: unknown = Buffer.isBuffer(res.body) ? JSON.parse(res.body.toString('utf8')) : res.body;
      if (!v(body)) problems.push(`${where}: body does not match the schema: ${this.ajv.errorsText(v.errors, { separator: '; ' })}`);
    }
    return problems;
  }

  private checkError(where: string, res: Response): string[] {
    const v = this.validator('error', { $ref: '#/components/schemas/ErrorResponseDto' });
    const body: unknown = Buffer.isBuffer(res.body) ? JSON.parse(res.body.toString('utf8')) : res.body;
    return v(body) ? [] : [`${where}: error body does not match ErrorResponseDto: ${this.ajv.errorsText(v.errors)}`];
  }

  /** Makes every request made through `http` check its response against the document. */
  watch(http: TestAgent): TestAgent {
    type Expecting = { expect(fn: (res: Response) => void): Expecting };
    const agent = http as unknown as Record<string, (url: string) => Expecting>;
    for (const method of [...METHODS, 'del'] as const) {
      const make = agent[method];
      if (typeof make !== 'function') continue;
      agent[method] = (url: string) =>
        make.call(agent, url).expect((res: Response) => {
          const problems = this.check(method === 'del' ? 'delete' : method, url, res);
          if (problems.length > 0) throw new Error(`Response differs from the OpenAPI document:\n${problems.join('\n')}`);
        });
    }
    return http;
  }

  /** Adds this app's counts to the suite's total (printed by the global teardown). */
  record(): void {
    const file = process.env.E2E_OPENAPI_STATS;
    if (file) appendFileSync(file, `${JSON.stringify({ checked: this.stats.checked, seen: [...this.stats.seen] })}\n`);
  }
}
