// Types of the JS layer (aws.js): AwsClient, S3 and DynamoDB. Their option and result types are declared in
// types.d.ts.
import type {
  AwsClientOptions, AwsRequestInit, BodyInput, DynamoDBInput, DynamoDBOptions, DynamoDBOutput, HeadObjectOutput,
  ListObjectsInput, ListObjectsOutput, PresignGetOptions, PresignPutOptions, PutObjectOptions, S3Options, UploadOptions,
} from './types.js';

export class AwsClient {
  /**
   * `fetch` with SigV4: same arguments and result (a `Response` whatever its status); network failures and
   * aborts reject. Transient errors are retried for idempotent requests; clock skew and expired
   * credentials are corrected once.
   */
  fetch(input: string | URL | Request, init?: AwsRequestInit): Promise<Response>;
  constructor(options: AwsClientOptions);
}
export class DynamoDB {
  batchGetItem(input: DynamoDBInput, options?: { signal?: AbortSignal }): Promise<DynamoDBOutput>;
  batchWriteItem(input: DynamoDBInput, options?: { signal?: AbortSignal }): Promise<DynamoDBOutput>;
  deleteItem(input: DynamoDBInput, options?: { signal?: AbortSignal }): Promise<DynamoDBOutput>;
  getItem(input: DynamoDBInput, options?: { signal?: AbortSignal }): Promise<DynamoDBOutput>;
  constructor(options: DynamoDBOptions);
  putItem(input: DynamoDBInput, options?: { signal?: AbortSignal }): Promise<DynamoDBOutput>;
  query(input: DynamoDBInput, options?: { signal?: AbortSignal }): Promise<DynamoDBOutput>;
  scan(input: DynamoDBInput, options?: { signal?: AbortSignal }): Promise<DynamoDBOutput>;
  /**
   * Any DynamoDB operation by name (`"DescribeTable"`, ...), values marshalled like the helpers'.
   */
  send(operation: string, input: DynamoDBInput, options?: { signal?: AbortSignal }): Promise<DynamoDBOutput>;
  transactGetItems(input: DynamoDBInput, options?: { signal?: AbortSignal }): Promise<DynamoDBOutput>;
  transactWriteItems(input: DynamoDBInput, options?: { signal?: AbortSignal }): Promise<DynamoDBOutput>;
  updateItem(input: DynamoDBInput, options?: { signal?: AbortSignal }): Promise<DynamoDBOutput>;
}
export class S3 {
  deleteObject(key: string, options?: { signal?: AbortSignal }): Promise<void>;
  /**
   * GET an object (a `range` like `bytes=0-99` gives a 206). Resolves to the `Response`; S3 errors reject.
   */
  getObject(key: string, options?: { range?: string; signal?: AbortSignal }): Promise<Response>;
  /**
   * An object's size, type, ETag and metadata; a missing object rejects with `NotFound`.
   */
  headObject(key: string, options?: { signal?: AbortSignal }): Promise<HeadObjectOutput>;
  /**
   * One page of ListObjectsV2 (pass `nextContinuationToken` back for the next), or every page with `all`.
   */
  listObjectsV2(options?: ListObjectsInput): Promise<ListObjectsOutput>;
  constructor(options: S3Options);
  /**
   * A URL anyone can GET until it expires (no credentials needed).
   */
  presignGet(key: string, options?: PresignGetOptions): Promise<string>;
  /**
   * A URL anyone can PUT one object to until it expires.
   */
  presignPut(key: string, options?: PresignPutOptions): Promise<string>;
  /**
   * PUT an object in one request (up to 5 GiB; prefer `upload` for large Blobs).
   */
  putObject(key: string, body: BodyInput, options?: PutObjectOptions): Promise<{ etag: string }>;
  /**
   * Uploads a Blob (or bytes): one PUT when small, otherwise a multipart upload with parts in parallel,
   * progress after each part, and the upload aborted on failure or when `signal` aborts.
   */
  upload(key: string, body: Blob | ArrayBuffer | ArrayBufferView | string, options?: UploadOptions): Promise<{ etag: string }>;
}
