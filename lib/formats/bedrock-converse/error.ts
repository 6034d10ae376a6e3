import type { SseEvent, WireError } from "@/lib/formats/canonical";
import type { JsonObject } from "@/lib/formats/json";
import { EXCEPTION_EVENT } from "./event-stream";

/**
 * Bedrock's errors: the HTTP status, the exception's name in the `x-amzn-errortype` header
 * (`ValidationException:http://…`) and a body of `{"message": …}`. The codec sees only the body, so
 * the name is the one Bedrock gives the status; a stream's exception frame names itself.
 */
const EXCEPTION_BY_STATUS: Readonly<Record<number, string>> = {
  400: "ValidationException",
  403: "AccessDeniedException",
  404: "ResourceNotFoundException",
  408: "ModelTimeoutException",
  424: "ModelErrorException",
  429: "ThrottlingException",
  500: "InternalServerException",
  503: "ServiceUnavailableException",
};

/** The HTTP status of each exception a stream may end with (ConverseStreamOutput's members). */
const STATUS_BY_STREAM_EXCEPTION: Readonly<Record<string, number>> = {
  internalServerException: 500,
  modelStreamErrorException: 424,
  validationException: 400,
  throttlingException: 429,
  serviceUnavailableException: 503,
};

export function bedrockExceptionName(status: number): string {
  return EXCEPTION_BY_STATUS[status] ?? (status >= 500 ? "InternalServerException" : "ValidationException");
}

export function decodeConverseError(status: number, body: JsonObject | undefined): WireError {
  // The Java-style services answer `Message`; Bedrock's own JSON protocol answers `message`.
  const text = body?.message ?? body?.Message;
  const message = typeof text === "string" && text !== "" ? text : `Amazon Bedrock answered HTTP ${status}.`;
  return { status, message, type: bedrockExceptionName(status) };
}

export function encodeConverseError(error: WireError): JsonObject {
  return { message: error.message };
}

/** A stream's exception frame, as the event-stream reader hands it over (`{type, message}`), → its words. */
export function errorFromException(data: JsonObject): WireError {
  const type = typeof data.type === "string" ? data.type : "internalServerException";
  const message = typeof data.message === "string" && data.message !== "" ? data.message : "Amazon Bedrock reported an error mid-stream.";
  return { status: STATUS_BY_STREAM_EXCEPTION[type] ?? 500, message, type };
}

/** A stream that fails ends with an exception, in the reader's shape (the framing writes it as a frame). */
export function converseStreamErrorEvents(error: WireError): SseEvent[] {
  const type = error.type !== undefined && error.type in STATUS_BY_STREAM_EXCEPTION ? error.type : error.status === 429 ? "throttlingException" : error.status < 500 ? "validationException" : "internalServerException";
  return [{ event: EXCEPTION_EVENT, data: JSON.stringify({ type, message: error.message }) }];
}
