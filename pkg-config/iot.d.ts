// Types of iotMqttUrl and iotMqttUrls (iot.js).
import type { IotMqttUrlInput, IotMqttUrls } from './types.js';

/** A `wss://<endpoint>/mqtt?...` URL presigned for AWS IoT Core (SigV4, service iotdevicegateway), for one connection. */
export function iotMqttUrl(input: IotMqttUrlInput): Promise<string>;
/** URLs for an MQTT client that reconnects: each (re)connection signs a new URL with the latest credentials. */
export function iotMqttUrls(input: IotMqttUrlInput): Promise<IotMqttUrls>;
