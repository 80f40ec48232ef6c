import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

interface Operation {
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: Record<string, unknown> }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; responses: Record<string, { content: Record<string, { schema: unknown }> }> };
}

/** The OpenAPI document of the package, as the tests read it (independently of the server's copy). */
export const DOCUMENT = JSON.parse(readFileSync(new URL('../../../openapi.json', import.meta.url), 'utf8')) as Document;

const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormats as unknown as (ajv: Ajv2020) => void)(ajv);
ajv.addSchema({ $id: 'openapi', components: DOCUMENT.components });
const compiled = new Map<string, ReturnType<Ajv2020['compile']>>();
const fixRefs = (schema: unknown): unknown => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/'));

/** The path template of the document that a concrete API path matches (`/lists/{list}` for `/lists/red%40x.org`). */
export function templateOf(path: string): string | undefined {
  const given = path.split('/');
  return Object.keys(DOCUMENT.paths).find((template) => {
    const parts = template.split('/');
    return (
      parts.length === given.length && parts.every((part, index) => (part.startsWith('{') ? given[index] !== '' : part === given[index]))
    );
  });
}

/**
 * Checks a response against the document: the path and method are described, the status is one
 * the operation declares, the media type is the declared one, and a JSON body fits its schema.
 * @throws {Error} saying what does not fit.
 */
export function checkResponse(method: string, path: string, status: number, contentType: string, body: unknown): void {
  const template = templateOf(path);
  const operation = template === undefined ? undefined : DOCUMENT.paths[template]?.[method.toLowerCase()];
  if (!template || !operation) {
    // An undescribed path or method: only a 404 or 405 problem may answer it.
    if (status !== 404 && status !== 405) throw new Error(`${method} ${path}: not in openapi.json, yet answered ${status}`);
    if (!contentType.startsWith('application/problem+json')) throw new Error(`${method} ${path}: ${status} without problem+json`);
    const validate = ajv.compile({ $ref: 'openapi#/components/schemas/Problem' });
    if (!validate(body)) throw new Error(`${method} ${path}: ${ajv.errorsText(validate.errors)}`);
    return;
  }
  let declared = operation.responses[String(status)];
  if (!declared) throw new Error(`${method} ${template}: status ${status} is not declared (body ${JSON.stringify(body).slice(0, 300)})`);
  if (declared.$ref) declared = DOCUMENT.components.responses[declared.$ref.split('/').at(-1) as string] as typeof declared;
  const media = contentType.split(';')[0]?.trim() ?? '';
  if (!declared.content) {
    if (media !== '' && status !== 204) throw new Error(`${method} ${template} ${status}: declared without a body, got ${media}`);
    return;
  }
  const content = declared.content[media];
  if (!content) throw new Error(`${method} ${template} ${status}: media type ${media} is not declared (${Object.keys(declared.content)})`);
  if (!media.endsWith('json')) return;
  const key = `${method} ${template} ${status} ${media}`;
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(fixRefs(content.schema) as object);
    compiled.set(key, validate);
  }
  if (!validate(body)) throw new Error(`${key}: ${ajv.errorsText(validate.errors)}; body ${JSON.stringify(body).slice(0, 500)}`);
}

/** Checks a value against one of the document's component schemas (an SSE event's data). @throws {Error} */
export function checkSchema(name: string, value: unknown): void {
  const validate = ajv.getSchema(`openapi#/components/schemas/${name}`);
  if (!validate) throw new Error(`no schema ${name}`);
  if (!validate(value)) throw new Error(`${name}: ${ajv.errorsText(validate.errors)}; ${JSON.stringify(value).slice(0, 500)}`);
}
