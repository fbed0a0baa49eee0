// The incumbents, bundled by scripts/bench.mjs (esbuild, browser ESM, minified) into
// target/bench/competitors.js for the benchmark page. Nothing here runs in Node.
//
// SigV4: @smithy/signature-v4 is the AWS SDK v3 signer. The SDK's browser runtime config hands it
// `Sha256` from @aws-crypto/sha256-browser (WebCrypto, async); the React Native config uses
// @aws-crypto/sha256-js (pure JS). Both are measured; sha256-browser is the headline comparison.
export { SignatureV4 } from '@smithy/signature-v4';
export { Sha256 as Sha256Browser } from '@aws-crypto/sha256-browser';
export { Sha256 as Sha256Js } from '@aws-crypto/sha256-js';
export { AwsClient, AwsV4Signer } from 'aws4fetch';

// SRP: amazon-cognito-identity-js's own internals, the pieces CognitoUser.authenticateUserDefaultAuth
// uses per login. The HMAC is its own dependency (@aws-crypto/sha256-js 1.2.2, nested under the
// package), and Buffer is the `buffer` polyfill it imports.
export { default as AuthenticationHelper } from 'amazon-cognito-identity-js/es/AuthenticationHelper';
export { default as BigInteger } from 'amazon-cognito-identity-js/es/BigInteger';
export { default as DateHelper } from 'amazon-cognito-identity-js/es/DateHelper';
export { Sha256 as CognitoSha256 } from 'amazon-cognito-identity-js/node_modules/@aws-crypto/sha256-js';
export { Buffer } from 'buffer';
