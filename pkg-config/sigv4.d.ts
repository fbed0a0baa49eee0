// Types of signRequest and presignUrl (sigv4.js).
import type { PresignUrlInput, SignRequestInput, SignedRequest } from './types.js';

/** Signs a request with SigV4 (an `Authorization` header) and returns what `fetch` needs to send it. */
export function signRequest(input: SignRequestInput): SignedRequest;
/** A presigned URL: the signature in the query, usable by anyone (no credentials) until it expires. */
export function presignUrl(input: PresignUrlInput): string;
