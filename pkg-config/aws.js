// AwsClient, S3 and DynamoDB: the browser I/O (fetch, retries and their waits, multipart upload workers) over
// the Rust core's synchronous steps (SigV4 signing, retry decisions, S3 URLs and XML, DynamoDB marshalling),
// which the wasm runs by name (`step` in io.js). Credentials are asked for on every request (the
// provider caches and refreshes), so each request, and each part of an upload, is signed with current ones.
import {
  fail, invalid, isObject, optString, optBool, optNum, backOff, amzDate, send, text, pairsOf, serverDate, parseObject, jsonErrorFields,
  jsonAnswer, step, stepFields, stepError,
} from './io.js';
import { signRequest, presignUrl, urlFields, bodyKind } from './sigv4.js';
import { marshallFlags, marshallRequest, unmarshallAnswer } from './dynamodb.js';

/** Beyond this, the device clock is treated as wrong and the server's `Date` is used for signing. */
const SKEW_TOLERANCE_MS = 60000;
/** Checked here too, before credentials are fetched for a URL that could not be made (the signer checks again). */
const MAX_PRESIGN_SECONDS = 604800;

export function readCreds(c) {
  const missing = () => fail('MissingCredentials', 'credentials need accessKeyId and secretAccessKey strings');
  if (!isObject(c) || typeof c.accessKeyId !== 'string' || !c.accessKeyId || typeof c.secretAccessKey !== 'string' || !c.secretAccessKey) throw missing();
  if (c.sessionToken != null && typeof c.sessionToken !== 'string') throw fail('MissingCredentials', 'credentials.sessionToken must be a string');
  return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken ?? undefined };
}

/** A credentials option as a function `({ forceRefresh }) => credentials` (or a Promise of them): fixed credentials,
 *  a function, or any object with `getCredentials()` (IdentityPool). */
export function credentialSource(c) {
  if (typeof c === 'function') return (arg) => c.call(null, arg);
  if (isObject(c) && typeof c.getCredentials === 'function') return (arg) => c.getCredentials(arg);
  const fixed = readCreds(c);
  return () => fixed;
}

/** `[body to send, data to hash or null for UNSIGNED-PAYLOAD]`; a Blob is read when it must be hashed. */
async function bodyAndHash(body, unsigned) {
  if (bodyKind(body) === 'bytes') return [body, unsigned ? null : body ?? ''];
  if (unsigned) return [body, null];
  if (typeof body.arrayBuffer !== 'function') throw fail('InvalidBody', 'a stream body cannot be signed: pass a Blob, ArrayBuffer or string');
  let buf;
  try {
    buf = await body.arrayBuffer();
  } catch {
    throw fail('InvalidBody', 'the body could not be read');
  }
  return [buf, buf];
}

/** The credentials source, defaults, and the clock offset learned from AWS's answers. */
class Signer {
  constructor(options) {
    if (!isObject(options)) throw invalid('expected an options object with credentials');
    this.source = credentialSource(options.credentials);
    const n = options.maxAttempts;
    if (n != null && !(typeof n === 'number' && n >= 1 && n <= 10)) throw invalid('maxAttempts must be 1 to 10');
    this.max = n == null ? 3 : Math.floor(n);
    this.region = optString(options, 'region');
    this.service = optString(options, 'service');
    /** Server clock minus this device's, milliseconds. */
    this.offset = 0;
  }

  async credentials(forceRefresh) {
    // The provider's own coded error (NotAuthorizedException, NetworkError ...) is kept.
    return readCreds(await this.source({ forceRefresh }));
  }

  /** Now on the server's clock (when the device's is known to be off), milliseconds. */
  now() {
    return Date.now() + this.offset;
  }

  learnClock(response, always) {
    const server = serverDate(response);
    if (!Number.isFinite(server)) return;
    const offset = server - Date.now();
    if (always || Math.abs(offset - this.offset) > SKEW_TOLERANCE_MS) this.offset = offset;
  }

  /**
   * Signs and sends `req` ({ method, url, headers: [name, value][], body, hash (null: unsigned), service, region,
   * signal, idempotent, extra }), retrying as the core's retry rules say. Resolves to the last `Response`.
   */
  async send(req) {
    const a = { number: 1, skewFixed: false, refreshed: false };
    for (;;) {
      const creds = await this.credentials(a.refreshed);
      const signed = signRequest({
        method: req.method, url: req.url, headers: req.headers, body: req.hash, unsignedPayload: req.hash === null,
        credentials: creds, region: req.region, service: req.service, datetime: amzDate(this.now()),
      });
      const init = Object.assign({}, req.extra, { method: req.method, headers: signed.headers });
      if (req.body != null) init.body = req.body;
      if (req.signal != null) init.signal = req.signal;
      let response;
      try {
        response = await send(req.url, init);
      } catch (e) {
        if (e.code === 'NetworkError' && req.idempotent && a.number < this.max) {
          await backOff(a.number++);
          continue;
        }
        throw e;
      }
      this.learnClock(response, false);
      const status = response.status;
      if (status >= 200 && status < 400) return response;
      // The error is read from a copy: the caller still gets the whole answer.
      const body = await response.clone().text().catch(() => '');
      const [code, message] = stepFields('errorCode', [status, jsonErrorFields(parseObject(body), response.headers.get('x-amzn-errortype'))], body);
      switch (step('retry', [status, code, message, a.number, this.max, req.idempotent, a.skewFixed, a.refreshed])) {
        case '1':
          await backOff(a.number++);
          break;
        case '2':
          this.learnClock(response, true);
          a.skewFixed = true;
          break;
        case '3':
          a.refreshed = true;
          break;
        default:
          return response;
      }
    }
  }
}

/** `fetch` with SigV4. */
export class AwsClient {
  #signer;

  constructor(options) {
    this.#signer = new Signer(options);
  }

  /**
   * Same arguments and result as `fetch` (a `Response` whatever its status); network failures and aborts reject.
   * Transient errors are retried for idempotent requests; clock skew and expired credentials are corrected once.
   */
  async fetch(input, init) {
    let url;
    let method;
    let headers = [];
    let body;
    if (typeof input === 'string') url = input;
    else if (isObject(input) && typeof input.method === 'string') {
      // A Request: its method, headers and body are used.
      if (typeof input.url !== 'string') throw invalid('the Request has no url');
      url = input.url;
      method = input.method;
      headers = pairsOf(input.headers);
      if (method !== 'GET' && method !== 'HEAD') {
        try {
          body = await input.arrayBuffer();
        } catch {
          throw invalid("the Request's body cannot be read");
        }
      }
    } else if (isObject(input) && typeof input.href === 'string') url = input.href;
    else throw invalid('input must be a URL string, a URL or a Request');
    let aws;
    let signal;
    let extra;
    if (isObject(init)) {
      method = optString(init, 'method') ?? method;
      if (init.headers != null) headers = pairsOf(init.headers);
      if (init.body !== undefined) body = init.body;
      ({ aws, signal, ...extra } = init);
    }
    method = (method ?? 'GET').toUpperCase();
    const s = this.#signer;
    const [host, hostService, hostRegion] = stepFields('endpoint', urlFields(url));
    const pick = (key, fromHost, fallback, code) => {
      const v = optString(aws, key) ?? (fromHost || fallback);
      if (v === undefined) throw fail(code, `cannot tell the AWS ${key} from the host ${host}; pass aws.${key} or set it on the client`);
      return v;
    };
    const service = pick('service', hostService, s.service, 'UnknownService');
    const region = pick('region', hostRegion, s.region, 'UnknownRegion');
    const unsigned = optBool(aws, 'unsignedPayload') ?? (bodyKind(body) === 'opaque' && step('isS3', [service]) === '1');
    const [sent, hash] = await bodyAndHash(body, unsigned);
    const idempotent = optBool(aws, 'idempotent') ?? step('idempotent', [method]) === '1';
    return s.send({ method, url, headers, body: sent, hash, service, region, signal, idempotent, extra });
  }
}

/** The headers an object is stored with: `content-type` and `x-amz-meta-*` from `metadata`. */
function objectHeaders(options) {
  const headers = [];
  const ct = optString(options, 'contentType');
  if (ct !== undefined) headers.push(['content-type', ct]);
  for (const [k, v] of pairsOf(isObject(options) ? options.metadata : undefined)) headers.push([`x-amz-meta-${k.toLowerCase()}`, v]);
  return headers;
}

const signalOf = (options) => (isObject(options) ? options.signal : undefined);

/** S3 object operations, listing, presigned URLs and multipart uploads. */
export class S3 {
  #signer;
  #cfg;

  constructor(options) {
    const signer = new Signer(options);
    const bucket = optString(options, 'bucket');
    if (bucket === undefined) throw invalid('bucket is required');
    const region = optString(options, 'region');
    if (region === undefined) throw invalid('region is required');
    this.#cfg = [region, bucket, optString(options, 'endpoint'), optBool(options, 'forcePathStyle')];
    this.#url(); // checks the configuration
    this.#signer = signer;
  }

  /** An object's URL (with a query), or the bucket's without a key. */
  #url(key, query) {
    if (key !== undefined && typeof key !== 'string') throw invalid('key must be a string');
    const url = step('s3Url', [this.#cfg, key !== undefined, key]);
    return query ? `${url}?${query}` : url;
  }

  /** Signs, sends, and turns a non-2xx answer into S3's coded error. */
  async #send(method, url, headers, body, hash, signal) {
    const response = await this.#signer.send({
      method, url, headers, body, hash, service: 's3', region: this.#cfg[0], signal, idempotent: method !== 'POST',
    });
    if (response.status >= 200 && response.status < 300) return response;
    const xml = method === 'HEAD' ? '' : await response.text().catch(() => '');
    throw stepError('s3Error', [response.status], xml);
  }

  /** GET an object (a `range` like `bytes=0-99` gives a 206). Resolves to the `Response`; S3 errors reject. */
  async getObject(key, options) {
    const range = optString(options, 'range');
    return this.#send('GET', this.#url(key), range === undefined ? [] : [['range', range]], undefined, '', signalOf(options));
  }

  /** PUT an object in one request (up to 5 GiB; prefer `upload` for large Blobs). */
  async putObject(key, body, options) {
    const headers = objectHeaders(options);
    const [sent, hash] = await bodyAndHash(body, bodyKind(body) === 'opaque');
    const response = await this.#send('PUT', this.#url(key), headers, sent, hash, signalOf(options));
    return { etag: response.headers.get('etag') ?? '' };
  }

  /** An object's size, type, ETag and metadata; a missing object rejects with `NotFound`. */
  async headObject(key, options) {
    const r = await this.#send('HEAD', this.#url(key), [], undefined, '', signalOf(options));
    const out = { contentLength: Number(r.headers.get('content-length') ?? 0) || 0 };
    for (const [header, name] of [['content-type', 'contentType'], ['etag', 'etag'], ['last-modified', 'lastModified']]) {
      const v = r.headers.get(header);
      if (v !== null) out[name] = v;
    }
    // Metadata names are only readable when the bucket's CORS exposes them; read what is visible.
    const metadata = {};
    for (const [k, v] of r.headers) if (k.startsWith('x-amz-meta-')) metadata[k.slice(11)] = v;
    out.metadata = metadata;
    return out;
  }

  async deleteObject(key, options) {
    await this.#send('DELETE', this.#url(key), [], undefined, '', signalOf(options));
  }

  /** One page of ListObjectsV2 (pass `nextContinuationToken` back for the next), or every page with `all`. */
  async listObjectsV2(options) {
    const maxKeys = optNum(options, 'maxKeys');
    const input = ['prefix', 'delimiter', 'continuationToken', 'startAfter'].map((k) => optString(options, k));
    const all = optBool(options, 'all') ?? false;
    const signal = signalOf(options);
    const contents = [];
    let keyCount = 0;
    for (;;) {
      const query = step('s3ListQuery', [input, maxKeys === undefined ? '' : Math.floor(maxKeys)]);
      const response = await this.#send('GET', this.#url(undefined, query), [], undefined, '', signal);
      const [truncated, token, count, prefixCount, ...rest] = stepFields('s3List', [], await text(response));
      const commonPrefixes = rest.splice(0, Number(prefixCount));
      for (let i = 0; i + 4 < rest.length; i += 5) {
        const o = { key: rest[i], size: Number(rest[i + 1]), etag: rest[i + 2], lastModified: rest[i + 3] };
        if (rest[i + 4]) o.storageClass = rest[i + 4];
        contents.push(o);
      }
      keyCount += Number(count);
      if (!(all && truncated && token)) {
        const page = { contents, commonPrefixes, isTruncated: truncated === '1', keyCount };
        if (token) page.nextContinuationToken = token;
        return page;
      }
      input[2] = token;
    }
  }

  /**
   * Uploads a Blob (or bytes): one PUT when small, otherwise a multipart upload with parts in parallel, progress
   * after each part, and the upload aborted on failure or when `signal` aborts.
   */
  async upload(key, body, options) {
    const partSize = optNum(options, 'partSize');
    const concurrency = Math.min(16, Math.max(1, Math.floor(optNum(options, 'concurrency') ?? 4)));
    const onProgress = isObject(options) && typeof options.onProgress === 'function' ? options.onProgress : undefined;
    const progress = (loaded, total) => {
      // A listener that throws must not break the upload.
      try {
        onProgress?.({ loaded, total });
      } catch {}
    };
    // Anything that is not a Blob yet becomes one, so parts can be sliced without copies.
    let blob;
    if (bodyKind(body) === 'opaque') {
      if (typeof body.slice !== 'function') throw fail('InvalidBody', 'upload takes a Blob, File, ArrayBuffer, typed array or string');
      blob = body;
    } else blob = new Blob(body == null ? [] : [body]);
    const total = blob.size;
    const parts = stepFields('s3Parts', [total, partSize === undefined ? '' : Math.floor(partSize)]).map(Number);
    const count = parts.length / 2;
    if (count <= 1) {
      const out = await this.putObject(key, blob, options);
      progress(total, total);
      return out;
    }
    const signal = signalOf(options);
    const created = await this.#send('POST', this.#url(key, 'uploads'), objectHeaders(options), undefined, '', signal);
    const uploadId = step('s3UploadId', [], await text(created));
    const idQuery = step('query', ['uploadId', uploadId]);
    const etags = new Array(count);
    let next = 0;
    let loaded = 0;
    let failed;
    progress(0, total);
    const worker = async () => {
      while (failed === undefined && next < count) {
        const i = next++;
        try {
          const url = this.#url(key, `partNumber=${i + 1}&${idQuery}`);
          const response = await this.#send('PUT', url, [], blob.slice(parts[2 * i], parts[2 * i + 1]), null, signal);
          const etag = response.headers.get('etag');
          if (etag === null) throw fail('InvalidResponse', 'S3 answered a part without an ETag (is ETag an exposed CORS header?)');
          etags[i] = etag;
          loaded += parts[2 * i + 1] - parts[2 * i];
          progress(loaded, total);
        } catch (e) {
          failed ??= e;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
    if (failed !== undefined) {
      // Best effort, and never with the caller's (possibly aborted) signal: parts of a failed upload cost money.
      await this.#send('DELETE', this.#url(key, idQuery), [], undefined, '', undefined).catch(() => {});
      throw failed;
    }
    const xml = step('s3CompleteBody', etags);
    const done = await this.#send('POST', this.#url(key, idQuery), [['content-type', 'application/xml']], xml, xml, signal);
    return { etag: step('s3Completed', [], await text(done)) };
  }

  async #presign(method, key, query, headers, options) {
    const expiresIn = optNum(options, 'expiresIn') ?? 900;
    if (!(expiresIn >= 1 && expiresIn <= MAX_PRESIGN_SECONDS && Number.isInteger(expiresIn))) {
      throw fail('InvalidExpires', 'expiresIn must be a whole number of seconds from 1 to 604800 (7 days)');
    }
    const url = this.#url(key, query);
    const credentials = await this.#signer.credentials(false);
    return presignUrl({
      method, url, headers, expiresIn, credentials, region: this.#cfg[0], service: 's3', datetime: amzDate(this.#signer.now()),
    });
  }

  /** A URL anyone can GET until it expires (no credentials needed). */
  async presignGet(key, options) {
    const pairs = [];
    for (const [opt, param] of [['responseContentType', 'response-content-type'], ['responseContentDisposition', 'response-content-disposition']]) {
      const v = optString(options, opt);
      if (v !== undefined) pairs.push(param, v);
    }
    const range = optString(options, 'range');
    return this.#presign('GET', key, step('query', pairs), range === undefined ? [] : [['range', range]], options);
  }

  /** A URL anyone can PUT one object to until it expires. */
  async presignPut(key, options) {
    const ct = optString(options, 'contentType');
    return this.#presign('PUT', key, '', ct === undefined ? [] : [['content-type', ct]], options);
  }
}

/** Attempts at the items a batch operation left unprocessed. */
const MAX_BATCH_RETRIES = 5;

/** Adds BatchGetItem's `Responses` of `more` to those of `answer`, table by table. */
function mergeResponses(answer, more) {
  const target = isObject(answer.Responses) ? answer.Responses : {};
  if (isObject(more.Responses)) {
    for (const [table, items] of Object.entries(more.Responses)) target[table] = (Array.isArray(target[table]) ? target[table] : []).concat(items);
  }
  answer.Responses = target;
}

/** DynamoDB with plain JS values in and out (or raw AttributeValues with `raw: true`). */
export class DynamoDB {
  #signer;
  #endpoint;
  #region;
  #marshall;
  #wrap;
  #raw;

  constructor(options) {
    this.#signer = new Signer(options);
    const region = optString(options, 'region');
    if (region === undefined) throw invalid('region is required');
    this.#region = region;
    this.#endpoint = optString(options, 'endpoint') ?? `https://dynamodb.${region}.amazonaws.com/`;
    this.#marshall = marshallFlags(options.marshallOptions);
    this.#wrap = optBool(options.unmarshallOptions, 'wrapNumbers') ?? false;
    this.#raw = optBool(options, 'raw') ?? false;
  }

  /** One call with a request in wire form; the answer in wire form, or DynamoDB's coded error. */
  async #call(operation, body, signal) {
    let json;
    try {
      json = JSON.stringify(body);
    } catch {
      throw invalid('the request cannot be written as JSON (a cycle, or a bigint outside a value)');
    }
    const response = await this.#signer.send({
      method: 'POST', url: this.#endpoint, body: json, hash: json, service: 'dynamodb', region: this.#region, signal,
      headers: [['content-type', 'application/x-amz-json-1.0'], ['x-amz-target', `DynamoDB_20120810.${operation}`]],
      // AWS's retry guidance: DynamoDB requests that were throttled or failed with 5xx were not applied.
      idempotent: true,
    });
    return jsonAnswer(response);
  }

  /** Any DynamoDB operation by name (`"DescribeTable"`, ...), values marshalled like the helpers'. */
  async send(operation, input, options) {
    if (typeof operation !== 'string') throw invalid('operation must be a string');
    if (!isObject(input)) throw invalid("expected the operation's input object");
    const signal = signalOf(options);
    let body = this.#raw ? input : marshallRequest(input, this.#marshall);
    const answer = await this.#call(operation, body, signal);
    // Batch operations: send what DynamoDB left unprocessed again, with backoff, and gather the results.
    const member = operation === 'BatchWriteItem' ? 'UnprocessedItems' : operation === 'BatchGetItem' ? 'UnprocessedKeys' : undefined;
    for (let round = 1; member !== undefined; round++) {
      const left = answer[member];
      if (!isObject(left) || Object.keys(left).length === 0 || round > MAX_BATCH_RETRIES) break;
      await backOff(round);
      body = Object.assign({}, body, { RequestItems: left });
      const more = await this.#call(operation, body, signal);
      if (member === 'UnprocessedKeys') mergeResponses(answer, more);
      answer[member] = more[member];
    }
    return this.#raw ? answer : unmarshallAnswer(answer, this.#wrap);
  }

  getItem(input, options) { return this.send('GetItem', input, options); }
  putItem(input, options) { return this.send('PutItem', input, options); }
  updateItem(input, options) { return this.send('UpdateItem', input, options); }
  deleteItem(input, options) { return this.send('DeleteItem', input, options); }
  query(input, options) { return this.send('Query', input, options); }
  scan(input, options) { return this.send('Scan', input, options); }
  batchGetItem(input, options) { return this.send('BatchGetItem', input, options); }
  batchWriteItem(input, options) { return this.send('BatchWriteItem', input, options); }
  transactWriteItems(input, options) { return this.send('TransactWriteItems', input, options); }
  transactGetItems(input, options) { return this.send('TransactGetItems', input, options); }
}
