// OpenADR 3 event objects, one per dispatched resource, with DISPATCH_SETPOINT payloads a VTN can send as they are.

export interface OpenAdrInterval {
  readonly id: number;
  /** Present when intervals are irregular; regular events carry one intervalPeriod on the event. */
  readonly intervalPeriod?: { readonly start: string; readonly duration: string };
  readonly payloads: readonly [{ readonly type: 'DISPATCH_SETPOINT'; readonly values: readonly [number] }];
}

export interface OpenAdrEvent {
  readonly objectType: 'EVENT';
  readonly programID: string;
  readonly eventName: string;
  readonly targets: readonly [{ readonly type: 'RESOURCE_NAME'; readonly values: readonly [string] }];
  readonly payloadDescriptors: readonly [
    {
      readonly objectType: 'EVENT_PAYLOAD_DESCRIPTOR';
      readonly payloadType: 'DISPATCH_SETPOINT';
      readonly units: 'KW';
    },
  ];
  readonly intervalPeriod: { readonly start: string; readonly duration: string };
  readonly intervals: readonly OpenAdrInterval[];
}

/** ISO 8601 duration of a span in milliseconds, e.g. PT15M, PT1H30M, PT90S. */
export function isoDuration(ms: number): string {
  let s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `PT${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s || (!h && !m) ? `${s}S` : ''}`;
}

export function openAdrEvent(
  programId: string,
  resourceId: string,
  startMs: Float64Array,
  endMs: Float64Array,
  setpointKW: readonly number[],
): OpenAdrEvent {
  const n = startMs.length;
  let regular = true;
  for (let t = 1; t < n; t++)
    if (startMs[t] !== endMs[t - 1] || endMs[t] - startMs[t] !== endMs[0] - startMs[0]) regular = false;
  const intervals: OpenAdrInterval[] = setpointKW.map((kw, t) => ({
    id: t,
    ...(regular
      ? {}
      : {
          intervalPeriod: { start: new Date(startMs[t]).toISOString(), duration: isoDuration(endMs[t] - startMs[t]) },
        }),
    payloads: [{ type: 'DISPATCH_SETPOINT', values: [kw] }],
  }));
  return {
    objectType: 'EVENT',
    programID: programId,
    eventName: `urbanflow-dispatch-${resourceId}`,
    targets: [{ type: 'RESOURCE_NAME', values: [resourceId] }],
    payloadDescriptors: [{ objectType: 'EVENT_PAYLOAD_DESCRIPTOR', payloadType: 'DISPATCH_SETPOINT', units: 'KW' }],
    intervalPeriod: { start: new Date(startMs[0]).toISOString(), duration: isoDuration(endMs[0] - startMs[0]) },
    intervals,
  };
}
