// Small runtime checks for JSON that crosses the network: the UI only ever
// sees values of the types it declares.

export class DecodeError extends Error {
  constructor(path: string, expected: string) {
    super(`${path}: expected ${expected}`);
    this.name = 'DecodeError';
  }
}

export type JsonRecord = Readonly<Record<string, unknown>>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function record(value: unknown, path: string): JsonRecord {
  if (!isRecord(value)) {
    throw new DecodeError(path, 'an object');
  }
  return value;
}

export function string(value: unknown, path: string): string {
  if (typeof value !== 'string') {
    throw new DecodeError(path, 'a string');
  }
  return value;
}

export function integer(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new DecodeError(path, 'an integer');
  }
  return value;
}

export function nullableString(value: unknown, path: string): string | null {
  return value === null || value === undefined ? null : string(value, path);
}

/** An integer or an explicit null (a missing field is still an error). */
export function nullableInteger(value: unknown, path: string): number | null {
  return value === null ? null : integer(value, path);
}

export function array<T>(value: unknown, path: string, item: (v: unknown, p: string) => T): T[] {
  if (!Array.isArray(value)) {
    throw new DecodeError(path, 'an array');
  }
  const items: unknown[] = value;
  return items.map((v, i) => item(v, `${path}[${String(i)}]`));
}
