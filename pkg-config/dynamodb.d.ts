// Types of marshall, unmarshall and numberValue (dynamodb.js).
import type { AttributeValue, MarshallOptions, NativeValue, NumberValue, UnmarshallOptions } from './types.js';

/** A plain object (an item) as a map of AttributeValues. */
export function marshall(item: Record<string, NativeValue>, options?: MarshallOptions): Record<string, AttributeValue>;
/** A map of AttributeValues (an item) as a plain object. */
export function unmarshall(item: Record<string, AttributeValue>, options?: UnmarshallOptions): Record<string, NativeValue>;
/** An exact number from its decimal text, for numbers a JS number cannot hold. */
export function numberValue(text: string): NumberValue;
