// NGSI-LD entity ids: `urn:ngsi-ld:<Type>:<local id>`, the convention Smart Data Models examples follow.

const PREFIX = 'urn:ngsi-ld:';

export function entityId(type: string, localId: string): string {
  return `${PREFIX}${type}:${localId}`;
}

/** The type and local id of a `urn:ngsi-ld:<Type>:<id>` id; undefined for any other URI. */
export function parseEntityId(id: string): { type: string; localId: string } | undefined {
  if (!id.startsWith(PREFIX)) return undefined;
  const rest = id.slice(PREFIX.length);
  const colon = rest.indexOf(':');
  if (colon <= 0 || colon === rest.length - 1) return undefined;
  return { type: rest.slice(0, colon), localId: rest.slice(colon + 1) };
}
