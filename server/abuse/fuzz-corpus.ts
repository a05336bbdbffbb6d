import { randomUUID } from 'node:crypto';
import type { AbuseWorld } from './abuse-world';
import { fillPath, pathParams, ROUTE_CASES, type Method } from './route-cases';

// The generated REST corpus: for every route case, its body and query broken every way a client
// (or an attacker) can break them, and its path ids replaced by junk. Deterministic: the seed
// fixes every random choice, so a failure names a case that fails again.

export interface FuzzRequest {
  route: string;
  label: string;
  method: Method;
  path: string;
  body?: string;
  contentType?: string;
  /** Node's HTTP parser answers oversized URLs itself (431, no JSON body). */
  bareStatusOk?: boolean;
}

/** mulberry32: a tiny seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HUGE = 'x'.repeat(999_000); // under the 1 MB body limit: the schema must refuse it
const JUNK_IDS = ['not-a-uuid', '%00', '%F0%9F%A6%9C%E2%80%AE', "1'%20OR%20'1'%3D'1", '..%2F..%2Fetc%2Fpasswd', 'x'.repeat(3000), '__proto__', 'constructor'];

function wrongTypes(sample: unknown): unknown[] {
  if (typeof sample === 'string') return [12345, -1.5e308, true, [], ['a'], {}, { $gt: '' }];
  if (typeof sample === 'boolean') return ['true', 1, [], {}];
  if (typeof sample === 'number') return ['1', true, [], {}];
  if (Array.isArray(sample)) return ['x', 7, {}];
  return ['x', 7, [], true];
}

function queryValues(key: string): string[] {
  const common = ['%00', 'x'.repeat(8000)];
  if (key.endsWith('Id')) return ['not-a-uuid', '12345', ...common];
  if (key === 'limit' || key === 'before') return ['abc', '-5', '1e400', '0x10', '99999999999999999999', '1.5', ...common];
  if (key === 'status' || key === 'assignee') return ['bogus', 'OPEN%20OR%201%3D1', ...common];
  if (key === 'cursor') return ['!!!garbage!!!', Buffer.from('not-a-date|not-a-uuid').toString('base64url'), 'x'.repeat(300), '%00'];
  return ['x'.repeat(500), ...common];
}

export function buildCorpus(w: AbuseWorld, seed = 9): FuzzRequest[] {
  const rnd = prng(seed);
  const out: FuzzRequest[] = [];
  for (const [route, c] of Object.entries(ROUTE_CASES)) {
    if (c.skipFuzz && pathParams(route).length === 0) continue;
    const [method, pattern] = route.split(' ') as [Method, string];
    const path = fillPath(pattern, w);
    const validQuery = c.query ? new URLSearchParams(c.query(w)).toString() : '';
    const withQuery = (p: string, qs = validQuery) => (qs ? `${p}?${qs}` : p);
    const push = (label: string, r: Omit<FuzzRequest, 'route' | 'label' | 'method'>) => out.push({ route, label, method, ...r });
    const validBody = c.body?.(w);
    const jsonBody = validBody ? JSON.stringify(validBody) : undefined;

    // Junk ids in the path: 404 (or 403), whatever the body.
    for (const param of pathParams(pattern)) {
      for (const junk of [...JUNK_IDS, randomUUID()]) {
        push(`path ${param}=${junk.slice(0, 24)}`, { path: withQuery(fillPath(pattern, w, { [param]: junk })), body: jsonBody, contentType: jsonBody ? 'application/json' : undefined });
      }
    }
    if (c.skipFuzz) continue;

    if (validBody && jsonBody) {
      const body = (label: string, text: string, contentType = 'application/json') => push(label, { path: withQuery(path), body: text, contentType });
      for (let i = 0; i < 2; i++) body('truncated JSON', jsonBody.slice(0, 1 + Math.floor(rnd() * (jsonBody.length - 2))));
      for (const text of ['not json', '{', "{'single': 'quotes'}", '{"a":1,}', 'NaN', '\u0000', '{"a":1}{"b":2}']) body(`invalid JSON ${JSON.stringify(text)}`, text);
      for (const text of ['[]', 'null', '42', '"string"', 'true', `[${jsonBody}]`]) body(`top-level ${text.slice(0, 12)}`, text);
      body('text/plain', jsonBody, 'text/plain');
      body('form-urlencoded', 'name=x&email=y', 'application/x-www-form-urlencoded');
      body('multipart', '--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--b--', 'multipart/form-data; boundary=b');
      push('no content-type', { path: withQuery(path), body: jsonBody });
      body('__proto__ key', `{"__proto__":{"polluted":true},${jsonBody.slice(1)}`);
      body('constructor.prototype', `${jsonBody.slice(0, -1)},"constructor":{"prototype":{"polluted":true}}}`);
      body('prototype key', `${jsonBody.slice(0, -1)},"prototype":{"polluted":true}}`);
      body('nested __proto__', JSON.stringify({ ...validBody, [Object.keys(validBody)[0]!]: JSON.parse('{"__proto__":{"polluted":true}}') }));
      body('over 1 MB', JSON.stringify({ ...validBody, padding: 'p'.repeat(1_050_000) }));
      if (c.required?.length) {
        body('empty object', '{}');
        for (const f of c.required) {
          const { [f]: _, ...rest } = validBody;
          body(`missing ${f}`, JSON.stringify(rest));
        }
      }
      for (const [field, sample] of Object.entries(validBody)) {
        for (const wrong of wrongTypes(sample)) body(`${field}: ${JSON.stringify(wrong).slice(0, 20)}`, JSON.stringify({ ...validBody, [field]: wrong }));
        if (typeof sample === 'string') {
          body(`${field}: 999 KB string`, JSON.stringify({ ...validBody, [field]: HUGE }));
          body(`${field}: NUL`, JSON.stringify({ ...validBody, [field]: `${sample}\u0000x` }));
          body(`${field}: lone surrogate`, JSON.stringify({ ...validBody, [field]: `${sample}\ud800` }));
        }
      }
    }

    if (c.query) {
      const valid = c.query(w);
      for (const key of Object.keys(valid)) {
        for (const value of queryValues(key)) {
          // Raw, so '%00' and '%F0…' reach the server as typed.
          const qs = Object.entries(valid)
            .map(([k, v]) => `${k}=${k === key ? value : encodeURIComponent(v)}`)
            .join('&');
          push(`query ${key}=${value.slice(0, 20)}`, { path: `${path}?${qs}` });
        }
      }
      for (const key of ['__proto__', 'constructor', 'prototype', '__proto__%5Bpolluted%5D']) push(`query key ${key}`, { path: `${path}?${validQuery}&${key}=1` });
      push('query 1 MB', { path: `${path}?${validQuery}&pad=${'q'.repeat(1_000_000)}`, bareStatusOk: true });
    }
  }
  return out;
}

/** A deterministic subset for the short run: every route keeps cases, same assertions. */
export function sample<T>(items: T[], count: number, seed = 9): T[] {
  if (count >= items.length) return items;
  const rnd = prng(seed);
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, count);
}
