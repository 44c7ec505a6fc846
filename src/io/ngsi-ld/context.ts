// The JSON-LD contexts NGSI-LD answers name, and how they travel: in the body (application/ld+json) or a Link header.

/** The NGSI-LD core context (ETSI GS CIM 009), implied by every NGSI-LD document. */
export const CORE_CONTEXT = 'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld';

/** The Smart Data Models context that defines TrafficFlowObserved, WasteContainer, ElectricityMeter and their terms. */
export const SMART_DATA_MODELS_CONTEXT = 'https://smartdatamodels.org/context.jsonld';

export const LD_JSON = 'application/ld+json';

/** The `@context` member of an application/ld+json answer. */
export const BODY_CONTEXT: readonly string[] = [SMART_DATA_MODELS_CONTEXT, CORE_CONTEXT];

/** The Link header an application/json answer carries instead (the core context is implied, so one link suffices). */
export const CONTEXT_LINK = `<${SMART_DATA_MODELS_CONTEXT}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"`;

/**
 * A term as the mapping names it, whether the sender used the short name of the context or its expanded IRI
 * (`https://smartdatamodels.org/dataModel.WasteManagement/fillingLevel` is `fillingLevel`).
 */
export function shortTerm(term: string): string {
  if (!term.includes(':')) return term;
  const cut = Math.max(term.lastIndexOf('/'), term.lastIndexOf('#'));
  return cut >= 0 ? term.slice(cut + 1) : term;
}
