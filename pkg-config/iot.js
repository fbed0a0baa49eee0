// AWS IoT Core from the page: the MQTT-over-WebSocket URL (src/iot.rs), presigned on presignUrl's path, with
// credentials from any source, and the hook an MQTT client (mqtt.js) calls to sign a fresh URL for every
// (re)connection. No MQTT here: the page's MQTT client speaks it.
import { stepFields, optString, required } from './io.js';
import { urlFields, presignUrl } from './sigv4.js';
import { credentialSource, readCreds } from './aws.js';

/** The options read once: `[source of credentials, sign(credentials) → URL]`. */
function signer(options) {
  const endpoint = required(options, 'endpoint');
  // A bare hostname is the usual form of an IoT endpoint. The wasm checks it and names the http(s) URL whose
  // presigned form is the WebSocket's (the scheme is not signed), then presigns it on the common path.
  const [scheme, url, region] = stepFields('iotEndpoint', [urlFields(endpoint.includes('://') ? endpoint : `wss://${endpoint}`), optString(options, 'region')]);
  const input = { url, region, service: 'iotdevicegateway', signSessionToken: false, signPayloadHeader: false, expiresIn: options.expiresIn ?? 300, datetime: options.datetime };
  return [credentialSource(options.credentials), (credentials) => scheme + presignUrl({ ...input, credentials }).slice(url.indexOf(':'))];
}

/** A `wss://<endpoint>/mqtt?...` URL signed now with the current credentials, for one connection. */
export async function iotMqttUrl(options) {
  const [source, sign] = signer(options);
  return sign(readCreds(await source({ forceRefresh: false })));
}

/**
 * For an MQTT client that reconnects: `url` (signed when read) for the first connection, and `transformWsUrl`
 * (mqtt.js's hook, synchronous) signing a new URL with the latest credentials at every (re)connection. The
 * credentials are asked for again before they expire (the source refreshes them), so a reconnection an hour
 * later signs with valid ones; `refresh()` asks now (after the source was made to refresh); `stop()` (also on the
 * client's `end`) ends that.
 */
export async function iotMqttUrls(options) {
  const [source, sign] = signer(options);
  let creds, expiresAt, timer, stopped, client;
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
  };
  const refresh = async () => {
    const c = await source({ forceRefresh: false });
    creds = readCreds(c);
    expiresAt = new Date(c.expiration ?? NaN).getTime();
    const left = expiresAt - Date.now();
    clearTimeout(timer);
    // Half the time left, again and again: the source hands out new credentials once within its own margin.
    if (!stopped && left > 0) (timer = setTimeout(() => refresh().catch(() => {}), Math.max(1000, left / 2))).unref?.();
  };
  await refresh();
  return {
    get url() {
      return sign(creds);
    },
    transformWsUrl(url, opts, mqttClient) {
      if (mqttClient && mqttClient !== client && typeof mqttClient.once === 'function') (client = mqttClient).once('end', stop);
      // Expired (the asking ahead failed, e.g. offline): this attempt fails, the next one has new credentials.
      if (expiresAt <= Date.now()) refresh().catch(() => {});
      return sign(creds);
    },
    refresh,
    stop,
  };
}
