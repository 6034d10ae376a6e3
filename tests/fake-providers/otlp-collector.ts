/**
 * A fake OpenTelemetry collector: OTLP/HTTP trace exports, JSON or protobuf, decoded into plain
 * spans for tests to read. The protobuf reader below covers the fields of
 * opentelemetry/proto/trace/v1/trace.proto that the gateway's spans use.
 */
import type { ServerResponse } from "node:http";
import { startFakeServer, type FakeServer, type RecordedRequest } from "./http";

export type AttributeValue = string | number | boolean;

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** "" when the span has no parent. */
  parentSpanId: string;
  name: string;
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Record<string, AttributeValue>;
  status: { code: number; message: string };
  resource: Record<string, AttributeValue>;
}

export interface ExportRequest extends RecordedRequest {
  /** "json" or "protobuf", from the request's content type. */
  encoding: "json" | "protobuf";
  spans: ReceivedSpan[];
}

export interface FakeCollector extends FakeServer<ExportRequest> {
  /** The traces endpoint: `{origin}/v1/traces`. */
  url: string;
  spans(): ReceivedSpan[];
  /** Every span received with this `cf_aig.log_id`. */
  spansOfLog(logId: string): ReceivedSpan[];
}

export async function startFakeCollector(): Promise<FakeCollector> {
  const server = await startFakeServer<ExportRequest>(
    (base) => {
      const encoding = String(base.headers["content-type"]).includes("protobuf") ? "protobuf" : "json";
      return { ...base, mode: "", encoding, spans: encoding === "json" ? jsonSpans(base.rawBody) : protobufSpans(base.bytes) };
    },
    (request, res: ServerResponse) => {
      // An empty ExportTraceServiceResponse: everything accepted.
      if (request.encoding === "json") {
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      } else {
        res.writeHead(200, { "content-type": "application/x-protobuf" }).end();
      }
    },
  );
  const spans = () => server.requests.flatMap((request) => request.spans);
  return { ...server, url: `${server.origin}/v1/traces`, spans, spansOfLog: (logId) => spans().filter((span) => span.attributes["cf_aig.log_id"] === logId) };
}

// OTLP/JSON: ids are hex strings, 64-bit integers may be strings.

interface JsonAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
}

function jsonAttributes(list: { key: string; value: JsonAnyValue }[] | undefined): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const { key, value } of list ?? []) {
    if (value.stringValue !== undefined) out[key] = value.stringValue;
    else if (value.boolValue !== undefined) out[key] = value.boolValue;
    else if (value.intValue !== undefined) out[key] = Number(value.intValue);
    else if (value.doubleValue !== undefined) out[key] = value.doubleValue;
  }
  return out;
}

function jsonSpans(text: string): ReceivedSpan[] {
  const body = JSON.parse(text) as {
    resourceSpans: {
      resource?: { attributes?: { key: string; value: JsonAnyValue }[] };
      scopeSpans: {
        spans: {
          traceId: string;
          spanId: string;
          parentSpanId?: string;
          name: string;
          kind: number;
          startTimeUnixNano: string | number;
          endTimeUnixNano: string | number;
          attributes?: { key: string; value: JsonAnyValue }[];
          status?: { code?: number; message?: string };
        }[];
      }[];
    }[];
  };
  return body.resourceSpans.flatMap((resourceSpans) =>
    resourceSpans.scopeSpans.flatMap((scopeSpans) =>
      scopeSpans.spans.map((span) => ({
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId ?? "",
        name: span.name,
        kind: span.kind,
        startTimeUnixNano: BigInt(span.startTimeUnixNano),
        endTimeUnixNano: BigInt(span.endTimeUnixNano),
        attributes: jsonAttributes(span.attributes),
        status: { code: span.status?.code ?? 0, message: span.status?.message ?? "" },
        resource: jsonAttributes(resourceSpans.resource?.attributes),
      })),
    ),
  );
}

// OTLP/protobuf: the wire format read field by field.

type Field = { number: number; wire: number; varint?: bigint; bytes?: Buffer; fixed?: Buffer };

function fields(buffer: Buffer): Field[] {
  const out: Field[] = [];
  let offset = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = buffer[offset++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (offset < buffer.length) {
    const tag = Number(varint());
    const field: Field = { number: tag >>> 3, wire: tag & 7 };
    if (field.wire === 0) field.varint = varint();
    else if (field.wire === 2) {
      const length = Number(varint());
      field.bytes = buffer.subarray(offset, offset + length);
      offset += length;
    } else if (field.wire === 1) {
      field.fixed = buffer.subarray(offset, offset + 8);
      offset += 8;
    } else if (field.wire === 5) {
      field.fixed = buffer.subarray(offset, offset + 4);
      offset += 4;
    } else throw new Error(`unexpected protobuf wire type ${field.wire}`);
    out.push(field);
  }
  return out;
}

const all = (buffer: Buffer, number: number) => fields(buffer).filter((field) => field.number === number);
const one = (buffer: Buffer, number: number) => all(buffer, number)[0];

function protobufAnyValue(buffer: Buffer): AttributeValue | undefined {
  for (const field of fields(buffer)) {
    if (field.number === 1) return field.bytes!.toString("utf8");
    if (field.number === 2) return field.varint !== 0n;
    if (field.number === 3) return Number(BigInt.asIntN(64, field.varint!));
    if (field.number === 4) return field.fixed!.readDoubleLE(0);
  }
  return undefined;
}

function protobufAttributes(buffer: Buffer, number: number): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const { bytes } of all(buffer, number)) {
    const key = one(bytes!, 1)?.bytes?.toString("utf8") ?? "";
    const value = one(bytes!, 2)?.bytes;
    const decoded = value ? protobufAnyValue(value) : undefined;
    if (decoded !== undefined) out[key] = decoded;
  }
  return out;
}

function protobufSpans(body: Buffer): ReceivedSpan[] {
  return all(body, 1).flatMap(({ bytes: resourceSpans }) => {
    const resourceBytes = one(resourceSpans!, 1)?.bytes;
    const resource = resourceBytes ? protobufAttributes(resourceBytes, 1) : {};
    return all(resourceSpans!, 2).flatMap(({ bytes: scopeSpans }) =>
      all(scopeSpans!, 2).map(({ bytes: span }) => {
        const status = one(span!, 15)?.bytes;
        return {
          traceId: one(span!, 1)?.bytes?.toString("hex") ?? "",
          spanId: one(span!, 2)?.bytes?.toString("hex") ?? "",
          parentSpanId: one(span!, 4)?.bytes?.toString("hex") ?? "",
          name: one(span!, 5)?.bytes?.toString("utf8") ?? "",
          kind: Number(one(span!, 6)?.varint ?? 0n),
          startTimeUnixNano: one(span!, 7)?.fixed?.readBigUInt64LE(0) ?? 0n,
          endTimeUnixNano: one(span!, 8)?.fixed?.readBigUInt64LE(0) ?? 0n,
          attributes: protobufAttributes(span!, 9),
          status: {
            code: Number((status && one(status, 3)?.varint) ?? 0n),
            message: (status && one(status, 2)?.bytes?.toString("utf8")) ?? "",
          },
          resource,
        };
      }),
    );
  });
}
